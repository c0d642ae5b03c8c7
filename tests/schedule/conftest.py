"""An Amsterdam-Mexico City exchange with two published teams, built directly with the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from coil.accounts.models import Role, User
from coil.core.time import utcnow
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
from coil.schedule import services
from coil.schedule.models import LiveSession
from coil.teams.models import Team, TeamMember

AMS = "Europe/Amsterdam"
MEX = "America/Mexico_City"


@dataclass
class World:
    exchange: Exchange
    nl_lecturer: User
    mx_lecturer: User
    coordinator: User
    anna: User  # team 1, Amsterdam
    bruno: User  # team 1, Mexico City
    carla: User  # team 2, Amsterdam
    outsider: User  # a student of the same institution, not enrolled
    other_lecturer: User  # teaches elsewhere
    team1: Team
    team2: Team

    def plan(
        self,
        actor: User | None = None,
        team: Team | None = None,
        day: date = date(2027, 3, 23),
        start: time = time(14, 0),
        end: time = time(15, 30),
        tz: str = AMS,
        title: str = "Kick-off",
    ) -> LiveSession:
        """Plan a session through the service (flushed; the caller commits)."""
        data = services.SessionData(title, day, start, end, tz, location="Zoom", team=team)
        return services.create_session(actor or self.nl_lecturer, self.exchange, data)


@pytest.fixture()
def world(factory, db) -> World:
    nl = factory.institution(name="Hogeschool Sched", country="NL", timezone=AMS)
    mx = factory.institution(name="Universidad Sched", country="MX", timezone=MEX)
    nl_lecturer = factory.user(Role.LECTURER, nl, name="Pieter", timezone=AMS)
    mx_lecturer = factory.user(Role.LECTURER, mx, name="Carlos", timezone=MEX)
    nl_course = factory.course(nl_lecturer)
    mx_course = factory.course(mx_lecturer)
    exchange = Exchange(
        title="Marketing across borders",
        start_date=date(2027, 3, 15),
        end_date=date(2027, 4, 23),
        working_language="en",
        min_level="B2",
        teams_published_at=utcnow(),
    )
    exchange.members = [ExchangeCourse(course=nl_course), ExchangeCourse(course=mx_course)]
    db.session.add(exchange)
    db.session.flush()
    students = {}
    for name, course, tz in (
        ("Anna", nl_course, AMS),
        ("Bruno", mx_course, MEX),
        ("Carla", nl_course, AMS),
        ("Diego", mx_course, MEX),
    ):
        inst = nl if course is nl_course else mx
        user = factory.user(Role.STUDENT, inst, name=name, timezone=tz)
        db.session.add(Enrolment(exchange_id=exchange.id, course_id=course.id, user_id=user.id))
        students[name] = user
    team1 = Team(exchange=exchange, number=1, name="Tulips")
    team1.members = [TeamMember(user=students["Anna"]), TeamMember(user=students["Bruno"])]
    team2 = Team(exchange=exchange, number=2, name="Cacti")
    team2.members = [TeamMember(user=students["Carla"]), TeamMember(user=students["Diego"])]
    db.session.add_all([team1, team2])
    db.session.commit()
    return World(
        exchange=exchange,
        nl_lecturer=nl_lecturer,
        mx_lecturer=mx_lecturer,
        coordinator=factory.user(Role.COORDINATOR, nl, name="Coord"),
        anna=students["Anna"],
        bruno=students["Bruno"],
        carla=students["Carla"],
        outsider=factory.user(Role.STUDENT, nl, name="Otto"),
        other_lecturer=factory.user(Role.LECTURER, name="Lena"),
        team1=team1,
        team2=team2,
    )
