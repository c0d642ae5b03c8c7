"""Class meetings to the minute, in the week in which they happen locally.

Every local week gets a frame of nine days of UTC minutes, from the Sunday before its Monday
00:00 UTC, which holds the local week of any zone (UTC-12 to UTC+14, clock changes included).
Both sides of a pair read the same week through the same frame, so their minutes compare
directly; a Monday-morning class in Tokyo, on Sunday in UTC, stays in its own week and in one
piece. Pure: no Flask, no database; zoneinfo only when a profile is prepared.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from coil.core.weekly import (
    QUARTER_MINUTES,
    Offsets,
    SharedInterval,
    WeeklySlot,
    monday_of,
    offset_at,
    week_index,
    zone,
)

MINUTES_PER_DAY = 24 * 60
FRAME_LEAD = MINUTES_PER_DAY  # a frame starts this many minutes before its Monday 00:00 UTC
FRAME_MINUTES = 9 * MINUTES_PER_DAY
FRAME_QUARTERS = FRAME_MINUTES // QUARTER_MINUTES
_WEEK = timedelta(days=7)

Interval = tuple[int, int]
"""[start, end) in minutes of a week's frame."""


def frame_start(monday: date) -> datetime:
    """Return the UTC moment that minute 0 of the frame of the local week ``monday`` stands for."""
    return datetime.combine(monday, time(), tzinfo=UTC) - timedelta(minutes=FRAME_LEAD)


def _frame_minute(moment: datetime, start: datetime) -> int:
    delta = moment - start  # both aware: the difference is real elapsed time
    return delta.days * MINUTES_PER_DAY + delta.seconds // 60


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Return the union of ``intervals`` as sorted, disjoint, non-touching intervals."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def local_week_meetings(
    slots: Iterable[WeeklySlot],
    first_day: date,
    last_day: date,
    blocked: Iterable[tuple[date, date]],
    weeks: Collection[date],
) -> dict[int, tuple[Interval, ...]]:
    """Return the class meetings of every local week, keyed by week index, as frame minutes.

    A meeting happens on each local date of its weekday in [first_day, last_day] that no blocked
    period (inclusive) covers and whose week (named by its local Monday) is in ``weeks``; it
    counts in that local week, however its UTC time falls. Each occurrence goes to UTC through
    zoneinfo on its own date, to the minute; a local time skipped or repeated by a clock change
    is read with zoneinfo's default (fold=0). Meetings of one week that overlap or touch are
    merged; weeks without a meeting are left out.
    """
    periods = tuple(blocked)
    wanted = {monday_of(week) for week in weeks}
    found: dict[int, list[Interval]] = {}
    for slot in slots:
        tz = zone(slot.tz)
        day = first_day + timedelta(days=(slot.weekday - first_day.weekday()) % 7)
        while day <= last_day:
            monday = monday_of(day)
            if monday in wanted and not any(start <= day <= end for start, end in periods):
                origin = frame_start(monday)
                first = _frame_minute(datetime.combine(day, slot.start, tzinfo=tz), origin)
                end = _frame_minute(datetime.combine(day, slot.end, tzinfo=tz), origin)
                if not (0 <= first <= FRAME_MINUTES and 0 <= end <= FRAME_MINUTES):
                    raise ValueError(f"{slot} on {day} falls outside its week's frame")
                found.setdefault(week_index(monday), []).append((first, end))
            day += _WEEK
    merged = {week: merge_intervals(found[week]) for week in sorted(found)}
    return {week: intervals for week, intervals in merged.items() if intervals}


def touched_quarters(intervals: Iterable[Interval]) -> int:
    """Return the quarters of the frame that any of ``intervals`` touches, as a bitmask.

    Rounded outwards, so that 15 minutes per shared bit bound the shared minutes from above.
    """
    mask = 0
    for start, end in intervals:
        if end > start:
            first, last = start // QUARTER_MINUTES, (end - 1) // QUARTER_MINUTES
            mask |= ((1 << (last - first + 1)) - 1) << first
    return mask


@lru_cache(maxsize=65536)
def frame_offsets(tz: str, monday: date) -> Offsets:
    """Return the zone's UTC offset over the frame of the local week ``monday``, as steps.

    Steps are (first frame minute, offset in minutes), the first at 0. Changes are found by
    bisection between minutes, which assumes a zone does not change and change back within the
    nine days of a frame.
    """
    zinfo = zone(tz)
    start = frame_start(monday)

    def offset(minute: int) -> int:
        utcoffset = (start + timedelta(minutes=minute)).astimezone(zinfo).utcoffset()
        assert utcoffset is not None  # noqa: S101 (zoneinfo always knows an aware moment's offset)
        return int(utcoffset.total_seconds()) // 60

    steps = [(0, offset(0))]

    def split(low: int, high: int, low_offset: int, high_offset: int) -> None:
        if low_offset == high_offset:
            return
        if high - low == 1:
            steps.append((high, high_offset))
            return
        middle = (low + high) // 2
        middle_offset = offset(middle)
        split(low, middle, low_offset, middle_offset)
        split(middle, high, middle_offset, high_offset)

    split(0, FRAME_MINUTES - 1, steps[0][1], offset(FRAME_MINUTES - 1))
    return tuple(steps)


def offsets_within(offsets: Offsets, start: int, end: int) -> Offsets:
    """Return the steps of ``offsets`` that matter in [start, end), the first moved to 0.

    Two weeks whose meetings see the same offsets compare equal even when a clock change
    happens elsewhere in the frame (on a Sunday night without classes, say).
    """
    kept = [(0, offset_at(offsets, start))]
    for minute, offset in offsets:
        if start < minute < end:
            kept.append((minute, offset))
    return tuple(kept)


def describe_frame(
    pieces: Iterable[Interval], offsets_a: Offsets, offsets_b: Offsets, monday: date
) -> list[SharedInterval]:
    """Return frame-minute intervals of the local week ``monday`` as local times in two zones.

    The end is read with the offset of the interval's last minute, so an interval that ends at
    a clock change ends at the wall-clock time people saw then.
    """
    origin = frame_start(monday)
    intervals = []
    for first, end in pieces:
        utc_start = origin + timedelta(minutes=first)
        utc_end = origin + timedelta(minutes=end)
        naive_start, naive_end = utc_start.replace(tzinfo=None), utc_end.replace(tzinfo=None)
        intervals.append(
            SharedInterval(
                utc_start,
                utc_end,
                naive_start + timedelta(minutes=offset_at(offsets_a, first)),
                naive_end + timedelta(minutes=offset_at(offsets_a, end - 1)),
                naive_start + timedelta(minutes=offset_at(offsets_b, first)),
                naive_end + timedelta(minutes=offset_at(offsets_b, end - 1)),
            )
        )
    return intervals
