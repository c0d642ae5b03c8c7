"""Early warnings with their reason, from figures the database summed (no Flask, no queries).

- ``inactive``: a student did nothing for ``days`` days (``never_active``: nothing at all, and
  the exchange started that long ago);
- ``dominant_person``: one member wrote at least twice their equal share of a team's messages
  (and at least half of them; 80 % in a pair);
- ``dominant_class``: one class wrote at least 70 % of a team's messages, 30 points more than
  its share of the members;
- ``no_session``: no member of a team attended a live session yet, ``days`` days after the
  exchange started;
- ``own_class_only``: a student wrote messages, none of them to someone of another
  institution.

A team is judged on its balance only once it wrote ``MIN_TEAM_MESSAGES`` messages, a student
on their audience after ``MIN_MESSAGES``: a first hello is not a pattern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from coil.engagement.queries import Student, TeamFigures

MIN_TEAM_MESSAGES = 10
MIN_MESSAGES = 3
DOMINANCE_FACTOR = 2.0  # times the equal share
DOMINANCE_FLOOR = 0.5
DOMINANCE_CAP = 0.8
CLASS_SHARE = 0.7
CLASS_EXCESS = 0.3

#: Warning codes, in the order a digest lists them.
CODES = (
    "never_active",
    "inactive",
    "own_class_only",
    "dominant_person",
    "dominant_class",
    "no_session",
)


@dataclass(frozen=True)
class Warning:
    """One early warning: what (``code``), about whom, and the figures behind it."""

    code: str
    user_id: int | None = None
    team_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def dominance_threshold(members: int) -> float:
    """Return the message share from which one member dominates a team of ``members``."""
    if members < 2:
        return 2.0  # never: one person cannot dominate themselves
    return min(DOMINANCE_CAP, max(DOMINANCE_FLOOR, DOMINANCE_FACTOR / members))


def student_warnings(
    students: list[Student], *, now: datetime, started: date, days: int
) -> list[Warning]:
    """Return the warnings about single students."""
    found = []
    quiet_since = now - timedelta(days=days)
    started_long_ago = (now.date() - started).days >= days
    for student in students:
        figures = student.figures
        if figures.last_active is None:
            if started_long_ago:
                found.append(
                    Warning("never_active", student.user_id, student.team_id, {"days": days})
                )
        elif figures.last_active <= quiet_since:
            quiet = (now - figures.last_active).days
            found.append(Warning("inactive", student.user_id, student.team_id, {"days": quiet}))
        if figures.messages >= MIN_MESSAGES and figures.cross == 0:
            found.append(
                Warning(
                    "own_class_only",
                    student.user_id,
                    student.team_id,
                    {"messages": figures.messages},
                )
            )
    return found


def team_warnings(
    teams: list[TeamFigures], *, now: datetime, started: date, days: int
) -> list[Warning]:
    """Return the warnings about teams (balance of voices and classes, live sessions)."""
    found = []
    for team in teams:
        if not team.members:
            continue
        if team.totals.messages >= MIN_TEAM_MESSAGES:
            top_id, top = max(team.message_shares.items(), key=lambda item: (item[1], -item[0]))
            if top >= dominance_threshold(len(team.members)):
                found.append(
                    Warning(
                        "dominant_person",
                        top_id,
                        team.team_id,
                        {"share": top, "gini": team.message_gini},
                    )
                )
            if len(team.course_members) > 1:
                for course_id, share in sorted(team.course_shares.items()):
                    expected = team.course_members[course_id] / len(team.members)
                    if share >= CLASS_SHARE and share - expected >= CLASS_EXCESS:
                        found.append(
                            Warning(
                                "dominant_class",
                                None,
                                team.team_id,
                                {"course_id": course_id, "share": share, "members": expected},
                            )
                        )
        if team.totals.sessions == 0 and (now.date() - started).days >= days:
            found.append(Warning("no_session", None, team.team_id, {"days": days}))
    return found


def ordered(found: list[Warning]) -> list[Warning]:
    """Return warnings by code (as :data:`CODES`), then team, then student."""
    return sorted(found, key=lambda w: (CODES.index(w.code), w.team_id or 0, w.user_id or 0))
