"""The demo: realistic, spread over continents and time zones, and safe to load twice."""

from __future__ import annotations

from coil.accounts.models import Role, User
from coil.demo.seed import DEMO_PASSWORD, seed_demo
from coil.institutions.models import Institution


def test_demo_loads_once_and_twice_gives_the_same_data(app, db):
    first = seed_demo()
    counts = (db.session.query(Institution).count(), db.session.query(User).count())
    second = seed_demo()
    assert first == second
    assert (db.session.query(Institution).count(), db.session.query(User).count()) == counts


def test_demo_spans_four_continents_with_every_role(app, db):
    seed_demo()
    institutions = db.session.query(Institution).all()
    assert len({i.country for i in institutions}) >= 4
    assert len({i.timezone.split("/")[0] for i in institutions}) >= 4  # Europe, America, Asia...
    for institution in institutions:
        roles = {u.role for u in institution.users}
        assert {Role.COORDINATOR, Role.LECTURER, Role.STUDENT} <= roles, institution.name
    assert db.session.query(User).filter_by(role=Role.ADMIN).count() == 1


def test_every_printed_demo_login_works(app, client, auth):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    logins = seed_demo()
    for role, email, _where in logins:
        response = auth.login(email, DEMO_PASSWORD)
        assert response.status_code == 302, (role, email)
        auth.logout()


def test_seed_demo_command_prints_the_logins(app):
    from coil.cli import cli

    result = app.test_cli_runner().invoke(cli, ["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@coil.example" in result.output and DEMO_PASSWORD in result.output


def test_demo_team_rooms_are_ready_to_talk_in(app, db):
    from coil.accounts.services import find_user_by_email
    from coil.chat import sending, services
    from coil.chat.rooms import rooms_for

    seed_demo()
    seed_demo()
    daan = find_user_by_email("daan@amstelland.example")
    diego = find_user_by_email("diego@utvalle.example")
    jose = find_user_by_email("jose@utvalle.example")
    rooms = {room.name: (room, unread) for room, unread in rooms_for(daan)}
    assert set(rooms) == {"International Marketing × Global Marketing", "Team Tulip"}
    team_room, unread = rooms["Team Tulip"]
    assert unread == 2  # Diego's hello and Lotte's answer, loaded once
    assert [m.author.name for m in services.history(diego, team_room)] == [
        "Diego Torres",
        "Lotte Visser",
    ]
    assert sending.post_message(diego, team_room, "try", "Hello Daan!")[1]
    assert "Team Tulip" not in {room.name for room, _n in rooms_for(jose)}
