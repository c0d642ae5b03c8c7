"""English rendering of reasons, diagnoses and violations (the web layer translates the codes
itself, see :mod:`coil.teams.describe`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from babel import Locale

from coil.teams.engine.model import Infeasible, Reason, TeamReport, Violation

_EN = Locale("en")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _language(code: str) -> str:
    return str(_EN.languages.get(code.lower(), code))


def _country(code: str) -> str:
    return str(_EN.territories.get(code.upper(), code))


def _ids(ids: Iterable[int]) -> str:
    ids = list(ids)
    shown = ", ".join(str(i) for i in ids[:10])
    return shown + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")


def _hours(value: float, noun: str = "hour") -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} {noun}" if text == "1" else f"{text} {noun}s"


def _intervals(items: Sequence[tuple[int, str, str]]) -> str:
    shown = [f"{_WEEKDAYS[d]} {start} to {end}" for d, start, end in items[:4]]
    more = f" and {len(items) - 4} more" if len(items) > 4 else ""
    return ", ".join(shown) + more + " UTC"


_REASONS_EN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "shared_hours": lambda p: (
        f"{_hours(p['minutes'] / 60, 'shared hour')} a week"
        + (f": {_intervals(p['utc_intervals'])}" if p["utc_intervals"] else "")
    ),
    "working_language": lambda p: (
        f"everyone has {_language(p['language'])} at {p['min_level']} or above"
    ),
    "courses": lambda p: (
        "members per course: " + ", ".join(f"course {c}: {n}" for c, n in p["counts"].items())
    ),
    "countries": lambda p: (
        f"members from {p['count']} "
        + ("country" if p["count"] == 1 else "countries")
        + (": " + ", ".join(_country(c) for c in p["countries"]) if p["countries"] else "")
    ),
    "languages": lambda p: (
        f"{p['count']} other languages: " + ", ".join(_language(c) for c in p["languages"])
    ),
    "disciplines": lambda p: f"{p['count']} disciplines: " + ", ".join(p["disciplines"]),
    "attribute": lambda p: (
        f"{p['name']} "
        + ("grouped" if p["mode"] == "group" else "spread")
        + ": "
        + ", ".join(p["values"])
    ),
    "pre_assessment": lambda p: f"pre-assessment from {p['min']:g} to {p['max']:g}",
    "previous_teammates": lambda p: (
        f"{p['count']} "
        + ("pair has" if p["count"] == 1 else "pairs have")
        + " worked together before"
    ),
    "alone_from_course": lambda p: (
        f"one member only from course{'s' if len(p['course_ids']) > 1 else ''} "
        + ", ".join(str(c) for c in p["course_ids"])
        + " (too few students there for two per team)"
    ),
    # Suggestions
    "lower_min_level": lambda p: f"lower the {_language(p['language'])} level to {p['to']}",
    "check_language_data": lambda p: (
        f"check these students' {_language(p['language'])} level in their profile"
    ),
    "smaller_team_size": lambda p: f"use teams of {p['to']}",
    "larger_team_size": lambda p: f"use teams of {p['to']}",
    "other_team_size": lambda p: (
        "use teams of " + " or ".join(str(s) for s in p["to"])
        if p["to"]
        else "try another team size"
    ),
    "add_students": lambda p: (
        f"add {p['count']} students to course {p['course_id']}" if p else "add students"
    ),
    "lower_min_shared_hours": lambda p: f"lower the shared hours to {_hours(p['to'])} a week",
    "update_availability": lambda p: (
        f"ask students {_ids(p['student_ids'])} to update their availability"
    ),
    "unlock_students": lambda p: f"unlock students {_ids(p['student_ids'])}",
    "unfix_team": lambda p: f"reopen team {p['team']}",
}

_INFEASIBLE_EN: dict[str, Callable[[Infeasible], str]] = {
    "language_level": lambda i: (
        f"students {_ids(i.student_ids)} do not meet "
        f"{_language(i.message_params['language'])} {i.message_params['min_level']}"
    ),
    "cohort_too_small": lambda i: (
        f"team size {i.message_params['team_size']} larger than "
        f"the cohort of {i.message_params['cohort']}"
    ),
    "team_size_split": lambda i: (
        f"{i.message_params['cohort']} students cannot be split into "
        f"teams of {i.message_params['team_size']} give or take one"
    ),
    "course_too_small": lambda i: (
        f"course {i.message_params['course_id']} has "
        f"{i.message_params['students']} students for at least {i.message_params['teams']} teams: "
        "some teams would have nobody from it"
    ),
    "no_common_time": lambda i: (
        f"students {_ids(i.student_ids)} are not free {_hours(i.message_params['hours'])} a week "
        "when every course has someone free"
        + (
            f" ({_intervals(i.message_params['utc_intervals'])})"
            if i.message_params["utc_intervals"]
            else ""
        )
    ),
    "availability_too_low": lambda i: (
        f"students {_ids(i.student_ids)} are available fewer than "
        f"{_hours(i.message_params['hours'])} a week"
    ),
    "no_shared_hours_with_course": lambda i: (
        f"students {_ids(i.student_ids)} share fewer than "
        f"{_hours(i.message_params['hours'])} with anyone from course "
        f"{i.message_params['course_id']}"
    ),
    "locked_team_out_of_range": lambda i: (
        f"students {_ids(i.student_ids)} are locked to teams "
        f"that do not exist (there are {i.message_params['teams']})"
    ),
    "locked_team_too_large": lambda i: (
        f"students {_ids(i.student_ids)} are locked into teams larger than the team size"
    ),
    "locked_conflict": lambda i: (
        f"the students locked to team {i.message_params['team']} "
        f"({_ids(i.student_ids)}) cannot form a valid team"
    ),
    "shared_hours": lambda i: (
        f"no plan exists in which every team shares {_hours(i.message_params['hours'])} a week "
        "(an exhaustive search proved it)"
    ),
    "no_valid_plan": lambda i: (
        "no plan exists that keeps every hard constraint (an exhaustive search proved it)"
    ),
    "not_found": lambda i: (
        "no plan keeping every hard constraint was found in the time allowed; one may exist"
    ),
}

_VIOLATIONS_EN: dict[str, Callable[[Violation], str]] = {
    "unknown_student": lambda v: f"team {v.team}: student {_ids(v.student_ids)} is not enrolled",
    "duplicate_student": lambda v: (
        f"student {_ids(v.student_ids)} is in teams {v.params['other']} and {v.team}"
    ),
    "unknown_course": lambda v: (
        f"team {v.team}: student {_ids(v.student_ids)} is from course "
        f"{v.params['course_id']}, not a member course"
    ),
    "language_level": lambda v: (
        f"team {v.team}: student {_ids(v.student_ids)} does not meet "
        f"{_language(v.params['language'])} {v.params['min_level']}"
    ),
    "course_missing": lambda v: f"team {v.team} has nobody from course {v.params['course_id']}",
    "course_alone": lambda v: (
        f"team {v.team}: student {_ids(v.student_ids)} is alone from course {v.params['course_id']}"
    ),
    "shared_hours": lambda v: (
        f"team {v.team} shares {_hours(v.params['minutes'] / 60)} a week, "
        f"fewer than {_hours(v.params['required_minutes'] / 60)}"
    ),
    "team_size": lambda v: (
        f"team {v.team} has {v.params['size']} members "
        f"({v.params['min']} to {v.params['max']} expected)"
    ),
}


def render_en(item: Reason | Infeasible | Violation) -> str:
    """Render a reason, suggestion, diagnosis or violation as one English phrase."""
    if isinstance(item, Reason):
        return _REASONS_EN[item.code](item.params)
    if isinstance(item, Infeasible):
        text = _INFEASIBLE_EN[item.constraint](item)
        return text + (f"; {render_en(item.suggestion)}" if item.suggestion else "")
    return _VIOLATIONS_EN[item.code](item)


def explain_en(report: TeamReport) -> str:
    """Render a team's reasons as one English sentence."""
    return "; ".join(render_en(r) for r in report.reasons)
