"""Why a course was ranked or left out: reason codes with their parameters, and English text.

A ``Reason`` is data (a code and JSON-like params) so the web layer can translate it; ``render_en``
gives the English wording used in logs, benchmarks and tests. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from coil.core.weekly import format_interval
from coil.courses import isced


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: dict[str, Any]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LANGUAGE_NAMES = MappingProxyType(
    {
        "de": "German",
        "en": "English",
        "es": "Spanish",
        "fr": "French",
        "it": "Italian",
        "nl": "Dutch",
        "pt": "Portuguese",
    }
)


def _day(day: date, with_year: bool) -> str:
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def _span(first: date, last: date) -> str:
    with_year = first.year != last.year
    return f"{_day(first, with_year)} to {_day(last, with_year)}"


def _hours(minutes: int) -> str:
    if minutes % 15:  # hours would need rounding: say the exact minutes
        return f"{minutes} shared class minute{'' if minutes == 1 else 's'}"
    hours = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return f"{hours} shared class hour{'' if minutes == 60 else 's'}"


def _language(code: str) -> str:
    return _LANGUAGE_NAMES.get(code, code)


def _field(code: str | None) -> str:
    found = isced.get(code) if code else None
    return f"{code} {found.title_en}" if found else str(code)


def _render_discipline(p: Mapping[str, Any]) -> str:
    relation = p["relation"]
    if relation is None:
        return "no field of education to compare"
    if relation == "different":
        text = f"different fields: {_field(p['target_code'])} and {_field(p['candidate_code'])}"
    else:
        level = {"same_detailed": "", "same_narrow": " narrow", "same_broad": " broad"}[relation]
        text = f"same{level} field: {_field(p['shared_code'])}"
    if p["preference"] == "different":
        text += " (as wanted)" if relation == "different" else " (a different field was wanted)"
    return text


def _render_geo(p: Mapping[str, Any]) -> str:
    where = {
        "same_country": f"in the same country ({p['country']})",
        "same_region": f"in {p['country']}, same region ({p['region']})",
        "other_region": f"in {p['country']} ({p['region']})",
    }[p["relation"]]
    preferred = {"country": ", a preferred country", "region": ", in a preferred region"}
    return f"partner {where}{preferred.get(p['preferred'], '')}"


def _render_levels(p: Mapping[str, Any]) -> str:
    if p["target"] == p["candidate"]:
        return f"both at EQF level {p['target']}"
    return f"EQF levels {p['target']} and {p['candidate']}"


def _render_weeks(p: Mapping[str, Any]) -> str:
    blocks = p.get("blocks") or ((p["first"], p["last"], p["weeks"]),)
    if len(blocks) == 1:
        return f"{p['weeks']} overlapping weeks ({_span(p['first'], p['last'])})"
    spans = ", ".join(_span(first, last) for first, last, _ in blocks)
    return f"{p['weeks']} overlapping weeks in {len(blocks)} blocks ({spans})"


def _render_too_few_weeks(p: Mapping[str, Any]) -> str:
    if not p["weeks"]:
        return f"no overlapping teaching weeks, {p['needed']} needed"
    span = _span(p["first"], p["last"])
    if p.get("longest", p["weeks"]) == p["weeks"]:
        return f"only {p['weeks']} overlapping teaching weeks ({span}), {p['needed']} needed"
    return (
        f"{p['weeks']} overlapping teaching weeks, but at most {p['longest']} in a row "
        f"({span}), {p['needed']} needed"
    )


_RENDER_EN: Mapping[str, Any] = MappingProxyType(
    {
        "weeks": _render_weeks,
        "window": lambda p: (
            f"best window for the {p['weeks']}-week exchange: {_span(p['first'], p['last'])}"
        ),
        "sync_hours": lambda p: (
            f"{_hours(p['minutes'])} a week: "
            + ", ".join(format_interval(i, p["tz_a"], p["tz_b"]) for i in p["intervals"])
        ),
        "sync_some": lambda p: (
            f"shared class time in only {p['weeks_with']} of {p['weeks']} weeks, up to "
            f"{p['high']} minutes a week: "
            + ", ".join(format_interval(i, p["tz_a"], p["tz_b"]) for i in p["intervals"])
        ),
        "no_sync": lambda p: "no shared class hours: asynchronous collaboration only",
        "sync_varies": lambda p: (
            f"shared class time varies from {p['low']} to {p['high']} "
            f"minutes a week ({p['weeks_at_typical']} of {p['weeks']} weeks have at least "
            f"{p['typical']})"
        ),
        "language": lambda p: f"working language {_language(p['language'])} at level {p['level']}",
        "language_asymmetry": lambda p: (
            f"{_language(p['language'])} is the language of "
            "instruction of only one of the two courses"
        ),
        "discipline": _render_discipline,
        "level": _render_levels,
        "class_size": lambda p: f"class sizes {p['target']} and {p['candidate']} students",
        "sdgs": lambda p: "shared SDGs: " + ", ".join(str(goal) for goal in p["shared"]),
        "outcomes": lambda p: "shared learning outcomes: " + ", ".join(p["shared"]),
        "geo": _render_geo,
        "same_institution": lambda p: "same institution",
        "institutions_blocked": lambda p: "the two institutions do not pair with each other",
        "too_few_weeks": _render_too_few_weeks,
        "no_shared_language": lambda p: (
            "no shared working language (target: "
            f"{', '.join(p['target'])}; candidate: {', '.join(p['candidate'])})"
        ),
    }
)


def render_en(reason: Reason) -> str:
    """Render one reason as English text (the web layer translates from the code and params)."""
    render = _RENDER_EN.get(reason.code)
    if render is None:
        raise ValueError(f"no English text for reason code {reason.code!r}")
    return str(render(reason.params))
