"""The truth about two courses' shared weeks and class time, computed the slow and obvious way.

An oracle for the matching engine that shares none of its code or shortcuts: it imports nothing
from ``coil`` (only the standard library), keeps no bitmasks, frames or UTC weeks, and walks
every real local day of each term, turning every single class into aware datetimes with zoneinfo
and then into the set of POSIX minutes it covers.

Definitions (the engine documents the same ones in ``coil.courses.matching.rank``):

- A **teaching day** of a course is a date in [first day, last day] that no blocked period
  (inclusive at both ends) covers. A **week** is a calendar week, Monday to Sunday, in the
  course's own zone, named by the date of its Monday. A **teaching week** has at least three
  teaching days from Monday to Friday.
- A **class** happens on every teaching day of its weekday whose week is a teaching week, from
  its start to its end in local wall-clock time; a time that a clock change skips or repeats is
  read as Python reads it by default (fold=0).
- A **shared teaching week** is a week both courses teach in (the same Monday date, each in its
  own zone). **Blocks** are maximal runs of shared teaching weeks that follow each other.
- The **shared minutes** of a shared week W are the minutes during which a class of one course
  and a class of the other both run, where the later of the two classes' local weeks is W. Most
  pairs of classes that run together fall in the same local week; across the date line a
  Monday class in Auckland runs with a Sunday class in Honolulu, and counts in Monday's week.
- A **window** is ``need`` consecutive weeks of one block. Its typical minutes are the lower
  median of its weeks' shared minutes. The best window has the most typical minutes, then the
  most shared minutes in all, then starts earliest.
- The **dates** of a run of shared weeks go from the later of its first Monday and the two
  first days to the earlier of its last Friday and the two last days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from statistics import median_low
from zoneinfo import ZoneInfo

MIN_TEACHING_DAYS = 3
ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Course:
    tz: str
    first_day: date
    last_day: date
    blocked: tuple[tuple[date, date], ...] = ()
    classes: tuple[tuple[int, time, time], ...] = ()  # (weekday, 0 = Monday, start, end)


@dataclass(frozen=True)
class Window:
    first: date  # Monday of the first week
    weeks: tuple[date, ...]  # Mondays, in order
    minutes: tuple[int, ...]  # shared minutes of each week
    typical: int
    total: int


@dataclass(frozen=True)
class Truth:
    weeks: tuple[date, ...]  # Mondays of every shared teaching week, in order
    blocks: tuple[tuple[date, ...], ...]  # each an unbroken run of those Mondays
    minutes: dict[date, int]  # shared minutes of every shared teaching week
    window: Window | None  # the best window, None when no block holds ``need`` weeks


def is_teaching_day(course: Course, day: date) -> bool:
    if not course.first_day <= day <= course.last_day:
        return False
    return not any(start <= day <= end for start, end in course.blocked)


@lru_cache(maxsize=256)
def teaching_weeks(course: Course) -> frozenset[date]:
    """Return the Mondays of the course's teaching weeks, by counting its teaching weekdays."""
    count: dict[date, int] = {}
    day = course.first_day
    while day <= course.last_day:
        if day.weekday() < 5 and is_teaching_day(course, day):
            monday = day - timedelta(days=day.weekday())
            count[monday] = count.get(monday, 0) + 1
        day += ONE_DAY
    return frozenset(monday for monday, days in count.items() if days >= MIN_TEACHING_DAYS)


def _posix_minute(moment: datetime) -> int:
    seconds = moment.timestamp()
    assert seconds % 60 == 0, moment  # every offset from 2000 on is whole minutes
    return int(seconds) // 60


def class_minutes(course: Course, monday: date) -> set[int]:
    """Return the POSIX minutes of every class the course holds in its local week ``monday``."""
    if monday not in teaching_weeks(course):
        return set()
    zone = ZoneInfo(course.tz)
    minutes: set[int] = set()
    for offset in range(7):
        day = monday + timedelta(days=offset)
        if not is_teaching_day(course, day):
            continue
        for weekday, start, end in course.classes:
            if weekday == day.weekday():
                first = _posix_minute(datetime.combine(day, start, tzinfo=zone))
                last = _posix_minute(datetime.combine(day, end, tzinfo=zone))
                minutes.update(range(first, last))
    return minutes


def _blocks(weeks: list[date]) -> list[tuple[date, ...]]:
    blocks: list[list[date]] = []
    for monday in weeks:
        if blocks and monday - blocks[-1][-1] == ONE_WEEK:
            blocks[-1].append(monday)
        else:
            blocks.append([monday])
    return [tuple(block) for block in blocks]


def shared_minutes(a: Course, b: Course, monday: date) -> set[int]:
    """Return the POSIX minutes that count as shared class time in the week ``monday``."""
    a_now, b_now = class_minutes(a, monday), class_minutes(b, monday)
    a_before, b_before = class_minutes(a, monday - ONE_WEEK), class_minutes(b, monday - ONE_WEEK)
    return (a_now & b_now) | (a_now & b_before) | (a_before & b_now)


def truth(a: Course, b: Course, need: int) -> Truth:
    """Return the shared teaching weeks of two courses, their blocks, minutes and best window."""
    weeks = sorted(teaching_weeks(a) & teaching_weeks(b))
    minutes = {monday: len(shared_minutes(a, b, monday)) for monday in weeks}
    blocks = _blocks(weeks)
    best: Window | None = None
    for block in blocks:
        for start in range(len(block) - need + 1):
            chosen = block[start : start + need]
            values = tuple(minutes[monday] for monday in chosen)
            window = Window(chosen[0], chosen, values, median_low(values), sum(values))
            if best is None or (window.typical, window.total) > (best.typical, best.total):
                best = window
    return Truth(tuple(weeks), tuple(blocks), minutes, best)


def run_dates(a: Course, b: Course, weeks: tuple[date, ...]) -> tuple[date, date]:
    """Return the dates of a run of shared weeks (see the module's definitions)."""
    first = max(weeks[0], a.first_day, b.first_day)
    last = min(weeks[-1] + timedelta(days=4), a.last_day, b.last_day)
    return first, last


def shared_runs(a: Course, b: Course, monday: date) -> list[tuple[datetime, datetime]]:
    """Return the shared class time of one week as maximal runs of minutes, [start, end) in UTC."""
    shared = sorted(shared_minutes(a, b, monday))
    runs: list[list[int]] = []
    for minute in shared:
        if runs and minute == runs[-1][1]:
            runs[-1][1] = minute + 1
        else:
            runs.append([minute, minute + 1])
    return [
        (datetime.fromtimestamp(start * 60, UTC), datetime.fromtimestamp(end * 60, UTC))
        for start, end in runs
    ]


def wall_clock(moment: datetime, tz: str, *, end: bool = False) -> datetime:
    """Return the naive local time of a UTC moment; an end is read at its last minute, plus one.

    So a run that ends at a clock change ends at the wall-clock time people saw then.
    """
    if end:
        moment -= timedelta(minutes=1)
    local = moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return local + timedelta(minutes=1) if end else local
