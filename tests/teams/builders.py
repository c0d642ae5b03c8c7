"""Builders for team formation tests: an exchange of two courses and enrolled students."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from coil.accounts.models import AvailabilitySlot, Role, User
from coil.courses.models import Course
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
from coil.institutions.models import Institution

# Amsterdam moves to summer time on 28 March 2027; Mexico City keeps UTC-6 all year.
START, END = date(2027, 3, 15), date(2027, 4, 23)
MON = 0


@dataclass
class TeamWorld:
    """An exchange between an Amsterdam and a Mexico City course, with their people."""

    exchange: Exchange
    nl: Institution
    mx: Institution
    nl_lecturer: User
    mx_lecturer: User
    nl_course: Course
    mx_course: Course
    nl_coordinator: User
    other_lecturer: User
    students: dict[str, list[User]] = field(default_factory=dict)


def build_world(factory: Any, db: Any, **exchange_values: Any) -> TeamWorld:
    """Create two institutions, their lecturers and courses, and an exchange joining them."""
    nl = factory.institution(country="NL", timezone="Europe/Amsterdam")
    mx = factory.institution(country="MX", timezone="America/Mexico_City")
    nl_lecturer = factory.user(Role.LECTURER, nl, name="Pieter")
    mx_lecturer = factory.user(Role.LECTURER, mx, name="Carlos")
    nl_course = factory.course(nl_lecturer, title="International Marketing")
    mx_course = factory.course(mx_lecturer, title="Global Marketing")
    other_lecturer = factory.user(Role.LECTURER, nl, name="Outsider")
    factory.course(other_lecturer, title="Unrelated course")
    values: dict[str, Any] = {
        "title": "Marketing across borders",
        "start_date": START,
        "end_date": END,
        "working_language": "en",
        "min_level": "B1",
        "team_size": 4,
        "min_shared_hours": 1.0,
    }
    values.update(exchange_values)
    exchange = Exchange(**values)
    exchange.members = [ExchangeCourse(course=nl_course), ExchangeCourse(course=mx_course)]
    db.session.add(exchange)
    db.session.commit()
    return TeamWorld(
        exchange,
        nl,
        mx,
        nl_lecturer,
        mx_lecturer,
        nl_course,
        mx_course,
        factory.user(Role.COORDINATOR, nl, name="Coordinator"),
        other_lecturer,
    )


def enrol(
    factory: Any,
    db: Any,
    world: TeamWorld,
    side: str,
    count: int,
    *,
    slots: tuple[tuple[int, str, str], ...] | None = None,
    languages: tuple[tuple[str, str], ...] = (("en", "B2"),),
    prefix: str | None = None,
) -> list[User]:
    """Enrol ``count`` students of the "nl" or "mx" course, free at ``slots`` (local times).

    By default the Dutch students are free Monday 16:00-19:00 in Amsterdam and the Mexican ones
    Monday 08:00-12:00 in Mexico City, which share 15:00-17:00 UTC in every week of the exchange.
    """
    institution, course, tz = (
        (world.nl, world.nl_course, "Europe/Amsterdam")
        if side == "nl"
        else (world.mx, world.mx_course, "America/Mexico_City")
    )
    if slots is None:
        slots = ((MON, "16:00", "19:00"),) if side == "nl" else ((MON, "08:00", "12:00"),)
    made = []
    start = len(world.students.get(side, []))
    for k in range(count):
        name = f"{prefix or side.upper()} student {start + k + 1}"
        user = factory.user(Role.STUDENT, institution, name=name, timezone=tz, languages=languages)
        db.session.add(
            Enrolment(exchange_id=world.exchange.id, course_id=course.id, user_id=user.id)
        )
        for weekday, begin, end in slots:
            db.session.add(
                AvailabilitySlot(
                    user_id=user.id,
                    weekday=weekday,
                    start_time=time.fromisoformat(begin),
                    end_time=time.fromisoformat(end),
                )
            )
        made.append(user)
    db.session.commit()
    world.students.setdefault(side, []).extend(made)
    return made
