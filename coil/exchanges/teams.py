"""Form international teams across the member courses of an exchange.

Pure logic over plain data: no Flask, no database. The web layer loads students and settings,
calls :func:`form_teams`, stores the teams, and validates a lecturer's manual swap with
:func:`check_hard`.

Availability is a 672-bit int: bit ``k`` is the ``k``-th 15-minute slot of the week counted from
Monday 00:00 UTC, set when the student is free in that slot in every week of the exchange.

This module is the public face of the engine; the code lives in sibling modules, each importing
only those listed before it:

- ``team_model``: constants and the plain data types
- ``team_rules``: team sizes and the hard constraints
- ``team_score``: the soft criteria (:class:`Scorer`) and :func:`evaluate`
- ``team_diagnose``: input checks and infeasibility diagnoses before the search
- ``team_build``: construction and repair of a plan that keeps the hard constraints
- ``team_search``: :func:`form_teams` and its local search
- ``team_changes``: late joiners and drop-outs
- ``team_render``: English rendering
"""

from __future__ import annotations

from coil.exchanges.team_changes import suggest_placement, suggest_rebalance
from coil.exchanges.team_model import (
    ATTRIBUTE_MODES,
    ATTRIBUTE_PREFIX,
    CEFR_LEVELS,
    DEFAULT_WEIGHTS,
    FULL_WEEK,
    MAX_COURSES,
    MAX_TEAM_SIZE,
    MIN_COURSES,
    MIN_TEAM_SIZE,
    SLOT_MINUTES,
    SLOTS_PER_DAY,
    SLOTS_PER_WEEK,
    SOFT_CRITERIA,
    Infeasible,
    Move,
    Placement,
    Reason,
    Rebalance,
    Result,
    Settings,
    Student,
    TeamReport,
    Violation,
)
from coil.exchanges.team_render import explain_en, render_en
from coil.exchanges.team_rules import (
    check_hard,
    course_minimums,
    level_rank,
    meets_language,
    required_slots,
    shared_mask,
    size_bounds,
    team_sizes,
    utc_intervals,
)
from coil.exchanges.team_score import Scorer, evaluate
from coil.exchanges.team_search import form_teams

__all__ = [
    "ATTRIBUTE_MODES",
    "ATTRIBUTE_PREFIX",
    "CEFR_LEVELS",
    "DEFAULT_WEIGHTS",
    "FULL_WEEK",
    "MAX_COURSES",
    "MAX_TEAM_SIZE",
    "MIN_COURSES",
    "MIN_TEAM_SIZE",
    "SLOTS_PER_DAY",
    "SLOTS_PER_WEEK",
    "SLOT_MINUTES",
    "SOFT_CRITERIA",
    "Infeasible",
    "Move",
    "Placement",
    "Reason",
    "Rebalance",
    "Result",
    "Scorer",
    "Settings",
    "Student",
    "TeamReport",
    "Violation",
    "check_hard",
    "course_minimums",
    "evaluate",
    "explain_en",
    "form_teams",
    "level_rank",
    "meets_language",
    "render_en",
    "required_slots",
    "shared_mask",
    "size_bounds",
    "suggest_placement",
    "suggest_rebalance",
    "team_sizes",
    "utc_intervals",
]
