"""The plain data of team formation: constants, students, settings and results.

Availability is a 672-bit int: bit ``k`` is the ``k``-th 15-minute slot of the week counted from
Monday 00:00 UTC (the convention of :mod:`coil.core.weekly`), set when the student is free in
that slot in every week of the exchange.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The week's slots follow coil.core.weekly's quarter-hour bitmask convention.
from coil.core.weekly import FULL_WEEK as FULL_WEEK

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
SLOT_MINUTES = 15
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY
MIN_TEAM_SIZE, MAX_TEAM_SIZE = 3, 6
MIN_COURSES, MAX_COURSES = 2, 4
SOFT_CRITERIA = ("countries", "languages", "disciplines", "pre_assessment", "previous_teammates")
ATTRIBUTE_PREFIX = "attributes:"
ATTRIBUTE_MODES = ("spread", "group")
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "countries": 2.0,
    "languages": 1.0,
    "disciplines": 1.0,
    "pre_assessment": 1.0,
    "previous_teammates": 2.0,
}


@dataclass(frozen=True, slots=True)
class Student:
    id: int
    course_id: int
    country: str
    languages: Mapping[str, str]
    availability: int
    discipline: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)
    pre_assessment: float | None = None
    previous_teammates: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Settings:
    team_size: int = 4
    working_language: str = "en"
    min_level: str = "B1"
    min_shared_hours: float = 1.0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    attribute_modes: Mapping[str, str] = field(default_factory=dict)
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    team: int | None
    student_ids: tuple[int, ...]
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Infeasible:
    constraint: str
    student_ids: tuple[int, ...]
    message_params: Mapping[str, Any]
    suggestion: Reason | None


@dataclass(frozen=True, slots=True)
class TeamReport:
    index: int
    members: tuple[int, ...]
    score: float
    components: Mapping[str, float]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Result:
    teams: list[list[int]]
    reports: list[TeamReport]
    worst: float
    mean: float
    violations: list[Violation]
    excluded: list[Infeasible]
    infeasible: list[Infeasible]
    stats: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Tell whether a plan was formed that keeps every hard constraint."""
        return bool(self.teams) and not self.infeasible and not self.violations


@dataclass(frozen=True, slots=True)
class Placement:
    team: int
    score: float
    violations: tuple[Violation, ...]


@dataclass(frozen=True, slots=True)
class Move:
    student_id: int
    from_team: int
    to_team: int


@dataclass(frozen=True, slots=True)
class Rebalance:
    moves: list[Move]
    teams: list[list[int]]
    violations: list[Violation]
