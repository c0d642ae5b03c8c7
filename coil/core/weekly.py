"""Weekly recurring slots (class meetings, students' free hours) as UTC quarter-hour bitmasks.

A week is cut into 672 quarter-hours counted from Monday 00:00 UTC, and a set of them is a Python
int whose bit ``i`` stands for quarter ``i``: intersecting two schedules is one ``&`` and counting
shared time one ``bit_count()``. Weeks are named by the date of their Monday (UTC ISO week), or,
where speed matters, by an int index counted from Monday 2001-01-01.

Each occurrence of a slot goes to UTC on its own local date through zoneinfo, so every week gets
the offset in force that day: Amsterdam and New York change to summer time on different Sundays,
and the shared hours between them differ in the weeks between the two changes.

Rounding is conservative: only quarter-hours a slot covers entirely count, so 09:10-10:00 counts
as 09:15-10:00. Shared time is never overstated, and every UTC offset in use today is a multiple
of 15 minutes, so whole-quarter local times are never cut. Students' free hours (team formation,
find-a-time) use these masks.

Class meetings of course matching are exact to the minute instead, in the week in which they
happen locally: see ``coil.courses.matching.frames``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

QUARTER_MINUTES = 15
QUARTERS_PER_DAY = 24 * 60 // QUARTER_MINUTES
QUARTERS_PER_WEEK = 7 * QUARTERS_PER_DAY
FULL_WEEK = (1 << QUARTERS_PER_WEEK) - 1
# A week is a teaching week when at least this many of its weekdays are teaching days: a week
# with a two-day holiday still counts, a term that starts on a Thursday does not start that week.
MIN_TEACHING_DAYS = 3

_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)  # a Monday
_EPOCH_DAY = _EPOCH.date()
_QUARTER_US = QUARTER_MINUTES * 60 * 1_000_000
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Offsets = tuple[tuple[int, int], ...]
"""A zone's UTC offset over one UTC week: (first quarter, offset in minutes) steps, from 0.

The minute frames of class meetings use the same shape with minutes of the frame instead of
quarters (``frame_offsets``)."""


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name``; raise ValueError when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    weekday: int  # 0 = Monday, as date.weekday()
    start: time  # local wall-clock time in tz, naive
    end: time
    tz: str  # IANA name, e.g. "Europe/Amsterdam"

    def __post_init__(self) -> None:
        if not isinstance(self.weekday, int) or not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday!r}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("slot times are local wall-clock times: pass naive times and tz")
        if self.end <= self.start:
            raise ValueError(
                f"slot ends at {self.end:%H:%M}, not after it starts at {self.start:%H:%M}: "
                "slots cannot run past midnight, split it into two slots"
            )
        zone(self.tz)


@dataclass(frozen=True, slots=True)
class SharedInterval:
    utc_start: datetime
    utc_end: datetime
    a_start: datetime  # naive wall-clock times in zone a
    a_end: datetime
    b_start: datetime  # naive wall-clock times in zone b
    b_end: datetime

    @property
    def minutes(self) -> int:
        """Return the interval's length in minutes."""
        return int((self.utc_end - self.utc_start).total_seconds()) // 60


def monday_of(day: date) -> date:
    """Return the Monday of the ISO week holding ``day``."""
    return day - timedelta(days=day.weekday())


def week_index(day: date) -> int:
    """Return the index of the week holding ``day`` (week 0 starts Monday 2001-01-01)."""
    return (day - _EPOCH_DAY).days // 7


def monday_of_index(index: int) -> date:
    """Return the Monday of week ``index``."""
    return _EPOCH_DAY + index * _WEEK


