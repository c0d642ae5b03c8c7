"""Build the browser tests' database: migrate, then two students of one published team, a
lecturer, and the exchange's rooms. Run as ``python -m tests.browser.seed`` with
``COIL_INSTANCE_PATH`` set; prints the team room's id.
"""

from __future__ import annotations

from datetime import date

PASSWORD = "correct horse battery"
PEOPLE = {
    "lecturer": ("lena@nl.example", "Lena"),
    "anna": ("anna@nl.example", "Anna"),
    "dewi": ("dewi@id.example", "Dewi"),
}


def main() -> None:
    from flask_migrate import upgrade

    from coil import create_app
    from coil.accounts.models import Role
    from coil.chat.services import ensure_rooms
    from coil.core.time import utcnow
    from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
    from coil.extensions import db
    from coil.teams.models import Team, TeamMember
    from tests.factories import Factory

    app = create_app()
    with app.app_context():
        upgrade()
        factory = Factory(db)
        nl = factory.institution(name="Hogeschool Browser", timezone="Europe/Amsterdam")
        id_ = factory.institution(name="Universitas Browser", country="ID", timezone="Asia/Jakarta")
        email, name = PEOPLE["lecturer"]
        lecturer = factory.user(Role.LECTURER, nl, password=PASSWORD, email=email, name=name)
        course = factory.course(lecturer)
        exchange = Exchange(
            title="Marketing across borders",
            status="running",
            start_date=date(2027, 2, 1),
            end_date=date(2027, 4, 30),
            working_language="en",
            min_level="B2",
            teams_published_at=utcnow(),
        )
        exchange.members = [ExchangeCourse(course=course)]
        db.session.add(exchange)
        db.session.flush()
        team = Team(exchange=exchange, number=1, name="Team Kopi")
        for key, institution in (("anna", nl), ("dewi", id_)):
            email, name = PEOPLE[key]
            student = factory.user(
                Role.STUDENT, institution, password=PASSWORD, email=email, name=name
            )
            db.session.add(
                Enrolment(
                    exchange_id=exchange.id,
                    course_id=course.id,
                    user_id=student.id,
                    status="active",
                )
            )
            team.members.append(TeamMember(user=student))
        db.session.add(team)
        db.session.flush()
        _exchange_room, team_room = ensure_rooms(exchange)
        db.session.commit()
        print(team_room.id)


if __name__ == "__main__":
    main()
