"""Course facts and matching reasons as text in the viewer's language.

``describe`` is the translated counterpart of ``reasons.render_en``: the engine returns reason
codes with parameters, this module turns them into sentences with flask_babel, naming languages,
countries and regions through CLDR and weekdays and dates in the UI language (names of things
come from ``labels``, which forms and pages share).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from babel.lists import format_list
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _

from coil.core.time import is_timezone
from coil.courses.labels import (
    EQF_LABELS,
    country_name,
    field_title,
    language_name,
    region_by_english_name,
    sdg_label,
    ui_locale,
    weekday_name,
    zone_city,
)
from coil.courses.matching.reasons import Reason

log = logging.getLogger(__name__)


def _list(items: Iterable[str]) -> str:
    return format_list(list(items), locale=ui_locale())


def _day(day: date, with_year: bool) -> str:
    return format_date(day, "d MMM y" if with_year else "d MMM")


def period(first: date, last: date) -> str:
    """Render a span of days as "3 Mar to 11 Apr" (with years when they differ)."""
    with_year = first.year != last.year
    return _("%(first)s to %(last)s", first=_day(first, with_year), last=_day(last, with_year))


def _clock(start: datetime, end: datetime, weekday: bool) -> str:
    values = {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
    if weekday:
        return _("%(day)s %(start)s to %(end)s", day=weekday_name(start.weekday()), **values)
    return _("%(start)s to %(end)s", **values)


def interval(item: Any, tz_a: str, tz_b: str) -> str:
    """Render a shared interval: "Tue 14:00 to 15:30 in Amsterdam is 07:00 to 08:30 in …"."""
    other_day = item.b_start.date() != item.a_start.date()
    return _(
        "%(here)s in %(city_a)s is %(there)s in %(city_b)s",
        here=_clock(item.a_start, item.a_end, True),
        city_a=zone_city(tz_a),
        there=_clock(item.b_start, item.b_end, other_day),
        city_b=zone_city(tz_b),
    )


def _hours(minutes: int) -> str:
    if minutes % 15:  # hours would need rounding: say the exact minutes
        return ngettext(
            "%(num)d shared class minute a week", "%(num)d shared class minutes a week", minutes
        )
    if minutes % 60 == 0:
        return ngettext(
            "%(num)d shared class hour a week", "%(num)d shared class hours a week", minutes // 60
        )
    return _("%(hours)s shared class hours a week", hours=format_decimal(minutes / 60, "0.##"))


def _weeks(p: Mapping[str, Any]) -> str:
    blocks = p.get("blocks") or ((p["first"], p["last"], p["weeks"]),)
    if len(blocks) == 1:
        return ngettext(
            "%(num)d overlapping week (%(period)s)",
            "%(num)d overlapping weeks (%(period)s)",
            p["weeks"],
            period=period(p["first"], p["last"]),
        )
    return ngettext(
        "%(num)d overlapping week in %(blocks)d blocks (%(periods)s)",
        "%(num)d overlapping weeks in %(blocks)d blocks (%(periods)s)",
        p["weeks"],
        blocks=len(blocks),
        periods=_list(period(first, last) for first, last, _ in blocks),
    )


def _window(p: Mapping[str, Any]) -> str:
    return ngettext(
        "best window for the %(num)d-week exchange: %(period)s",
        "best window for the %(num)d-week exchange: %(period)s",
        p["weeks"],
        period=period(p["first"], p["last"]),
    )


def _sync_hours(p: Mapping[str, Any]) -> str:
    times = [interval(item, p["tz_a"], p["tz_b"]) for item in p["intervals"]]
    return _("%(hours)s: %(times)s", hours=_hours(p["minutes"]), times=", ".join(times))


def _sync_some(p: Mapping[str, Any]) -> str:
    times = [interval(item, p["tz_a"], p["tz_b"]) for item in p["intervals"]]
    return _(
        "shared class time in only %(some)d of %(weeks)d weeks, up to %(high)d minutes a week: "
        "%(times)s",
        some=p["weeks_with"],
        weeks=p["weeks"],
        high=p["high"],
        times=", ".join(times),
    )


def _sync_varies(p: Mapping[str, Any]) -> str:
    return _(
        "shared class time varies from %(low)d to %(high)d minutes a week (%(at)d of %(weeks)d "
        "weeks have at least %(typical)d)",
        low=p["low"],
        high=p["high"],
        at=p["weeks_at_typical"],
        weeks=p["weeks"],
        typical=p["typical"],
    )


def _asymmetry(p: Mapping[str, Any]) -> str:
    language = language_name(p["language"])
    if p.get("instruction_side") == "candidate":
        return _(
            "%(language)s is taught in by the other course only, not by this one",
            language=language,
        )
    return _(
        "%(language)s is taught in by this course only, not by the other one", language=language
    )


def _discipline(p: Mapping[str, Any]) -> str:
    relation = p["relation"]
    if relation is None:
        return _("no field of education to compare")
    if relation == "different":
        text = _(
            "different fields: %(ours)s and %(theirs)s",
            ours=field_title(p["target_code"]),
            theirs=field_title(p["candidate_code"]),
        )
    else:
        shared = field_title(p["shared_code"])
        text = {
            "same_detailed": lambda: _("same field: %(field)s", field=shared),
            "same_narrow": lambda: _("same narrow field: %(field)s", field=shared),
            "same_broad": lambda: _("same broad field: %(field)s", field=shared),
        }[relation]()
    if p.get("preference") == "different":
        if relation == "different":
            return _("%(text)s (as wanted)", text=text)
        return _("%(text)s (a different field was wanted)", text=text)
    return text


def _eqf(level: int) -> str:
    label = EQF_LABELS.get(level)
    return _("%(level)d (%(label)s)", level=level, label=label) if label is not None else str(level)


def _level(p: Mapping[str, Any]) -> str:
    if p["target"] == p["candidate"]:
        return _("both at EQF level %(level)s", level=_eqf(p["target"]))
    return _(
        "EQF levels %(ours)s and %(theirs)s", ours=_eqf(p["target"]), theirs=_eqf(p["candidate"])
    )


def _geo(p: Mapping[str, Any]) -> str:
    country, region = country_name(p["country"]), region_by_english_name(p["region"])
    text = {
        "same_country": lambda: _("partner in the same country (%(country)s)", country=country),
        "same_region": lambda: _(
            "partner in %(country)s, same region (%(region)s)", country=country, region=region
        ),
        "other_region": lambda: _(
            "partner in %(country)s (%(region)s)", country=country, region=region
        ),
    }[p["relation"]]()
    if p.get("preferred") == "country":
        return _("%(text)s, a preferred country", text=text)
    if p.get("preferred") == "region":
        return _("%(text)s, in a preferred region", text=text)
    return text


def _too_few_weeks(p: Mapping[str, Any]) -> str:
    if not p["weeks"]:
        return ngettext(
            "no overlapping teaching weeks, %(num)d needed",
            "no overlapping teaching weeks, %(num)d needed",
            p["needed"],
        )
    if p.get("longest", p["weeks"]) == p["weeks"]:
        return ngettext(
            "only %(num)d overlapping teaching week (%(period)s), %(needed)d needed",
            "only %(num)d overlapping teaching weeks (%(period)s), %(needed)d needed",
            p["weeks"],
            period=period(p["first"], p["last"]),
            needed=p["needed"],
        )
    return ngettext(
        "%(num)d overlapping teaching week, but at most %(longest)d in a row (%(period)s), "
        "%(needed)d needed",
        "%(num)d overlapping teaching weeks, but at most %(longest)d in a row (%(period)s), "
        "%(needed)d needed",
        p["weeks"],
        longest=p["longest"],
        period=period(p["first"], p["last"]),
        needed=p["needed"],
    )


def _no_shared_language(p: Mapping[str, Any]) -> str:
    return _(
        "no shared working language (this course: %(ours)s; the other course: %(theirs)s)",
        ours=_list(language_name(code) for code in p["target"]),
        theirs=_list(language_name(code) for code in p["candidate"]),
    )


_RENDER: Mapping[str, Callable[[Mapping[str, Any]], str]] = MappingProxyType(
    {
        "weeks": _weeks,
        "window": _window,
        "sync_hours": _sync_hours,
        "sync_some": _sync_some,
        "no_sync": lambda p: _("no shared class hours: asynchronous collaboration only"),
        "sync_varies": _sync_varies,
        "language": lambda p: _(
            "working language %(language)s at level %(level)s",
            language=language_name(p["language"]),
            level=p["level"],
        ),
        "language_asymmetry": _asymmetry,
        "discipline": _discipline,
        "level": _level,
        "class_size": lambda p: _(
            "class sizes %(ours)d and %(theirs)d students", ours=p["target"], theirs=p["candidate"]
        ),
        "sdgs": lambda p: _(
            "shared SDGs: %(goals)s", goals=_list(sdg_label(goal) for goal in p["shared"])
        ),
        "outcomes": lambda p: _(
            "shared learning outcomes: %(tags)s", tags=_list(str(tag) for tag in p["shared"])
        ),
        "geo": _geo,
        "same_institution": lambda p: _("both courses are at the same institution"),
        "institutions_blocked": lambda p: _("the two institutions do not pair with each other"),
        "too_few_weeks": _too_few_weeks,
        "no_shared_language": _no_shared_language,
    }
)
KNOWN_CODES = frozenset(_RENDER)


def describe(reason: Reason) -> str:
    """Render one matching reason in the UI language; never fail on an odd reason."""
    render = _RENDER.get(reason.code)
    if render is not None:
        try:
            return render(reason.params)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            log.warning("cannot render reason %r with %r", reason.code, reason.params)
    else:
        log.warning("no text for reason code %r", reason.code)
    return _("another reason (%(code)s)", code=reason.code)


@dataclass(frozen=True, slots=True)
class MeetingTime:
    """A weekly meeting in the course's zone and in the viewer's, on a sample day."""

    course_time: str
    viewer_time: str
    day: date


def _span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return _clock(start, end, True)
    return _(
        "%(start)s to %(end)s",
        start=f"{weekday_name(start.weekday())} {start:%H:%M}",
        end=f"{weekday_name(end.weekday())} {end:%H:%M}",
    )


def _sample_day(weekday: int, first: date, last: date, today: date) -> date:
    # The next class from today while the term runs, else the first of the term: the offset
    # between two zones changes with daylight saving time, so the day matters.
    start = today if first <= today <= last else first
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def meeting_times(
    meetings: Iterable[Mapping[str, Any]],
    course_tz: str,
    viewer_tz: str,
    first: date,
    last: date,
    today: date,
) -> list[MeetingTime]:
    """Show stored meetings in the course's zone and converted to the viewer's zone."""
    if not is_timezone(course_tz):
        return []
    here = ZoneInfo(course_tz)
    there = ZoneInfo(viewer_tz) if is_timezone(viewer_tz) else here
    rows = []
    for meeting in meetings:
        day = _sample_day(int(meeting["weekday"]), first, last, today)
        start = datetime.combine(day, time.fromisoformat(meeting["start"]), tzinfo=here)
        end = datetime.combine(day, time.fromisoformat(meeting["end"]), tzinfo=here)
        rows.append(
            MeetingTime(
                _span(start, end), _span(start.astimezone(there), end.astimezone(there)), day
            )
        )
    return rows
