"""Engagement figures in the viewer's language: warning reasons, names, and the charts' data."""

from __future__ import annotations

from typing import Any

from flask_babel import format_date, format_percent
from flask_babel import gettext as _

from coil.engagement.queries import WEEKLY_KINDS, TeamFigures
from coil.engagement.summary import Overview
from coil.engagement.warnings import Warning
from coil.evidence.kinds import KINDS
from coil.exchanges.models import Exchange


def course_names(exchange: Exchange) -> dict[int, str]:
    """Return ``{course id: title}`` of the exchange's courses."""
    return {course.id: course.title for course in exchange.courses}


def kind_labels() -> dict[str, str]:
    """Name the kinds the weekly chart follows, in the viewer's language."""
    return {kind: str(KINDS[kind].label) for kind in WEEKLY_KINDS}


def team_label(team: TeamFigures | None) -> str:
    """Name a team: its name, else its number."""
    if team is None:
        return _("No team")
    return team.name or _("Team %(number)s", number=team.number)


def percent(value: float | None) -> str:
    """Format a share as a percentage in the viewer's language (a dash when there is none)."""
    return "–" if value is None else format_percent(value)


def week_label(row: dict[str, Any]) -> str:
    """Name a week of the exchange: its number and first day (weeks before it by day)."""
    if row["week"] < 1:
        return _("Before the start (%(day)s)", day=format_date(row["starts"], "d MMM"))
    return _(
        "Week %(number)s (%(day)s)", number=row["week"], day=format_date(row["starts"], "d MMM")
    )


def describe(
    warning: Warning, names: dict[int, str], courses: dict[int, str], seen: Overview
) -> dict[str, Any]:
    """Word one warning: ``{"code", "who", "team", "reason"}`` (``who``: a student's name)."""
    teams = {team.team_id: team for team in seen.teams}
    team = teams.get(warning.team_id) if warning.team_id else None
    who = names.get(warning.user_id, "") if warning.user_id else ""
    p = warning.params
    reasons = {
        "never_active": lambda: _(
            "No activity at all since the exchange started (flagged after %(days)s days).",
            days=p["days"],
        ),
        "inactive": lambda: _("No activity for %(days)s days.", days=p["days"]),
        "own_class_only": lambda: _(
            "%(messages)s messages, none of them with a student of another institution.",
            messages=p["messages"],
        ),
        "dominant_person": lambda: _(
            "%(name)s wrote %(share)s of the team's messages (Gini %(gini)s).",
            name=who,
            share=percent(p["share"]),
            gini=f"{p['gini']:.2f}" if p.get("gini") is not None else "–",
        ),
        "dominant_class": lambda: _(
            "Students of “%(course)s” wrote %(share)s of the team's messages, though they are "
            "%(members)s of its members.",
            course=courses.get(p["course_id"], "?"),
            share=percent(p["share"]),
            members=percent(p["members"]),
        ),
        "no_session": lambda: _("No member attended a live session yet."),
    }
    return {
        "code": warning.code,
        "who": who,
        "user_id": warning.user_id,
        "team": team_label(team) if warning.team_id else "",
        "reason": reasons[warning.code](),
    }


def chart_data(seen: Overview, weekly: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the figures the charts draw: activity per week, and each team's balance."""
    labels = kind_labels()
    return {
        "weekly": {
            "labels": [week_label(row) for row in weekly],
            "series": [
                {
                    "kind": kind,
                    "label": labels[kind],
                    "data": [row["counts"].get(kind, 0) for row in weekly],
                }
                for kind in WEEKLY_KINDS
            ],
        },
        "teams": {
            "labels": [team_label(team) for team in seen.teams],
            "message_gini": [_rounded(team.message_gini) for team in seen.teams],
            "turn_gini": [_rounded(team.turn_gini) for team in seen.teams],
            "cross_rate": [_rounded(team.totals.cross_rate) for team in seen.teams],
            "messages": [team.totals.messages for team in seen.teams],
        },
        "titles": {
            "weekly": _("Activity per week"),
            "teams": _("Voice balance per team"),
            "message_gini": _("Gini of messages (0 = even)"),
            "turn_gini": _("Gini of speaking turns (0 = even)"),
            "cross_rate": _("Share of messages across institutions"),
        },
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
