"""The engine's weekly UTC hours as text: in UTC, and in a zone week by week (clocks change
during an exchange, so one UTC hour can be two local hours)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from coil.core.weekly import describe_mask, monday_of, week_offsets
from coil.courses.labels import weekday_name
from coil.teams.engine.model import SLOT_MINUTES, SLOTS_PER_DAY


def hours(value: float) -> str:
    """Render hours a week: "1 hour a week", "1.5 hours a week"."""
    if float(value).is_integer():
        return ngettext("%(num)d hour a week", "%(num)d hours a week", int(value))
    return _("%(hours)s hours a week", hours=format_decimal(value, "0.##"))


def _minutes(clock: str) -> int:
    hh, mm = clock.split(":")
    return int(hh) * 60 + int(mm)


def mask_of(intervals: Iterable[Sequence[Any]]) -> int:
    """Rebuild a weekly UTC mask from the engine's (weekday, "HH:MM", "HH:MM") intervals."""
    mask = 0
    for day, start, end in intervals:
        first = day * SLOTS_PER_DAY + _minutes(start) // SLOT_MINUTES
        stop = day * SLOTS_PER_DAY + _minutes(end) // SLOT_MINUTES
        mask |= ((1 << (stop - first)) - 1) << first
    return mask


def utc_times(intervals: Iterable[Sequence[Any]]) -> str:
    """Render UTC intervals as "Mon 15:00 to 17:00 UTC"."""
    parts = [
        _("%(day)s %(start)s to %(end)s", day=weekday_name(day), start=start, end=end)
        for day, start, end in intervals
    ]
    return _("%(times)s UTC", times=", ".join(parts)) if parts else ""


def local_times(mask: int, tz: str, first: date, last: date) -> list[tuple[date, str]]:
    """Render a UTC weekly mask in zone ``tz``, once per stretch of weeks with the same offset."""
    if not mask:
        return []
    out: list[tuple[date, str]] = []
    monday, stop = monday_of(first), monday_of(last)
    previous = None
    while monday <= stop:
        offsets = week_offsets(tz, monday)
        if offsets != previous:
            text = ", ".join(
                _(
                    "%(day)s %(start)s to %(end)s",
                    day=weekday_name(item.a_start.weekday()),
                    start=f"{item.a_start:%H:%M}",
                    end=f"{item.a_end:%H:%M}",
                )
                for item in describe_mask(mask, offsets, offsets, monday)
            )
            if not out or out[-1][1] != text:
                out.append((max(monday, first), text))
            previous = offsets
        monday += timedelta(days=7)
    return out
