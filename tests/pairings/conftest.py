"""Two complementary courses at two institutions, as the pairing tests need them.

The sides are those of the shared test world (tests/world.py), not yet paired: the exchanges
domain pairs them into its world.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time

import pytest

from coil.accounts.models import User
from coil.courses.models import Course
from coil.courses.services import CourseData, Meeting
from tests.world import AMS, MEX, Person, Side, make_side

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


#: The Dutch side: Pieter teaches International Marketing in Amsterdam.
NL_SIDE = Side(
    "nl",
    {"name": "Hogeschool Test", "country": "NL", "timezone": AMS},
    lecturer=Person("pieter", "Pieter", "pieter@nl.example"),
    coordinator=Person("noor", "Noor", "coord@nl.example"),
    course=AMSTERDAM,
)
#: The Mexican side: Carlos teaches Global Marketing in Mexico City.
MX_SIDE = Side(
    "mx",
    {"name": "Universidad Test", "country": "MX", "timezone": MEX},
    lecturer=Person("carlos", "Carlos", "carlos@mx.example"),
    coordinator=Person("marta", "Marta", "coord@mx.example"),
    course=MEXICO,
)
#: A third open course at a South African institution that fits the pair's calendar.
ZA_SIDE = Side(
    "za",
    {"name": "Cape Test", "country": "ZA", "timezone": "Africa/Johannesburg"},
    lecturer=Person("johan", "Johan", "johan@za.example"),
    course=replace(
        AMSTERDAM,
        title="Business Communication",
        timezone="Africa/Johannesburg",
        first_day=date(2027, 2, 1),
        last_day=date(2027, 6, 4),
        meetings=[Meeting(1, time(14, 0), time(16, 0))],
        isced_codes=["0413"],
    ),
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
    with factory.batch():
        nl, mx = make_side(factory, NL_SIDE), make_side(factory, MX_SIDE)
    return Pair(
        nl["lecturer"],
        mx["lecturer"],
        nl["course"],
        mx["course"],
        nl["coordinator"],
        mx["coordinator"],
    )


@pytest.fixture()
def third_course(factory, db):
    """A third open course at a South African institution that fits the pair's calendar."""
    za = make_side(factory, ZA_SIDE)
    return za["lecturer"], za["course"]
