"""Two complementary courses at two institutions, as the pairing tests need them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time

import pytest

from coil.accounts.models import Role, User
from coil.courses.models import Course
from coil.courses.services import CourseData, Meeting, create_course

AMSTERDAM = CourseData(
    title="International Marketing",
    timezone="Europe/Amsterdam",
    first_day=date(2027, 2, 8),
    last_day=date(2027, 6, 25),
    meetings=[Meeting(1, time(14, 0), time(15, 30)), Meeting(3, time(15, 0), time(17, 0))],
    working_languages=[("en", "B2")],
    isced_codes=["0414"],
    exchange_weeks=6,
    status="open",
)
MEXICO = CourseData(
    title="Global Marketing",
    timezone="America/Mexico_City",
    first_day=date(2027, 1, 18),
    last_day=date(2027, 5, 21),
    blocked_periods=[(date(2027, 3, 22), date(2027, 3, 26))],
    meetings=[Meeting(1, time(7, 0), time(8, 30)), Meeting(3, time(8, 0), time(10, 0))],
    working_languages=[("en", "B2"), ("es", "B2")],
    isced_codes=["0414"],
    exchange_weeks=6,
    status="open",
)


@dataclass
class Pair:
    """Two lecturers at two institutions, each with an open course, and their coordinators."""

    nl_lecturer: User
    mx_lecturer: User
    nl_course: Course
    mx_course: Course
    nl_coordinator: User
    mx_coordinator: User


@pytest.fixture()
def pair(factory, db) -> Pair:
    nl = factory.institution(name="Hogeschool Test", country="NL", timezone="Europe/Amsterdam")
    mx = factory.institution(name="Universidad Test", country="MX", timezone="America/Mexico_City")
    nl_lecturer = factory.user(Role.LECTURER, nl, email="pieter@nl.example", name="Pieter")
    mx_lecturer = factory.user(Role.LECTURER, mx, email="carlos@mx.example", name="Carlos")
    nl_course = create_course(nl_lecturer, AMSTERDAM)
    mx_course = create_course(mx_lecturer, MEXICO)
    db.session.commit()
    return Pair(
        nl_lecturer,
        mx_lecturer,
        nl_course,
        mx_course,
        factory.user(Role.COORDINATOR, nl, email="coord@nl.example"),
        factory.user(Role.COORDINATOR, mx, email="coord@mx.example"),
    )


@pytest.fixture()
def third_course(factory, db):
    """A third open course at a South African institution that fits the pair's calendar."""
    za = factory.institution(name="Cape Test", country="ZA", timezone="Africa/Johannesburg")
    lecturer = factory.user(Role.LECTURER, za, email="johan@za.example", name="Johan")
    course = create_course(
        lecturer,
        replace(
            AMSTERDAM,
            title="Business Communication",
            timezone="Africa/Johannesburg",
            first_day=date(2027, 2, 1),
            last_day=date(2027, 6, 4),
            meetings=[Meeting(1, time(14, 0), time(16, 0))],
            isced_codes=["0413"],
        ),
    )
    db.session.commit()
    return lecturer, course
