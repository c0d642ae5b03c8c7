"""An exchange of two courses with two published teams, its spaces, and people around them.

Built directly from models (enrolment and team formation have their own services elsewhere):
team A holds Anna (Amsterdam) and Dewi (Jakarta), team B holds Bram; Olga is a student of
the same institution who is not enrolled, Dirk dropped out of team A.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from coil.accounts.models import Role, User
from coil.core.time import utcnow
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
from coil.spaces.models import Space
from coil.spaces.services import ensure_space
from coil.teams.models import Team, TeamMember
from tests.conftest import AuthActions


@dataclass
class World:
    exchange: Exchange
    team_a: Team
    team_b: Team
    space: Space  # team A's
    exchange_space: Space
    lecturer: User
    partner_lecturer: User
    coordinator: User
    member: User  # team A, Europe/Amsterdam
    teammate: User  # team A, Asia/Jakarta
    other_team: User  # team B
    outsider: User  # same institution, not enrolled
    dropped: User  # was in team A, enrolment dropped
    foreign_lecturer: User  # a lecturer of a course outside the exchange


@pytest.fixture()
def world(factory, db) -> World:
    nl = factory.institution(name="Hogeschool Spaces", timezone="Europe/Amsterdam")
    id_ = factory.institution(name="Universitas Spaces", country="ID", timezone="Asia/Jakarta")
    lecturer = factory.user(Role.LECTURER, nl, email="lena@nl.example", name="Lena")
    partner = factory.user(Role.LECTURER, id_, email="budi@id.example", name="Budi")
    nl_course = factory.course(lecturer)
    id_course = factory.course(partner)
    exchange = Exchange(
        title="Marketing across borders",
        status="running",
        start_date=date(2027, 2, 1),
        end_date=date(2027, 4, 30),
        working_language="en",
        min_level="B2",
        teams_published_at=utcnow(),
    )
    exchange.members = [ExchangeCourse(course=nl_course), ExchangeCourse(course=id_course)]
    db.session.add(exchange)
    db.session.flush()

    def student(email: str, name: str, course, tz: str, status: str = "active") -> User:
        user = factory.user(Role.STUDENT, course.institution, email=email, name=name, timezone=tz)
        db.session.add(
            Enrolment(exchange_id=exchange.id, course_id=course.id, user_id=user.id, status=status)
        )
        return user

    member = student("anna@nl.example", "Anna", nl_course, "Europe/Amsterdam")
    teammate = student("dewi@id.example", "Dewi", id_course, "Asia/Jakarta")
    other_team = student("bram@nl.example", "Bram", nl_course, "Europe/Amsterdam")
    dropped = student("dirk@nl.example", "Dirk", nl_course, "Europe/Amsterdam", "dropped")
    outsider = factory.user(Role.STUDENT, nl, email="olga@nl.example", name="Olga")
    team_a = Team(exchange=exchange, number=1, name="Team Kopi")
    team_a.members = [TeamMember(user=member), TeamMember(user=teammate), TeamMember(user=dropped)]
    team_b = Team(exchange=exchange, number=2)
    team_b.members = [TeamMember(user=other_team)]
    db.session.add_all([team_a, team_b])
    db.session.flush()
    space = ensure_space(exchange, team_a)
    exchange_space = ensure_space(exchange)
    db.session.commit()
    return World(
        exchange=exchange,
        team_a=team_a,
        team_b=team_b,
        space=space,
        exchange_space=exchange_space,
        lecturer=lecturer,
        partner_lecturer=partner,
        coordinator=factory.user(Role.COORDINATOR, nl, email="cora@nl.example"),
        member=member,
        teammate=teammate,
        other_team=other_team,
        outsider=outsider,
        dropped=dropped,
        foreign_lecturer=factory.user(Role.LECTURER, nl, email="fred@nl.example"),
    )


@pytest.fixture()
def login(app):
    """Return a function that logs ``user`` in on a fresh client and returns its AuthActions."""

    def login_as(user: User) -> AuthActions:
        actions = AuthActions(app.test_client())
        assert actions.login(user.email).status_code == 302
        return actions

    return login_as


@pytest.fixture()
def storage_dir(app, tmp_path) -> Path:
    """Point the app's file storage at an empty folder of this test."""
    path = tmp_path / "files"
    app.config["STORAGE_PATH"] = str(path)
    return path


def stored_files(path: Path) -> list[Path]:
    """Return every file under the storage folder, temporary ones included."""
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []
