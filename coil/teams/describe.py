"""Team reasons, broken constraints and infeasibility diagnoses as text in the viewer's language.

The translated counterpart of ``teams.render_en``: the engine returns codes with parameters,
this module names students, courses, countries and languages, and shows shared hours in UTC
and in the viewer's time zone (week by week, since clocks change during an exchange).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.lists import format_list
from flask_babel import format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _

from coil.courses.labels import country_name, field_title, language_name
from coil.teams.engine.model import Infeasible, Reason, Violation
from coil.teams.times import hours, local_times, mask_of, utc_times

log = logging.getLogger(__name__)
SHOWN = 10


@dataclass(frozen=True, slots=True)
class Context:
    """What a sentence needs besides the engine's codes: names and the viewer's zone."""

    names: Mapping[int, str] = field(default_factory=dict)
    courses: Mapping[int, str] = field(default_factory=dict)
    team_numbers: Sequence[int] = ()
    attributes: Mapping[str, str] = field(default_factory=dict)
    timezone: str = "UTC"
    first_day: date | None = None
    last_day: date | None = None

    def team(self, index: int | None) -> str:
        """Name a team by its number (the engine counts from 0 in stored order)."""
        if index is None:
            return "?"
        if 0 <= index < len(self.team_numbers):
            return str(self.team_numbers[index])
        return str(index + 1)


def _list(items: Iterable[str]) -> str:
    return format_list(list(items), locale=str(get_locale() or "en"))


def people(ids: Iterable[int], ctx: Context) -> str:
    """Name students by name, at most ten, then "and n more"."""
    ids = list(ids)
    shown = [ctx.names.get(i, _("student %(id)d", id=i)) for i in ids[:SHOWN]]
    if len(ids) > SHOWN:
        shown.append(ngettext("%(num)d more", "%(num)d more", len(ids) - SHOWN))
    return _list(shown)


def _course(course_id: int, ctx: Context) -> str:
    return ctx.courses.get(course_id, _("course %(id)d", id=course_id))


# -- times ----------------------------------------------------------------------------------------


def viewer_times(intervals: Iterable[Sequence[Any]], ctx: Context) -> str:
    """Render shared UTC intervals in the viewer's zone, noting when clocks change."""
    intervals = list(intervals)
    if not intervals or ctx.first_day is None or ctx.last_day is None:
        return ""
    versions = local_times(mask_of(intervals), ctx.timezone, ctx.first_day, ctx.last_day)
    if not versions:
        return ""
    text = versions[0][1]
    for start, later in versions[1:]:
        text += " " + _("(from %(date)s: %(times)s)", date=format_date(start, "d MMM"), times=later)
    return _("%(times)s in %(zone)s", times=text, zone=ctx.timezone)


# -- reasons and suggestions ----------------------------------------------------------------------


