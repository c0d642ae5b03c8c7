"""Find a time: shared weekly hours across zones, intersected over every week (no Flask)."""

from __future__ import annotations

from datetime import date, time

import pytest

from coil.core.weekly import WeeklySlot
from coil.schedule.findtime import Member, find_time, local_readings, utc_reading

AMS, MEX = "Europe/Amsterdam", "America/Mexico_City"
TUE = 1
BEFORE_CHANGE = (date(2027, 3, 15), date(2027, 3, 26))
ACROSS_CHANGE = (date(2027, 3, 15), date(2027, 4, 23))  # Europe moves its clocks on 2027-03-28


def member(mid: int, tz: str, *spans: tuple[int, str, str]) -> Member:
    slots = tuple(
        WeeklySlot(day, time.fromisoformat(a), time.fromisoformat(b), tz) for day, a, b in spans
    )
    return Member(mid, f"M{mid}", slots)


ANNA = member(1, AMS, (TUE, "14:00", "17:00"))  # 13-16 UTC in winter, 12-15 UTC in summer
BRUNO = member(2, MEX, (TUE, "07:00", "10:00"))  # 13-16 UTC all year (no DST since 2022)


def utc(interval) -> tuple[int, str, str]:
    reading = utc_reading(interval)
    return reading.weekday, f"{reading.start:%H:%M}", f"{reading.end:%H:%M}"


def test_overlap_before_the_clock_change_is_three_hours():
    result = find_time([ANNA, BRUNO], *BEFORE_CHANGE)
    assert [utc(i) for i in result.intervals] == [(TUE, "13:00", "16:00")]
    assert result.intervals[0].free == 2 and result.total == 2


def test_overlap_shrinks_to_what_every_week_shares_across_the_european_change():
    result = find_time([ANNA, BRUNO], *ACROSS_CHANGE)
    assert [utc(i) for i in result.intervals] == [(TUE, "13:00", "15:00")]
    assert result.intervals[0].minutes == 120


def test_an_amsterdam_viewer_sees_the_hour_move_with_their_clocks():
    (interval,) = find_time([ANNA, BRUNO], *ACROSS_CHANGE).intervals
    readings = local_readings(interval, AMS, *ACROSS_CHANGE)
    assert [(r.weekday, f"{r.start:%H:%M}", f"{r.end:%H:%M}") for r in readings] == [
        (TUE, "14:00", "16:00"),
        (TUE, "15:00", "17:00"),
    ]
    assert readings[1].since == date(2027, 3, 30)
    mexico = local_readings(interval, MEX, *ACROSS_CHANGE)
    assert [(f"{r.start:%H:%M}", f"{r.end:%H:%M}") for r in mexico] == [("07:00", "09:00")]


def test_members_without_availability_are_named_and_do_not_empty_the_view():
    nobody = Member(3, "Chen", ())
    result = find_time([ANNA, BRUNO, nobody], *BEFORE_CHANGE)
    assert result.missing == (nobody,)
    assert result.min_free == 2 and result.total == 3
    assert [utc(i) for i in result.intervals] == [(TUE, "13:00", "16:00")]


def test_at_least_n_splits_intervals_by_how_many_are_free():
    carla = member(3, AMS, (TUE, "15:00", "18:00"))  # 14-17 UTC before the change
    result = find_time([ANNA, BRUNO, carla], *BEFORE_CHANGE, min_free=2)
    assert [(utc(i), i.free) for i in result.intervals] == [
        ((TUE, "13:00", "14:00"), 2),
        ((TUE, "14:00", "16:00"), 3),
    ]  # 16:00-17:00 UTC only Carla is free
    at_least_one = find_time([ANNA, BRUNO, carla], *BEFORE_CHANGE, min_free=1)
    assert [(utc(i), i.free) for i in at_least_one.intervals][-1] == ((TUE, "16:00", "17:00"), 1)
    assert result.intervals[1].names == ("M1", "M2", "M3")
    everyone = find_time([ANNA, BRUNO, carla], *BEFORE_CHANGE)
    assert [utc(i) for i in everyone.intervals] == [(TUE, "14:00", "16:00")]


def test_a_reversed_range_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        find_time([ANNA], date(2027, 4, 1), date(2027, 3, 1))
