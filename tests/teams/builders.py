"""Builders for team formation tests: an exchange of two courses and enrolled students.

The exchange comes from the shared test world (tests/world.py): two courses paired through
the pairing services, no students and no teams yet; ``enrol`` adds students with availability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from coil.accounts.models import AvailabilitySlot, Role, User
from coil.courses.models import Course
from coil.exchanges.models import Exchange
from coil.institutions.models import Institution
from tests.world import AMS, MEX, Person, Side, Spec, enrol_student

# Amsterdam moves to summer time on 28 March 2027; Mexico City keeps UTC-6 all year.
START, END = date(2027, 3, 15), date(2027, 4, 23)
MON = 0

SPEC = Spec(
    sides=(
        Side(
            "nl",
            {"country": "NL", "timezone": AMS},
            lecturer=Person("pieter", "Pieter"),
            coordinator=Person("coordinator", "Coordinator"),
            course={"title": "International Marketing"},
        ),
        Side(
            "mx",
            {"country": "MX", "timezone": MEX},
            lecturer=Person("carlos", "Carlos"),
            course={"title": "Global Marketing"},
        ),
    ),
    publish=None,
    outsider=None,
    strangers=None,
)


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
    """Pair two institutions' courses into an exchange; add a lecturer who teaches elsewhere."""
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
    with factory.batch():
        base = factory.world(SPEC, exchange=values)
        nl = base.institutions["nl"]
        other_lecturer = factory.user(Role.LECTURER, nl, name="Outsider")
        factory.course(other_lecturer, title="Unrelated course")
    return TeamWorld(
        base.exchange,
        nl,
        base.institutions["mx"],
        base.lecturers["nl"],
        base.lecturers["mx"],
        base.courses["nl"],
        base.courses["mx"],
        base.coordinators["nl"],
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
    with factory.batch():
        for k in range(count):
            name = f"{prefix or side.upper()} student {start + k + 1}"
            user = factory.user(
                Role.STUDENT, institution, name=name, timezone=tz, languages=languages
            )
            enrol_student(user, course)
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
    world.students.setdefault(side, []).extend(made)
    return made
