"""Course services: the checks that keep a profile matchable, versions, and who may write."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

import pytest

from coil.accounts.models import Role
from coil.core.errors import ServiceError
from coil.courses.matching import profile as match_profile
from coil.courses.models import Course
from coil.courses.services import (
    CourseData,
    Meeting,
    check_course_data,
    create_course,
    update_course,
)

GOOD = CourseData(
    title="International Marketing",
    first_day=date(2025, 2, 3),
    last_day=date(2025, 6, 27),
    timezone="Europe/Amsterdam",
    working_languages=[("en", "B2")],
    blocked_periods=[(date(2025, 4, 21), date(2025, 4, 25))],
    meetings=[Meeting(1, time(14), time(15, 30))],
    isced_codes=["0414"],
    exchange_weeks=6,
    status="open",
)


def bad(**changes: Any) -> CourseData:
    return replace(GOOD, **changes)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (bad(title="  "), "title"),
        (bad(last_day=date(2025, 1, 31)), "last_day"),
        (bad(last_day=date(2026, 6, 30)), "last_day"),
        (bad(timezone="Mars/Olympus_Mons"), "timezone"),
        (bad(timezone=""), "timezone"),
        (bad(blocked_periods=[(date(2025, 4, 25), date(2025, 4, 21))]), "blocked"),
        (bad(blocked_periods=[(date(2025, 8, 4), date(2025, 8, 8))]), "blocked"),
        (bad(blocked_periods=[(date(2025, 1, 27), date(2025, 2, 7))]), "blocked"),
        (bad(meetings=[Meeting(1, time(14), time(13))]), "meetings"),
        (bad(meetings=[Meeting(1, time(14), time(14))]), "meetings"),
        (bad(working_languages=[]), "working_languages"),
        (bad(working_languages=[("en", "B2"), ("en", "C1")]), "working_languages"),
        (bad(working_languages=[("xx", "B2")]), "working_languages"),
        (bad(working_languages=[("en", "D1")]), "working_languages"),
        (bad(instruction_languages=["klingon"]), "instruction_languages"),
        (bad(isced_codes=["0414", "12345"]), "isced_codes"),
        (bad(eqf_level=4), "eqf_level"),
        (bad(expected_students=0), "expected_students"),
        (bad(exchange_weeks=0), "exchange_weeks"),
        (bad(exchange_weeks=53), "exchange_weeks"),
        (bad(exchange_weeks=30), "exchange_weeks"),  # longer than the 20 teaching weeks
        (bad(sync_hours_per_week=-1), "sync_hours_per_week"),
        (bad(sync_hours_per_week=float("nan")), "sync_hours_per_week"),
        (bad(sdgs=[18]), "sdgs"),
        (bad(preferred_countries=["ZZ"]), "preferred_countries"),
        (bad(preferred_regions=["Atlantis"]), "preferred_regions"),
        (bad(discipline_preference="maybe"), "discipline_preference"),
        (bad(status="archived"), "status"),
    ],
)
def test_each_bad_input_names_its_field(app, data: CourseData, field: str) -> None:
    with pytest.raises(ServiceError) as raised:
        check_course_data(data)
    assert raised.value.field == field
    assert raised.value.message


def test_good_data_passes(app) -> None:
    check_course_data(GOOD)
    check_course_data(bad(meetings=[], sync_hours_per_week=0, exchange_weeks=20))


def test_create_and_update_bump_the_version_and_store_the_prepared_form(factory, db) -> None:
    lecturer = factory.user(Role.LECTURER)
    course = create_course(lecturer, GOOD)
    db.session.commit()
    created = course.version
    assert created
    prepared = match_profile.load(course.prepared or {})
    assert prepared.id == course.id
    assert prepared.tz == "Europe/Amsterdam"
    assert prepared.exchange_weeks == 6

    update_course(lecturer, course, bad(exchange_weeks=8, meetings=[]))
    db.session.commit()
    assert course.version not in (0, created)
    prepared = match_profile.load(course.prepared or {})
    assert (prepared.exchange_weeks, prepared.tz) == (8, "")


def test_only_the_owner_updates_and_only_lecturers_create(factory, db) -> None:
    owner = factory.user(Role.LECTURER)
    course = create_course(owner, GOOD)
    db.session.commit()
    colleague = factory.user(Role.LECTURER, owner.institution)
    coordinator = factory.user(Role.COORDINATOR, owner.institution)
    for actor in (colleague, coordinator):
        with pytest.raises(ServiceError):
            update_course(actor, course, bad(title="Taken over"))
    for actor in (coordinator, factory.user(Role.STUDENT, owner.institution)):
        with pytest.raises(ServiceError):
            create_course(actor, GOOD)
    db.session.rollback()
    assert db.session.query(Course).count() == 1
    assert db.session.get(Course, course.id).title == "International Marketing"


def test_a_paired_course_stays_paired(factory, db) -> None:
    owner = factory.user(Role.LECTURER)
    course = create_course(owner, GOOD)
    course.status = "paired"
    db.session.commit()
    with pytest.raises(ServiceError) as raised:
        update_course(owner, course, bad(status="open"))
    assert raised.value.field == "status"
    update_course(owner, course, bad(title="Renamed", status="paired"))
    assert (course.title, course.status) == ("Renamed", "paired")
