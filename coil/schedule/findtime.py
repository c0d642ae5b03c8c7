"""Find a time: the weekly hours when enough members of a team are free, every week.

Each member's weekly slots are in their own zone; :func:`coil.core.weekly.availability_mask`
turns them into the UTC quarter-hours free in *every* week of the exchange, so an hour that moves
in UTC with a clock change drops out rather than being offered for half the weeks. Counting is per
quarter-hour; intervals are runs of quarters with the same number of free members.

No Flask here: plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from coil.core.weekly import (
    QUARTER_MINUTES,
    QUARTERS_PER_WEEK,
    WeeklySlot,
    availability_mask,
    monday_of,
    zone,
)

_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    name: str
    slots: tuple[WeeklySlot, ...]  # in the member's own zone


@dataclass(frozen=True, slots=True)
class FreeInterval:
    first: int  # UTC quarter of the week, counted from Monday 00:00 UTC
    end: int  # exclusive
    free: int  # members free throughout the interval
    names: tuple[str, ...]  # who is free

    @property
    def minutes(self) -> int:
        """Return the interval's length in minutes."""
        return (self.end - self.first) * QUARTER_MINUTES


@dataclass(frozen=True, slots=True)
class WeeklyTime:
    weekday: int  # 0 = Monday
    start: time
    end: time  # 00:00 when the interval ends at midnight
    since: date  # first local date from which this reading holds


@dataclass(frozen=True, slots=True)
class FindTime:
    total: int  # members asked
    min_free: int
    intervals: tuple[FreeInterval, ...]
    missing: tuple[Member, ...]  # members who listed no availability


def member_masks(members: Sequence[Member], first_day: date, last_day: date) -> dict[int, int]:
    """Return each member's UTC quarters free in every week of [first_day, last_day]."""
    return {m.id: availability_mask(m.slots, first_day, last_day) for m in members}


def find_time(
    members: Sequence[Member], first_day: date, last_day: date, min_free: int | None = None
) -> FindTime:
    """Return the weekly intervals when at least ``min_free`` members are free in every week.

    ``min_free`` defaults to every member who listed availability (at least one), so that one
    person who has not filled in yet does not empty the view; they are named in ``missing``.
    """
    if last_day < first_day:
        raise ValueError(f"the range ends ({last_day}) before it starts ({first_day})")
    missing = tuple(m for m in members if not m.slots)
    masks = member_masks(members, first_day, last_day)
    if min_free is None:
        min_free = len(members) - len(missing)
    min_free = max(1, min(min_free, len(members) or 1))
    names = {m.id: m.name for m in members}
    intervals: list[FreeInterval] = []
    previous: tuple[int, ...] = ()
    start = 0
    for quarter in range(QUARTERS_PER_WEEK + 1):
        free = (
            tuple(mid for mid, mask in masks.items() if mask >> quarter & 1)
            if quarter < QUARTERS_PER_WEEK
            else ()
        )
        if free != previous:
            if len(previous) >= min_free:
                intervals.append(
                    FreeInterval(start, quarter, len(previous), tuple(names[i] for i in previous))
                )
            previous, start = free, quarter
    return FindTime(len(members), min_free, tuple(intervals), missing)


def utc_reading(interval: FreeInterval) -> WeeklyTime:
    """Read an interval in UTC (the same in every week)."""
    return _read(interval, date(2001, 1, 1), UTC)


def local_readings(
    interval: FreeInterval, tz: str, first_day: date, last_day: date
) -> list[WeeklyTime]:
    """Read an interval in zone ``tz`` for every week of the range; one entry per change.

    The UTC interval is the same every week, but a viewer whose clocks change during the
    exchange sees it an hour earlier or later from then on: each distinct reading is returned
    with the first local date it holds.
    """
    zinfo = zone(tz)
    readings: list[WeeklyTime] = []
    monday = monday_of(first_day)
    while monday <= last_day:
        reading = _read(interval, monday, zinfo)
        if not readings or _key(readings[-1]) != _key(reading):
            readings.append(reading)
        monday += _WEEK
    return readings


def _key(reading: WeeklyTime) -> tuple[int, time, time]:
    return reading.weekday, reading.start, reading.end


def _read(interval: FreeInterval, monday: date, zinfo: tzinfo) -> WeeklyTime:
    base = datetime.combine(monday, time(), tzinfo=UTC)
    start = (base + timedelta(minutes=interval.first * QUARTER_MINUTES)).astimezone(zinfo)
    end = (base + timedelta(minutes=interval.end * QUARTER_MINUTES)).astimezone(zinfo)
    return WeeklyTime(start.weekday(), start.time(), end.time(), start.date())
