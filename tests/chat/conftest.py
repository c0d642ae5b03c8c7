"""An exchange of two courses with two published teams, their rooms, and people around them.

Built directly from models: team A holds Anna and Dewi, team B holds Bram; Olga is a student
of the same institution who is not enrolled, Dirk dropped out of team A.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from unittest.mock import MagicMock, patch

import pytest

from coil.accounts.models import Role, User
from coil.chat.models import Room
from coil.chat.services import ensure_rooms
from coil.core.time import utcnow
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
from coil.teams.models import Team, TeamMember


@dataclass
class World:
    exchange: Exchange
    team_a: Team
    team_b: Team
    room_a: Room
    room_b: Room
    exchange_room: Room
    lecturer: User
    partner_lecturer: User
    coordinator: User
    member: User  # team A
    teammate: User  # team A
    other_team: User  # team B
    outsider: User  # same institution, not enrolled
    dropped: User  # was in team A, enrolment dropped
    foreign_lecturer: User  # teaches a course outside the exchange


@pytest.fixture()
def world(factory: Any, db: Any) -> World:
    nl = factory.institution(name="Hogeschool Chat", timezone="Europe/Amsterdam")
    id_ = factory.institution(name="Universitas Chat", country="ID", timezone="Asia/Jakarta")
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

    def student(email: str, name: str, course: Any, status: str = "active") -> User:
        user = factory.user(Role.STUDENT, course.institution, email=email, name=name)
        db.session.add(
            Enrolment(exchange_id=exchange.id, course_id=course.id, user_id=user.id, status=status)
        )
        return user

    member = student("anna@nl.example", "Anna", nl_course)
    teammate = student("dewi@id.example", "Dewi", id_course)
    other_team = student("bram@nl.example", "Bram", nl_course)
    dropped = student("dirk@nl.example", "Dirk", nl_course, "dropped")
    outsider = factory.user(Role.STUDENT, nl, email="olga@nl.example", name="Olga")
    team_a = Team(exchange=exchange, number=1, name="Team Kopi")
    team_a.members = [TeamMember(user=member), TeamMember(user=teammate), TeamMember(user=dropped)]
    team_b = Team(exchange=exchange, number=2)
    team_b.members = [TeamMember(user=other_team)]
    db.session.add_all([team_a, team_b])
    db.session.flush()
    exchange_room, room_a, room_b = ensure_rooms(exchange)
    db.session.commit()
    return World(
        exchange=exchange,
        team_a=team_a,
        team_b=team_b,
        room_a=room_a,
        room_b=room_b,
        exchange_room=exchange_room,
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
def emitted(app: Any) -> Iterator[MagicMock]:
    """Socket.IO emits made after commit during the test."""
    with patch("coil.extensions.socketio.emit") as emit:
        yield emit