def _quarter(moment: datetime, *, round_up: bool) -> int:
    delta = moment.astimezone(UTC) - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return -(-micros // _QUARTER_US) if round_up else micros // _QUARTER_US


def occurrence_quarters(slot: WeeklySlot, day: date) -> tuple[int, int]:
    """Return the absolute UTC quarters [first, end) that the slot fully covers on local ``day``.

    A local time that does not exist (skipped by a change to summer time) or exists twice is read
    with zoneinfo's default (fold=0), the offset in force before the change.
    """
    tz = zone(slot.tz)
    first = _quarter(datetime.combine(day, slot.start, tzinfo=tz), round_up=True)
    end = _quarter(datetime.combine(day, slot.end, tzinfo=tz), round_up=False)
    return first, max(first, end)


def _add_quarters(masks: dict[int, int], first: int, end: int) -> None:
    # An occurrence may straddle Monday 00:00 UTC (Monday morning in Sydney is Sunday in UTC):
    # each week gets its own part.
    while first < end:
        week, offset = divmod(first, QUARTERS_PER_WEEK)
        stop = min(end, (week + 1) * QUARTERS_PER_WEEK)
        masks[week] = masks.get(week, 0) | (((1 << (stop - first)) - 1) << offset)
        first = stop


def week_masks_by_index(
    slots: Iterable[WeeklySlot],
    first_day: date,
    last_day: date,
    skip_weeks: Collection[date] = frozenset(),
) -> dict[int, int]:
    """Return the UTC quarter mask of every week the slots occupy, keyed by week index."""
    masks: dict[int, int] = {}
    for slot in slots:
        day = first_day + timedelta(days=(slot.weekday - first_day.weekday()) % 7)
        while day <= last_day:
            if monday_of(day) not in skip_weeks:
                _add_quarters(masks, *occurrence_quarters(slot, day))
            day += _WEEK
    return {week: masks[week] for week in sorted(masks) if masks[week]}


def week_masks(
    slots: Iterable[WeeklySlot],
    first_day: date,
    last_day: date,
    skip_weeks: Collection[date] = frozenset(),
) -> dict[date, int]:
    """Return the UTC quarter mask of every UTC week the slots occupy, keyed by its Monday.

    Occurrences count when their local date lies in [first_day, last_day] and its ISO week (a
    local calendar week, named by its Monday) is not in ``skip_weeks``. Weeks without any
    occupied quarter are left out.
    """
    by_index = week_masks_by_index(slots, first_day, last_day, skip_weeks)
    return {monday_of_index(week): mask for week, mask in by_index.items()}


def runs(mask: int) -> list[tuple[int, int]]:
    """Return the runs of set bits in ``mask`` as [start, end) bit positions, lowest first."""
    found = []
    position = 0
    while mask:
        low = (mask & -mask).bit_length() - 1
        mask >>= low
        position += low
        length = (~mask & (mask + 1)).bit_length() - 1  # trailing ones
        found.append((position, position + length))
        mask >>= length
        position += length
    return found


@lru_cache(maxsize=65536)
def week_offsets(tz: str, monday: date) -> Offsets:
    """Return the zone's UTC offset over the UTC week starting ``monday``, as steps.

    Most weeks have one step; a week with a clock change has two. Changes are found by bisection
    between quarters, which assumes a zone does not change and change back within one week.
    """
    zinfo = zone(tz)
    start = datetime.combine(monday, time(), tzinfo=UTC)

    def offset(quarter: int) -> int:
        moment = (start + timedelta(minutes=quarter * QUARTER_MINUTES)).astimezone(zinfo)
        utcoffset = moment.utcoffset()
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

    split(0, QUARTERS_PER_WEEK - 1, steps[0][1], offset(QUARTERS_PER_WEEK - 1))
    return tuple(steps)


def offset_at(offsets: Offsets, quarter: int) -> int:
    current = offsets[0][1]
    for first, minutes in offsets:
        if first > quarter:
            break
        current = minutes
    return current


def describe_mask(
    mask: int, offsets_a: Offsets, offsets_b: Offsets, week_monday: date
) -> list[SharedInterval]:
    """Return the runs of ``mask`` (one UTC week) as local times, from precomputed offsets."""
    base = datetime.combine(week_monday, time(), tzinfo=UTC)
    intervals = []
    for first, end in runs(mask):
        utc_start = base + timedelta(minutes=first * QUARTER_MINUTES)
        utc_end = base + timedelta(minutes=end * QUARTER_MINUTES)
        naive_start, naive_end = utc_start.replace(tzinfo=None), utc_end.replace(tzinfo=None)
        # The end is read with the offset of the run's last quarter, so a run that ends at a
        # clock change ends at the wall-clock time people saw then.
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


def describe_overlap(mask: int, tz_a: str, tz_b: str, week_monday: date) -> list[SharedInterval]:
    """Return the shared runs of one UTC week's mask as local times in both zones."""
    return describe_mask(
        mask, week_offsets(tz_a, week_monday), week_offsets(tz_b, week_monday), week_monday
    )


def format_interval(interval: SharedInterval, tz_a: str, tz_b: str) -> str:
    """Render an interval as "Tue 14:00 to 15:30 in A is 07:00 to 08:30 in B" (English)."""

    def clock(start: datetime, end: datetime, weekday: bool) -> str:
        prefix = f"{_WEEKDAYS[start.weekday()]} " if weekday else ""
        return f"{prefix}{start:%H:%M} to {end:%H:%M}"

    other_day = interval.b_start.date() != interval.a_start.date()
    return (
        f"{clock(interval.a_start, interval.a_end, True)} in {tz_a} is "
        f"{clock(interval.b_start, interval.b_end, other_day)} in {tz_b}"
    )


def availability_mask(slots: Iterable[WeeklySlot], first_day: date, last_day: date) -> int:
    """Return the UTC quarters of the slots that fall in every week of [first_day, last_day].

    Every UTC week touching the range must have the quarter, so an hour that moves in UTC with a
    clock change inside the range drops out. The pattern is taken to hold through the whole edge
    weeks: a range starting on a Wednesday still keeps Monday's hours.
    """
    slots = tuple(slots)
    first_week, last_week = week_index(first_day), week_index(last_day)
    # One week of margin each side: a local occurrence can spill into the neighbouring UTC week.
    masks = week_masks_by_index(
        slots, monday_of_index(first_week - 1), monday_of_index(last_week + 2)
    )
    result = FULL_WEEK
    for week in range(first_week, last_week + 1):
        result &= masks.get(week, 0)
    return result


def teaching_weeks(
    first_day: date,
    last_day: date,
    blocked: Iterable[tuple[date, date]] = (),
    min_days: int = MIN_TEACHING_DAYS,
) -> set[date]:
    """Return the Mondays of the weeks with at least ``min_days`` teaching days.

    Teaching days are Monday to Friday in [first_day, last_day] outside every blocked period
    (periods are inclusive at both ends).
    """
    if last_day < first_day:
        raise ValueError(f"the term ends ({last_day}) before it starts ({first_day})")
    periods = tuple(blocked)
    for start, end in periods:
        if end < start:
            raise ValueError(f"blocked period ends ({end}) before it starts ({start})")
    days: Counter[date] = Counter()
    day = first_day
    while day <= last_day:
        if day.weekday() < 5 and not any(start <= day <= end for start, end in periods):
            days[monday_of(day)] += 1
        day += _DAY
    return {monday for monday, count in days.items() if count >= min_days}


def week_bits(weeks: Iterable[date]) -> tuple[int, int]:
    """Return (index of the first week, bits) for a set of Mondays; bit i is week first + i."""
    indices = sorted({week_index(week) for week in weeks})
    if not indices:
        return 0, 0
    base = indices[0]
    bits = 0
    for index in indices:
        bits |= 1 << (index - base)
    return base, bits