def _shared_hours(p: Mapping[str, Any], ctx: Context) -> str:
    minutes = p["minutes"]
    if minutes % 60 == 0:
        text = ngettext("%(num)d shared hour a week", "%(num)d shared hours a week", minutes // 60)
    else:
        text = _("%(hours)s shared hours a week", hours=format_decimal(minutes / 60, "0.##"))
    if p["utc_intervals"]:
        text = _("%(hours)s: %(utc)s", hours=text, utc=utc_times(p["utc_intervals"]))
        local = viewer_times(p["utc_intervals"], ctx)
        if local and ctx.timezone != "UTC":
            text = _("%(text)s; %(local)s", text=text, local=local)
    return text


def _counts(p: Mapping[str, Any], ctx: Context) -> str:
    return _(
        "members per course: %(counts)s",
        counts=_list(
            _("%(course)s: %(count)d", course=_course(c, ctx), count=n)
            for c, n in p["counts"].items()
        ),
    )


def _countries(p: Mapping[str, Any], ctx: Context) -> str:
    text = ngettext("members from %(num)d country", "members from %(num)d countries", p["count"])
    if p["countries"]:
        text = _(
            "%(text)s (%(names)s)",
            text=text,
            names=_list(country_name(c) for c in p["countries"]),
        )
    return text


def _attribute(p: Mapping[str, Any], ctx: Context) -> str:
    label = ctx.attributes.get(p["name"], p["name"])
    values = _list(p["values"]) if p["values"] else "—"
    if p["mode"] == "group":
        return _("%(label)s grouped: %(values)s", label=label, values=values)
    return _("%(label)s spread: %(values)s", label=label, values=values)


def _alone(p: Mapping[str, Any], ctx: Context) -> str:
    return _(
        "one member only from %(courses)s (too few students there for two per team)",
        courses=_list(_course(c, ctx) for c in p["course_ids"]),
    )


def _team_sizes(p: Mapping[str, Any], ctx: Context) -> str:
    if not p["to"]:
        return _("try another team size")
    return _("use teams of %(sizes)s", sizes=_list(str(s) for s in p["to"]))


def _add_students(p: Mapping[str, Any], ctx: Context) -> str:
    if not p:
        return _("add students")
    return ngettext(
        "add %(num)d student to %(course)s",
        "add %(num)d students to %(course)s",
        p["count"],
        course=_course(p["course_id"], ctx),
    )


_REASONS: Mapping[str, Callable[[Mapping[str, Any], Context], str]] = {
    "shared_hours": _shared_hours,
    "working_language": lambda p, ctx: _(
        "everyone has %(language)s at %(level)s or above",
        language=language_name(p["language"]),
        level=p["min_level"],
    ),
    "courses": _counts,
    "countries": _countries,
    "languages": lambda p, ctx: ngettext(
        "%(num)d other language: %(names)s",
        "%(num)d other languages: %(names)s",
        p["count"],
        names=_list(language_name(c) for c in p["languages"]) or "—",
    ),
    "disciplines": lambda p, ctx: ngettext(
        "%(num)d discipline: %(names)s",
        "%(num)d disciplines: %(names)s",
        p["count"],
        names=_list(field_title(c) for c in p["disciplines"]) or "—",
    ),
    "attribute": _attribute,
    "pre_assessment": lambda p, ctx: _(
        "pre-assessment from %(low)s to %(high)s",
        low=format_decimal(p["min"], "0.##"),
        high=format_decimal(p["max"], "0.##"),
    ),
    "previous_teammates": lambda p, ctx: ngettext(
        "%(num)d pair has worked together before",
        "%(num)d pairs have worked together before",
        p["count"],
    ),
    "alone_from_course": _alone,
    # Suggestions
    "lower_min_level": lambda p, ctx: _(
        "lower the %(language)s level to %(level)s",
        language=language_name(p["language"]),
        level=p["to"],
    ),
    "check_language_data": lambda p, ctx: _(
        "check these students' %(language)s level in their profile",
        language=language_name(p["language"]),
    ),
    "smaller_team_size": lambda p, ctx: _("use teams of %(size)d", size=p["to"]),
    "larger_team_size": lambda p, ctx: _("use teams of %(size)d", size=p["to"]),
    "other_team_size": _team_sizes,
    "add_students": _add_students,
    "lower_min_shared_hours": lambda p, ctx: _(
        "lower the minimum shared time to %(hours)s", hours=hours(relaxed_hours(p["to"]))
    ),
    "update_availability": lambda p, ctx: _(
        "ask %(people)s to update their availability", people=people(p["student_ids"], ctx)
    ),
    "unlock_students": lambda p, ctx: _("unlock %(people)s", people=people(p["student_ids"], ctx)),
    "unfix_team": lambda p, ctx: _("reopen team %(team)s", team=ctx.team(p["team"])),
}


def relaxed_hours(value: float) -> float:
    """Round suggested shared hours down to the tenth the exchange stores (never overstate)."""
    return int(value * 10 + 1e-9) / 10


def describe(reason: Reason, ctx: Context) -> str:
    """Render a team reason or a suggestion; never fail on an odd one."""
    render = _REASONS.get(reason.code)
    if render is not None:
        try:
            return render(reason.params, ctx)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            log.warning("cannot render team reason %r with %r", reason.code, reason.params)
    return _("another reason (%(code)s)", code=reason.code)


# -- infeasibility --------------------------------------------------------------------------------


def _no_common_time(i: Infeasible, ctx: Context) -> str:
    p = i.message_params
    text = _(
        "%(people)s are not free %(hours)s when every course has someone free",
        people=people(i.student_ids, ctx),
        hours=hours(p["hours"]),
    )
    if p["utc_intervals"]:
        text = _("%(text)s (%(utc)s)", text=text, utc=utc_times(p["utc_intervals"]))
    return text


_INFEASIBLE: Mapping[str, Callable[[Infeasible, Context], str]] = {
    "language_level": lambda i, ctx: _(
        "%(people)s do not have %(language)s at %(level)s",
        people=people(i.student_ids, ctx),
        language=language_name(i.message_params["language"]),
        level=i.message_params["min_level"],
    ),
    "cohort_too_small": lambda i, ctx: _(
        "teams of %(size)d are larger than the %(cohort)d students who can be placed",
        size=i.message_params["team_size"],
        cohort=i.message_params["cohort"],
    ),
    "team_size_split": lambda i, ctx: _(
        "%(cohort)d students cannot be split into teams of %(size)d give or take one",
        size=i.message_params["team_size"],
        cohort=i.message_params["cohort"],
    ),
    "course_too_small": lambda i, ctx: _(
        "%(course)s has %(students)d students for at least %(teams)d teams: some teams would "
        "have nobody from it",
        course=_course(i.message_params["course_id"], ctx),
        students=i.message_params["students"],
        teams=i.message_params["teams"],
    ),
    "no_common_time": _no_common_time,
    "availability_too_low": lambda i, ctx: _(
        "%(people)s are available less than %(hours)s",
        people=people(i.student_ids, ctx),
        hours=hours(i.message_params["hours"]),
    ),
    "no_shared_hours_with_course": lambda i, ctx: _(
        "%(people)s share less than %(hours)s with anyone from %(course)s",
        people=people(i.student_ids, ctx),
        hours=hours(i.message_params["hours"]),
        course=_course(i.message_params["course_id"], ctx),
    ),
    "locked_team_out_of_range": lambda i, ctx: _(
        "%(people)s are locked in more teams than the cohort makes (%(teams)d)",
        people=people(i.student_ids, ctx),
        teams=i.message_params["teams"],
    ),
    "locked_team_too_large": lambda i, ctx: _(
        "%(people)s are locked into teams larger than the team size",
        people=people(i.student_ids, ctx),
    ),
    "locked_conflict": lambda i, ctx: _(
        "the students locked together (%(people)s) cannot form a valid team",
        people=people(i.student_ids, ctx),
    ),
    # Said only when the exact search proved it (see coil.teams.engine.exact).
    "shared_hours": lambda i, ctx: _(
        "no plan exists in which every team shares %(hours)s (an exhaustive search proved it)",
        hours=hours(i.message_params["hours"]),
    ),
    "no_valid_plan": lambda i, ctx: _(
        "no plan exists that keeps every hard constraint (an exhaustive search proved it)"
    ),
    # The search ran out of time: no claim either way.
    "not_found": lambda i, ctx: _(
        "no plan keeping every hard constraint was found in the time allowed; one may exist"
    ),
}

CONSTRAINT_NAMES: Mapping[str, Callable[[], str]] = {
    "language_level": lambda: _("working language level"),
    "cohort_too_small": lambda: _("team size"),
    "team_size_split": lambda: _("team size"),
    "course_too_small": lambda: _("every course in every team"),
    "no_common_time": lambda: _("shared hours"),
    "availability_too_low": lambda: _("shared hours"),
    "no_shared_hours_with_course": lambda: _("shared hours"),
    "locked_team_out_of_range": lambda: _("locked students"),
    "locked_team_too_large": lambda: _("locked students"),
    "locked_conflict": lambda: _("locked students"),
    "shared_hours": lambda: _("shared hours"),
    "no_valid_plan": lambda: _("hard constraints"),
    "not_found": lambda: _("hard constraints"),
}


def diagnosis(item: Infeasible, ctx: Context) -> str:
    """Render why no plan was formed: proved impossible, or not found in time (no suggestion)."""
    render = _INFEASIBLE.get(item.constraint)
    if render is not None:
        try:
            return render(item, ctx)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            log.warning("cannot render diagnosis %r", item.constraint)
    return _("a hard constraint cannot be met (%(code)s)", code=item.constraint)


def constraint_name(item: Infeasible) -> str:
    """Name the hard constraint a diagnosis is about."""
    name = CONSTRAINT_NAMES.get(item.constraint)
    return name() if name else item.constraint


# -- violations -----------------------------------------------------------------------------------


_VIOLATIONS: Mapping[str, Callable[[Violation, Context], str]] = {
    "unknown_student": lambda v, ctx: _(
        "team %(team)s: %(people)s no longer take part in the exchange",
        team=ctx.team(v.team),
        people=people(v.student_ids, ctx),
    ),
    "duplicate_student": lambda v, ctx: _(
        "%(people)s are in two teams", people=people(v.student_ids, ctx)
    ),
    "unknown_course": lambda v, ctx: _(
        "team %(team)s: %(people)s are not in a member course",
        team=ctx.team(v.team),
        people=people(v.student_ids, ctx),
    ),
    "language_level": lambda v, ctx: _(
        "team %(team)s: %(people)s do not have %(language)s at %(level)s",
        team=ctx.team(v.team),
        people=people(v.student_ids, ctx),
        language=language_name(v.params["language"]),
        level=v.params["min_level"],
    ),
    "course_missing": lambda v, ctx: _(
        "team %(team)s has nobody from %(course)s",
        team=ctx.team(v.team),
        course=_course(v.params["course_id"], ctx),
    ),
    "course_alone": lambda v, ctx: _(
        "team %(team)s: %(people)s is the only one from %(course)s",
        team=ctx.team(v.team),
        people=people(v.student_ids, ctx),
        course=_course(v.params["course_id"], ctx),
    ),
    "shared_hours": lambda v, ctx: _(
        "team %(team)s shares %(have)s, less than %(need)s",
        team=ctx.team(v.team),
        have=hours(v.params["minutes"] / 60),
        need=hours(v.params["required_minutes"] / 60),
    ),
    "team_size": lambda v, ctx: _(
        "team %(team)s has %(size)d members (%(low)d to %(high)d expected)",
        team=ctx.team(v.team),
        size=v.params["size"],
        low=v.params["min"],
        high=v.params["max"],
    ),
}


def violation(item: Violation, ctx: Context) -> str:
    """Render a broken hard constraint of a stored plan."""
    render = _VIOLATIONS.get(item.code)
    if render is not None:
        try:
            return render(item, ctx)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            log.warning("cannot render violation %r", item.code)
    return _("a hard constraint is broken (%(code)s)", code=item.code)
