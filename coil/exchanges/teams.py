"""Form international teams across the member courses of an exchange.

Pure logic over plain data: no Flask, no database. The web layer loads students and settings,
calls :func:`form_teams`, stores the teams, and validates a lecturer's manual swap with
:func:`check_hard`.

Availability is a 672-bit int: bit ``k`` is the ``k``-th 15-minute slot of the week counted from
Monday 00:00 UTC, set when the student is free in that slot in every week of the exchange.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from babel import Locale

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
SLOT_MINUTES = 15
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY
FULL_WEEK = (1 << SLOTS_PER_WEEK) - 1
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

# A course-count shortfall must always outweigh any shared-hours shortfall in the repair phase.
_COURSE_PENALTY = SLOTS_PER_WEEK + 1


# -- plain data -----------------------------------------------------------------------------------


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


# -- small helpers --------------------------------------------------------------------------------


def level_rank(level: str) -> int:
    """Return the CEFR level's rank (A1 = 0 ... C2 = 5), or -1 when unknown."""
    level = level.strip().upper()
    return CEFR_LEVELS.index(level) if level in CEFR_LEVELS else -1


def meets_language(student: Student, language: str, min_level: str) -> bool:
    """Tell whether the student has ``language`` at ``min_level`` or above."""
    wanted = language.lower()
    for code, level in student.languages.items():
        if code.lower() == wanted:
            return level_rank(level) >= level_rank(min_level)
    return False


def required_slots(settings: Settings) -> int:
    """Return the number of shared 15-minute slots the minimum shared hours ask for."""
    return math.ceil(settings.min_shared_hours * 60 / SLOT_MINUTES - 1e-9)


def shared_mask(masks: Iterable[int]) -> int:
    """Return the slots every mask has in common."""
    shared = FULL_WEEK
    for mask in masks:
        shared &= mask
    return shared


def utc_intervals(mask: int) -> list[tuple[int, str, str]]:
    """List the runs of set slots as (weekday 0=Mon, "HH:MM", "HH:MM") UTC, split at midnight."""
    out: list[tuple[int, str, str]] = []
    for day in range(7):
        day_bits = (mask >> (day * SLOTS_PER_DAY)) & ((1 << SLOTS_PER_DAY) - 1)
        slot = 0
        while day_bits >> slot:
            if not (day_bits >> slot) & 1:
                slot += 1
                continue
            start = slot
            while slot < SLOTS_PER_DAY and (day_bits >> slot) & 1:
                slot += 1
            out.append((day, _clock(start), _clock(slot)))
    return out


def _clock(slot: int) -> str:
    minutes = slot * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def team_sizes(n_students: int, size: int) -> list[int] | None:
    """Return the team sizes for a cohort around ``size``, or None when no split fits.

    Teams of ``size`` and ``size + 1`` are preferred: a surplus member absorbs an absence better
    than a team one short (DOMAIN.md: teams of 3 to 5 absorb absences). Only when the surplus is
    larger than the number of teams (small cohorts) are teams of ``size - 1`` used, never below 3.
    """
    if n_students < size or size < MIN_TEAM_SIZE:
        return None
    count = n_students // size
    if n_students - count * size > count:
        count = -(-n_students // size)
    base, extra = divmod(n_students, count)
    if base < max(MIN_TEAM_SIZE, size - 1) or base + (extra > 0) > size + 1:
        return None
    return [base + 1] * extra + [base] * (count - extra)


# -- scoring --------------------------------------------------------------------------------------


class Scorer:
    """Score teams of one cohort: each team scores 0..100, a weighted mean of its components.

    Components, each in 0..1: countries, disciplines and "spread" attributes use the team's Blau
    index (1 - sum of squared shares) over the cohort's, so a rare value does not cap the score
    and a lopsided team scores lower than an even one; languages count the distinct languages
    besides the working one; a "group" attribute is the share holding the commonest value;
    pre-assessment is the team's spread (standard deviation) over the cohort's; previous teammates
    score 1 / (1 + pairs who worked together before). A team with fewer than two known values
    scores 0.5 on that component: unknown, neither good nor bad.
    """

    def __init__(self, students: Sequence[Student], settings: Settings) -> None:
        self.students = list(students)
        self.index = {s.id: i for i, s in enumerate(self.students)}
        language = settings.working_language.lower()
        self.country = _codes([s.country.upper() for s in self.students])
        self.discipline = _codes([s.discipline for s in self.students])
        lang_bits: dict[str, int] = {}
        self.lang_mask = []
        for s in self.students:
            bits = 0
            for code in s.languages:
                if code.lower() != language:
                    bits |= 1 << lang_bits.setdefault(code.lower(), len(lang_bits))
            self.lang_mask.append(bits)
        self.n_langs = len(lang_bits)
        self.pre = [s.pre_assessment for s in self.students]
        known = [v for v in self.pre if v is not None]
        self.pre_std = _std(known) if len(known) > 1 else 0.0
        self.prev = [
            frozenset(self.index[p] for p in s.previous_teammates if p in self.index)
            for s in self.students
        ]
        self.attrs: list[tuple[str, str]] = []
        parts: list[tuple[str, float, Callable[[Sequence[int]], float]]] = []
        for key, weight in settings.weights.items():
            if weight <= 0:
                continue
            if key.startswith(ATTRIBUTE_PREFIX):
                name = key[len(ATTRIBUTE_PREFIX) :]
                mode = settings.attribute_modes.get(name, "spread")
                values = _codes([s.attributes.get(name, "") for s in self.students])
                if _blau_large(values) > 0:
                    self.attrs.append((name, mode))
                    part = _grouping(values) if mode == "group" else _spread(values)
                    parts.append((key, weight, part))
            elif key == "countries" and _blau_large(self.country) > 0:
                parts.append((key, weight, _spread(self.country)))
            elif key == "disciplines" and _blau_large(self.discipline) > 0:
                parts.append((key, weight, _spread(self.discipline)))
            elif key == "languages" and self.n_langs > 1:
                parts.append((key, weight, self._languages))
            elif key == "pre_assessment" and self.pre_std > 0:
                parts.append((key, weight, self._pre_assessment))
            elif key == "previous_teammates" and any(self.prev):
                parts.append((key, weight, self._previous_teammates))
        self.parts = parts
        self.weights = {key: weight for key, weight, _ in parts}
        self.total_weight = sum(self.weights.values())

    def _languages(self, members: Sequence[int]) -> float:
        union = 0
        for i in members:
            union |= self.lang_mask[i]
        return min(1.0, union.bit_count() / min(len(members), self.n_langs))

    def _pre_assessment(self, members: Sequence[int]) -> float:
        known = [v for i in members if (v := self.pre[i]) is not None]
        return min(1.0, _std(known) / self.pre_std) if len(known) > 1 else 0.5

    def _previous_teammates(self, members: Sequence[int]) -> float:
        prev = self.prev
        return 1.0 / (1 + sum(1 for i, j in combinations(members, 2) if j in prev[i]))

    def components(self, members: Sequence[int]) -> dict[str, float]:
        """Return each active component (0..1) of a team given as student indices."""
        return {key: part(members) for key, _, part in self.parts} if members else {}

    def score_members(self, members: Sequence[int]) -> float:
        """Return the team score (0..100) of a team given as student indices."""
        if not self.total_weight:
            return 100.0
        total = sum(weight * part(members) for _, weight, part in self.parts)
        # Rounded so that equal teams compare equal in the lexicographic objective.
        return round(100.0 * total / self.total_weight, 6)

    def score(self, member_ids: Iterable[int]) -> float:
        """Return the team score (0..100) of a team given as student ids."""
        return self.score_members([self.index[i] for i in member_ids])


def _codes(values: Sequence[str]) -> list[int]:
    # Empty strings mean "unknown" (-1): they never count as a value.
    table: dict[str, int] = {}
    return [table.setdefault(v, len(table)) if v else -1 for v in values]


def _spread(codes: list[int]) -> Callable[[Sequence[int]], float]:
    cohort = _blau_large(codes)

    def part(members: Sequence[int]) -> float:
        known = [v for i in members if (v := codes[i]) >= 0]
        n = len(known)
        if n < 2:
            return 0.5
        blau = 1.0 - sum(map(known.count, known)) / (n * n)
        # A team of n cannot beat 1 - 1/n, however diverse the cohort is.
        return min(1.0, blau / min(cohort, 1.0 - 1.0 / n))

    return part


def _blau_large(codes: Sequence[int]) -> float:
    counts = Counter(v for v in codes if v >= 0)
    n = sum(counts.values())
    return 1.0 - sum(c * c for c in counts.values()) / (n * n) if n else 0.0


def _grouping(codes: list[int]) -> Callable[[Sequence[int]], float]:
    def part(members: Sequence[int]) -> float:
        known = [codes[i] for i in members if codes[i] >= 0]
        if len(known) < 2:
            return 0.5
        return (max(Counter(known).values()) - 1) / (len(known) - 1)

    return part


def _std(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


# -- hard constraints -----------------------------------------------------------------------------


def size_bounds(settings: Settings) -> tuple[int, int]:
    """Return the smallest and largest team size a lecturer's adjustment may leave."""
    return max(MIN_TEAM_SIZE, settings.team_size - 1), settings.team_size + 1


def course_minimums(counts: Mapping[int, int], n_teams: int) -> dict[int, int]:
    """Return the minimum members per team for each course: 2 where the class allows it, else 1."""
    return {c: 2 if n >= 2 * n_teams else 1 for c, n in counts.items()}


def check_hard(
    teams: Sequence[Sequence[int]],
    students: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
) -> list[Violation]:
    """List every hard constraint the teams break (empty teams are ignored as dissolved)."""
    by_id = {s.id: s for s in students}
    violations: list[Violation] = []
    seen: dict[int, int] = {}
    for t, team in enumerate(teams):
        for sid in team:
            if sid not in by_id:
                violations.append(Violation("unknown_student", t, (sid,)))
            elif sid in seen:
                violations.append(Violation("duplicate_student", t, (sid,), {"other": seen[sid]}))
            else:
                seen[sid] = t
    counts = Counter(by_id[sid].course_id for sid in seen)
    n_teams = sum(1 for team in teams if team)
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, n_teams)
    for t, team in enumerate(teams):
        members = [by_id[sid] for sid in dict.fromkeys(team) if sid in by_id]
        if team:
            violations.extend(_team_violations(t, members, courses, minimums, settings))
    return violations


def _team_violations(
    t: int,
    members: Sequence[Student],
    courses: Sequence[int],
    minimums: Mapping[int, int],
    settings: Settings,
) -> list[Violation]:
    out: list[Violation] = []
    lo, hi = size_bounds(settings)
    if not lo <= len(members) <= hi:
        params: dict[str, Any] = {"size": len(members), "min": lo, "max": hi}
        out.append(Violation("team_size", t, tuple(s.id for s in members), params))
    for s in members:
        if s.course_id not in minimums:
            out.append(Violation("unknown_course", t, (s.id,), {"course_id": s.course_id}))
        if not meets_language(s, settings.working_language, settings.min_level):
            params = {
                "language": settings.working_language,
                "min_level": settings.min_level,
            }
            out.append(Violation("language_level", t, (s.id,), params))
    by_course = Counter(s.course_id for s in members)
    for c in courses:
        have = by_course.get(c, 0)
        if have == 0:
            out.append(Violation("course_missing", t, (), {"course_id": c}))
        elif have < minimums.get(c, 1):
            ids = tuple(s.id for s in members if s.course_id == c)
            out.append(Violation("course_alone", t, ids, {"course_id": c}))
    need = required_slots(settings)
    shared = shared_mask(s.availability for s in members)
    if shared.bit_count() < need:
        params = {
            "minutes": shared.bit_count() * SLOT_MINUTES,
            "required_minutes": need * SLOT_MINUTES,
        }
        out.append(Violation("shared_hours", t, tuple(s.id for s in members), params))
    return out


# -- the engine -----------------------------------------------------------------------------------


def form_teams(
    students: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
    locked: Mapping[int, int] | None = None,
    *,
    fixed_teams: Collection[int] = (),
    time_budget: float = 1.0,
    max_iterations: int = 1_000_000,
) -> Result:
    """Form teams across the member courses, maximising the worst team's score, then the mean.

    Sizes: see :func:`team_sizes` (``size`` and ``size + 1`` first, ``size - 1`` only for small
    cohorts, never below 3). ``locked`` pins students to team indices; a team index listed in
    ``fixed_teams`` is closed: it holds exactly its locked members. Students below the working
    language level are left out and listed in ``excluded``. The search stops at the time budget
    (counted from the call), the iteration limit, or when it stalls; ``stats["stopped_by"]`` says
    which. The result depends only on the inputs and the seed unless it was the time budget.
    """
    started = time.perf_counter()
    locked = dict(locked or {})
    _validate(students, courses, settings, locked, fixed_teams)
    excluded = _language_exclusions(students, settings)
    out_ids = {sid for item in excluded for sid in item.student_ids}
    cohort = [s for s in students if s.id not in out_ids]
    locked = {sid: t for sid, t in locked.items() if sid not in out_ids}
    plan = _plan_sizes(cohort, courses, settings, locked, set(fixed_teams))
    if isinstance(plan, list):
        return _infeasible_result(excluded, plan)
    diagnoses = _precheck(cohort, courses, settings, locked, plan)
    if diagnoses:
        return _infeasible_result(excluded, diagnoses)
    engine = _Engine(cohort, courses, settings, locked, plan, started + time_budget)
    engine.construct()
    engine.repair()
    if engine.total_violation() > 0:
        return _infeasible_result(excluded, engine.diagnose())
    engine.optimise(max_iterations)
    teams = [[cohort[i].id for i in team] for team in engine.teams]
    result = evaluate(teams, cohort, courses, settings, scorer=engine.scorer)
    stats: dict[str, Any] = {
        "stopped_by": engine.stopped_by,
        "seconds": time.perf_counter() - started,
        "iterations": engine.iterations,
        "accepted": engine.accepted,
        "repair_steps": engine.repair_steps,
        "construction_violation": engine.construction_violation,
    }
    return Result(
        teams=result.teams,
        reports=result.reports,
        worst=result.worst,
        mean=result.mean,
        violations=result.violations,
        excluded=excluded,
        infeasible=[],
        stats=stats,
    )


def evaluate(
    teams: Sequence[Sequence[int]],
    students: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
    *,
    scorer: Scorer | None = None,
) -> Result:
    """Score and explain a plan (from the engine, a lecturer or another tool)."""
    scorer = scorer or Scorer(students, settings)
    by_id = {s.id: s for s in students}
    reports = []
    counts = Counter(by_id[sid].course_id for team in teams for sid in team if sid in by_id)
    n_teams = sum(1 for team in teams if team)
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, n_teams)
    for t, team in enumerate(teams):
        idx = [scorer.index[sid] for sid in team if sid in scorer.index]
        score = scorer.score_members(idx) if idx else 0.0
        members = [by_id[sid] for sid in team if sid in by_id]
        reasons = _explain(members, courses, minimums, settings, scorer, idx)
        reports.append(
            TeamReport(t, tuple(team), score, scorer.components(idx) if idx else {}, reasons)
        )
    scores = [r.score for r in reports if r.members]
    return Result(
        teams=[list(team) for team in teams],
        reports=reports,
        worst=min(scores) if scores else 0.0,
        mean=sum(scores) / len(scores) if scores else 0.0,
        violations=check_hard(teams, students, courses, settings),
        excluded=[],
        infeasible=[],
    )


def _infeasible_result(excluded: list[Infeasible], diagnoses: list[Infeasible]) -> Result:
    return Result([], [], 0.0, 0.0, [], excluded, diagnoses)


def _validate(
    students: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
    locked: Mapping[int, int],
    fixed_teams: Collection[int],
) -> None:
    # Malformed input is a caller bug (the web forms validate it), not an infeasible cohort.
    if len(set(courses)) != len(courses) or not MIN_COURSES <= len(courses) <= MAX_COURSES:
        raise ValueError(f"need {MIN_COURSES} to {MAX_COURSES} distinct courses, got {courses!r}")
    if not MIN_TEAM_SIZE <= settings.team_size <= MAX_TEAM_SIZE:
        raise ValueError(f"team size must be {MIN_TEAM_SIZE} to {MAX_TEAM_SIZE}")
    if level_rank(settings.min_level) < 0:
        raise ValueError(f"unknown CEFR level {settings.min_level!r}")
    if not settings.min_shared_hours >= 0:
        raise ValueError("min_shared_hours must be 0 or more")
    for key, weight in settings.weights.items():
        if key not in SOFT_CRITERIA and not key.startswith(ATTRIBUTE_PREFIX):
            raise ValueError(f"unknown criterion {key!r}")
        if not (weight >= 0 and math.isfinite(weight)):
            raise ValueError(f"weight of {key!r} must be a finite number >= 0")
    for name, mode in settings.attribute_modes.items():
        if mode not in ATTRIBUTE_MODES:
            raise ValueError(f"attribute {name!r}: mode must be one of {ATTRIBUTE_MODES}")
    ids = [s.id for s in students]
    if len(set(ids)) != len(ids):
        raise ValueError("student ids must be unique")
    for s in students:
        if s.course_id not in courses:
            raise ValueError(f"student {s.id} is in course {s.course_id}, not a member course")
        if not 0 <= s.availability <= FULL_WEEK:
            raise ValueError(f"student {s.id}: availability is not a 672-bit mask")
        for code, level in s.languages.items():
            if level_rank(level) < 0:
                raise ValueError(f"student {s.id}: unknown CEFR level {level!r} for {code}")
    for sid, t in locked.items():
        if sid not in set(ids) or t < 0:
            raise ValueError(f"locked student {sid} to team {t}: unknown student or bad index")
    if any(t < 0 for t in fixed_teams):
        raise ValueError("fixed team indices must be >= 0")


def _language_exclusions(students: Sequence[Student], settings: Settings) -> list[Infeasible]:
    language, level = settings.working_language, settings.min_level
    below = [s for s in students if not meets_language(s, language, level)]
    if not below:
        return []
    levels = [_level_of(s, language) for s in below]
    known = [lv for lv in levels if lv >= 0]
    suggestion = (
        Reason("lower_min_level", {"language": language, "to": CEFR_LEVELS[min(known)]})
        if known
        else Reason("check_language_data", {"language": language})
    )
    params: dict[str, Any] = {"language": language, "min_level": level, "count": len(below)}
    return [Infeasible("language_level", tuple(s.id for s in below), params, suggestion)]


def _level_of(student: Student, language: str) -> int:
    for code, level in student.languages.items():
        if code.lower() == language.lower():
            return level_rank(level)
    return -1


@dataclass(frozen=True, slots=True)
class _Plan:
    caps: list[int]
    fixed: frozenset[int]
    minimums: dict[int, int]


def _plan_sizes(
    cohort: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
    locked: Mapping[int, int],
    fixed: set[int],
) -> _Plan | list[Infeasible]:
    size, n = settings.team_size, len(cohort)
    if n < size:
        suggestion = (
            Reason("smaller_team_size", {"to": n}) if n >= MIN_TEAM_SIZE else Reason("add_students")
        )
        params: dict[str, Any] = {"team_size": size, "cohort": n}
        return [Infeasible("cohort_too_small", tuple(s.id for s in cohort), params, suggestion)]
    sizes = team_sizes(n, size)
    if sizes is None:
        return [_size_split(n, size)]
    n_teams = len(sizes)
    counts = Counter(s.course_id for s in cohort)
    problems = []
    for c in courses:
        if counts.get(c, 0) < n_teams:
            have = counts.get(c, 0)
            larger = [
                s
                for s in range(MIN_TEAM_SIZE, MAX_TEAM_SIZE + 1)
                if (ts := team_sizes(n, s)) is not None and len(ts) <= have
            ]
            suggestion = (
                Reason("larger_team_size", {"to": larger[0]})
                if larger
                else Reason("add_students", {"course_id": c, "count": n_teams - have})
            )
            ids = tuple(s.id for s in cohort if s.course_id == c)
            params = {"course_id": c, "students": have, "teams": n_teams}
            problems.append(Infeasible("course_too_small", ids, params, suggestion))
    out_of_range = sorted(sid for sid, t in locked.items() if t >= n_teams)
    bad_fixed = sorted(t for t in fixed if t >= n_teams)
    if out_of_range or bad_fixed:
        params = {"teams": n_teams, "fixed_teams": bad_fixed}
        suggestion = Reason("unlock_students", {"student_ids": out_of_range})
        problems.append(
            Infeasible("locked_team_out_of_range", tuple(out_of_range), params, suggestion)
        )
    if problems:
        return problems
    # Fixed teams keep their locked members; the others share the rest evenly.
    fixed_members = Counter(t for t in locked.values() if t in fixed)
    open_teams = [t for t in range(n_teams) if t not in fixed]
    n_open = n - sum(fixed_members.values())
    caps = [fixed_members.get(t, 0) for t in range(n_teams)]
    if open_teams:
        base, extra = divmod(n_open, len(open_teams))
        lo, hi = size_bounds(settings)
        if not (lo <= base and base + (extra > 0) <= hi):
            return [_size_split(n_open, size)]
        # The larger teams go where lecturers locked the most members.
        locked_count = Counter(locked.values())
        ordered = sorted(open_teams, key=lambda t: (-locked_count.get(t, 0), t))
        for k, t in enumerate(ordered):
            caps[t] = base + (k < extra)
    elif n_open:
        return [_size_split(n_open, size)]
    locked_count = Counter(locked.values())
    over = [t for t in range(n_teams) if locked_count.get(t, 0) > caps[t]]
    if over:
        ids = tuple(sid for sid, t in locked.items() if t in over)
        params = {"teams": over, "sizes": [caps[t] for t in over]}
        suggestion = Reason("unlock_students", {"student_ids": list(ids)})
        return [Infeasible("locked_team_too_large", ids, params, suggestion)]
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, n_teams)
    return _Plan(caps, frozenset(fixed), minimums)


def _size_split(n: int, size: int) -> Infeasible:
    fits = [s for s in range(MIN_TEAM_SIZE, MAX_TEAM_SIZE + 1) if team_sizes(n, s) is not None]
    suggestion = Reason("other_team_size", {"to": fits}) if fits else Reason("add_students")
    return Infeasible("team_size_split", (), {"team_size": size, "cohort": n}, suggestion)


def _precheck(
    cohort: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
    locked: Mapping[int, int],
    plan: _Plan,
) -> list[Infeasible]:
    need = required_slots(settings)
    hours = settings.min_shared_hours
    problems: list[Infeasible] = []
    by_id = {s.id: s for s in cohort}
    short = [s for s in cohort if s.availability.bit_count() < need]
    if short:
        best = min(s.availability.bit_count() for s in short) * SLOT_MINUTES / 60
        params: dict[str, Any] = {"hours": hours, "count": len(short)}
        suggestion = (
            Reason("lower_min_shared_hours", {"to": best})
            if best > 0
            else Reason("update_availability", {"student_ids": [s.id for s in short]})
        )
        problems.append(
            Infeasible("availability_too_low", tuple(s.id for s in short), params, suggestion)
        )
    # Any team's shared slots lie where every course has someone free: the common window. A
    # student who cannot be in a team cannot widen it, so narrow it until nobody else drops out.
    flagged = {s.id for s in short}
    window = FULL_WEEK
    while True:
        covered = dict.fromkeys(courses, 0)
        for s in cohort:
            if s.id not in flagged:
                covered[s.course_id] |= s.availability
        window = shared_mask(covered.values())
        outside = [
            s
            for s in cohort
            if s.id not in flagged and (s.availability & window).bit_count() < need
        ]
        if not outside:
            break
        flagged.update(s.id for s in outside)
    short_ids = {s.id for s in short}
    outside = [s for s in cohort if s.id in flagged and s.id not in short_ids]
    if outside:
        params = {"hours": hours, "count": len(outside), "utc_intervals": utc_intervals(window)}
        suggestion = Reason("update_availability", {"student_ids": [s.id for s in outside]})
        problems.append(
            Infeasible("no_common_time", tuple(s.id for s in outside), params, suggestion)
        )
    # A student also needs, in every other course (and in their own when teams hold two from
    # it), someone who shares the hours with them inside that window.
    by_course = {
        c: sorted(
            (s for s in cohort if s.course_id == c and s.id not in flagged),
            key=lambda s: -(s.availability & window).bit_count(),
        )
        for c in courses
    }
    for c in courses:
        lonely: list[int] = []
        best_slots = 0
        for s in cohort:
            if s.id in flagged or (s.course_id == c and plan.minimums[c] < 2):
                continue
            mask = s.availability & window
            overlaps = ((mask & p.availability).bit_count() for p in by_course[c] if p.id != s.id)
            if not any(n >= need for n in overlaps):
                lonely.append(s.id)
                best_slots = max(
                    best_slots,
                    max(((mask & p.availability).bit_count() for p in by_course[c]), default=0),
                )
        if lonely:
            params = {"course_id": c, "hours": hours, "count": len(lonely)}
            suggestion = (
                Reason("lower_min_shared_hours", {"to": best_slots * SLOT_MINUTES / 60})
                if best_slots
                else Reason("update_availability", {"student_ids": lonely})
            )
            problems.append(
                Infeasible("no_shared_hours_with_course", tuple(lonely), params, suggestion)
            )
    groups: dict[int, list[Student]] = {}
    for sid, t in locked.items():
        groups.setdefault(t, []).append(by_id[sid])
    for t, members in sorted(groups.items()):
        shared = shared_mask(s.availability for s in members).bit_count()
        if shared < need:
            ids = tuple(s.id for s in members)
            params = {"team": t, "minutes": shared * SLOT_MINUTES, "hours": hours}
            suggestion = Reason("unlock_students", {"student_ids": list(ids)})
            problems.append(Infeasible("locked_conflict", ids, params, suggestion))
        elif t in plan.fixed:
            issues = _team_violations(t, members, courses, plan.minimums, settings)
            if issues:
                ids = tuple(s.id for s in members)
                params = {"team": t, "violations": sorted({v.code for v in issues})}
                suggestion = Reason("unfix_team", {"team": t})
                problems.append(Infeasible("locked_conflict", ids, params, suggestion))
    return problems


class _Engine:
    """Search state: teams of student indices with their course counts and shared masks."""

    def __init__(
        self,
        cohort: Sequence[Student],
        courses: Sequence[int],
        settings: Settings,
        locked: Mapping[int, int],
        plan: _Plan,
        deadline: float,
    ) -> None:
        self.cohort = cohort
        self.courses = list(courses)
        self.settings = settings
        self.deadline = deadline
        self.rng = random.Random(settings.seed)
        self.scorer = Scorer(cohort, settings)
        course_index = {c: k for k, c in enumerate(courses)}
        self.course = [course_index[s.course_id] for s in cohort]
        self.mask = [s.availability for s in cohort]
        self.need_slots = required_slots(settings)
        self.need = [plan.minimums[c] for c in courses]
        self.n_course = Counter(self.course)
        self.caps = plan.caps
        self.fixed = plan.fixed
        self.n_teams = len(plan.caps)
        self.open = [t for t in range(self.n_teams) if t not in plan.fixed]
        open_caps = [plan.caps[t] for t in self.open] or [0]
        self.lo, self.hi = min(open_caps), max(open_caps)
        index = self.scorer.index
        self.locked = [-1] * len(cohort)
        for sid, t in locked.items():
            self.locked[index[sid]] = t
        self.teams: list[list[int]] = [[] for _ in range(self.n_teams)]
        self.cnt = [[0] * len(courses) for _ in range(self.n_teams)]
        self.shared = [FULL_WEEK] * self.n_teams
        self.scores = [0.0] * self.n_teams
        self.iterations = self.accepted = self.repair_steps = 0
        self.stopped_by = "stalled"  # also when there is nothing to optimise
        self.construction_violation = 0

    # -- bookkeeping

    def _add(self, i: int, t: int) -> None:
        self.teams[t].append(i)
        self.cnt[t][self.course[i]] += 1
        self.shared[t] &= self.mask[i]

    def _set_team(self, t: int, members: list[int]) -> None:
        for i in self.teams[t]:
            self.cnt[t][self.course[i]] -= 1
        self.teams[t] = members
        for i in members:
            self.cnt[t][self.course[i]] += 1
        self.shared[t] = shared_mask(self.mask[i] for i in members)

    def violation(self, t: int) -> int:
        """Return how far team ``t`` is from its hard constraints (0 when it keeps them all)."""
        short = max(0, self.need_slots - self.shared[t].bit_count())
        return short + _COURSE_PENALTY * self._missing(t)

    def total_violation(self) -> int:
        """Return the summed violation of the open teams."""
        return sum(self.violation(t) for t in self.open)

    # -- construction

    def construct(self) -> None:
        """Place locked students, then each course's minimum per team, then everyone else.

        Each step is a greedy bipartite matching between the students left and the teams with a
        slot, in the min-degree order that works well on random graphs: the team with the fewest
        compatible students chooses first, and takes the compatible student with the fewest
        teams left (on a tie, the one that keeps the most shared time). The scarcest course goes
        first; its least available students seed the teams, as they fit the fewest teams later.
        """
        for i, t in enumerate(self.locked):
            if t >= 0:
                self._add(i, t)
        free = [i for i in range(len(self.cohort)) if self.locked[i] < 0]
        self.rng.shuffle(free)
        free.sort(key=lambda i: self.mask[i].bit_count())
        n_teams = self.n_teams
        tightness = sorted(
            range(len(self.courses)),
            key=lambda k: (self.n_course[k] / (self.need[k] * n_teams), k),
        )
        placed: set[int] = set()
        for k in tightness:
            for round_ in range(1, self.need[k] + 1):
                room = {
                    t: 1
                    for t in self.open
                    if self.cnt[t][k] < round_ and len(self.teams[t]) < self.caps[t]
                }
                pool = [i for i in free if self.course[i] == k and i not in placed]
                placed.update(self._match(pool, room))
        room = {t: self.caps[t] - len(self.teams[t]) for t in self.open}
        self._match([i for i in free if i not in placed], {t: n for t, n in room.items() if n})
        self.construction_violation = self.total_violation()

    def _match(self, pool: list[int], room: dict[int, int]) -> list[int]:
        """Fill the teams' free slots (``room``) from ``pool``; return who was placed."""
        mask, need, shared = self.mask, self.need_slots, self.shared
        room = dict(room)
        if all(shared[t] == FULL_WEEK for t in room):
            # Empty teams fit everyone: the pool's order (least available first) seeds them.
            slots = [t for t, n in room.items() for _ in range(n)]
            for i, t in zip(pool, slots, strict=False):
                self._add(i, t)
            return pool[: len(slots)]
        fits = {t: {i for i in pool if (shared[t] & mask[i]).bit_count() >= need} for t in room}
        # Degrees are counted once per round: keeping them exact costs more than it gains.
        degree: Counter[int] = Counter()
        for members in fits.values():
            degree.update(members)
        left = set(pool)
        placed: list[int] = []
        while room and left:
            t = min(room, key=lambda u: (len(fits[u]), u))
            shared_t = shared[t]
            if fits[t]:
                lowest = min(degree[j] for j in fits[t])
                i = max(
                    (j for j in fits[t] if degree[j] == lowest),
                    key=lambda j: ((shared_t & mask[j]).bit_count(), -j),
                )
            else:
                # Nobody fits: take whoever breaks it least and leave it to the repair.
                i = max(left, key=lambda j: ((shared_t & mask[j]).bit_count(), -j))
            self._add(i, t)
            placed.append(i)
            left.discard(i)
            for u in room:
                fits[u].discard(i)
            room[t] -= 1
            if room[t]:
                # The team's shared time shrank: drop the students who no longer fit it.
                shared_t = shared[t]
                gone = [j for j in fits[t] if (shared_t & mask[j]).bit_count() < need]
                fits[t].difference_update(gone)
            else:
                del room[t]
                del fits[t]
        return placed

    # -- repair

    def repair(self) -> None:
        """Swap or move students until every open team keeps the hard constraints (if it can).

        Best improvement first; when no step lowers the total violation, a kick fixes one bad
        team at the expense of another (a min-conflicts walk), with a short tabu list so that the
        walk does not undo itself.
        """
        tabu: dict[int, int] = {}
        bad = sorted(t for t in self.open if self.violation(t) > 0)
        # Bounded in steps too, so that a hopeless cohort is reported without using the budget.
        limit = 20 * self.n_teams + 100
        while bad and time.perf_counter() < self.deadline and self.repair_steps < limit:
            self.repair_steps += 1
            a = self.rng.choice(bad)
            if not self._improve_team(a):
                self._kick(a, tabu)
            bad = sorted(t for t in self.open if self.violation(t) > 0)

    def _improve_team(self, a: int) -> bool:
        """Apply the swap or move touching team ``a`` that most lowers the total violation."""
        teams, locked, mask, course, cnt, need = (
            self.teams,
            self.locked,
            self.mask,
            self.course,
            self.cnt,
            self.need,
        )
        need_slots = self.need_slots
        team_a = teams[a]
        va = self.violation(a)
        miss_a = self._missing(a)
        rest_a = {
            x: shared_mask(mask[m] for m in team_a if m != x) for x in team_a if locked[x] < 0
        }
        best = 0
        choice: tuple[int, int, int] | None = None  # (b, x or -1, y or -1)
        can_grow_a = len(team_a) < self.hi
        can_shrink_a = len(team_a) > self.lo
        for b in self.open:
            if b == a:
                continue
            team_b = teams[b]
            vb = self.violation(b)
            miss_b = self._missing(b)
            shared_b = self.shared[b]
            for y in team_b:
                if locked[y] >= 0:
                    continue
                cy = course[y]
                rest_b = shared_mask(mask[m] for m in team_b if m != y)
                y_out_b = 1 if cnt[b][cy] <= need[cy] else 0
                y_in_a = 1 if cnt[a][cy] < need[cy] else 0
                for x, rest in rest_a.items():
                    cx = course[x]
                    if cx == cy:
                        new_miss_a, new_miss_b = miss_a, miss_b
                    else:
                        new_miss_a = miss_a - y_in_a + (1 if cnt[a][cx] <= need[cx] else 0)
                        new_miss_b = miss_b - (1 if cnt[b][cx] < need[cx] else 0) + y_out_b
                    new_va = max(0, need_slots - (rest & mask[y]).bit_count())
                    new_vb = max(0, need_slots - (rest_b & mask[x]).bit_count())
                    gain = va + vb - new_va - new_vb
                    gain -= _COURSE_PENALTY * (new_miss_a + new_miss_b)
                    if gain > best:
                        best, choice = gain, (b, x, y)
                if can_grow_a and len(team_b) > self.lo:
                    new_va = max(0, need_slots - (self.shared[a] & mask[y]).bit_count())
                    new_vb = max(0, need_slots - rest_b.bit_count())
                    gain = va + vb - new_va - new_vb
                    gain -= _COURSE_PENALTY * (miss_a - y_in_a + miss_b + y_out_b)
                    if gain > best:
                        best, choice = gain, (b, -1, y)
            if can_shrink_a and len(team_b) < self.hi:
                for x, rest in rest_a.items():
                    cx = course[x]
                    new_miss_a = miss_a + (1 if cnt[a][cx] <= need[cx] else 0)
                    new_miss_b = miss_b - (1 if cnt[b][cx] < need[cx] else 0)
                    new_va = max(0, need_slots - rest.bit_count())
                    new_vb = max(0, need_slots - (shared_b & mask[x]).bit_count())
                    gain = va + vb - new_va - new_vb
                    gain -= _COURSE_PENALTY * (new_miss_a + new_miss_b)
                    if gain > best:
                        best, choice = gain, (b, x, -1)
        if choice is None:
            return False
        self._exchange(a, *choice)
        return True

    def _kick(self, a: int, tabu: dict[int, int]) -> None:
        """Fix team ``a`` by a same-course swap even if the partner team breaks (least possible)."""
        teams, mask, locked, course = self.teams, self.mask, self.locked, self.course
        step = self.repair_steps
        team_a = teams[a]
        movable = [x for x in team_a if locked[x] < 0 and tabu.get(x, -1) < step]
        if not movable:
            return
        x = max(movable, key=lambda i: (self._shared_without(team_a, i), self.rng.random()))
        rest_a = shared_mask(mask[m] for m in team_a if m != x)
        best: tuple[int, float] | None = None
        choice: tuple[int, int] | None = None
        for b in self.open:
            if b == a:
                continue
            for y in teams[b]:
                if course[y] != course[x] or locked[y] >= 0 or tabu.get(y, -1) >= step:
                    continue
                rest_b = shared_mask(mask[m] for m in teams[b] if m != y)
                new_va = max(0, self.need_slots - (rest_a & mask[y]).bit_count())
                new_vb = max(0, self.need_slots - (rest_b & mask[x]).bit_count())
                rank = (-(new_va + new_vb - self.violation(b)), self.rng.random())
                if best is None or rank > best:
                    best, choice = rank, (b, y)
        if choice is None:
            return
        b, y = choice
        tenure = 5 + self.rng.randrange(10)
        tabu[x] = tabu[y] = step + tenure
        self._exchange(a, b, x, y)

    def _exchange(self, a: int, b: int, x: int, y: int) -> None:
        """Move ``x`` from ``a`` to ``b`` and ``y`` from ``b`` to ``a`` (-1: nobody)."""
        new_a = [m for m in self.teams[a] if m != x] + ([y] if y >= 0 else [])
        new_b = [m for m in self.teams[b] if m != y] + ([x] if x >= 0 else [])
        self._set_team(a, new_a)
        self._set_team(b, new_b)

    def _missing(self, t: int) -> int:
        return sum(max(0, n - have) for n, have in zip(self.need, self.cnt[t], strict=True))

    def _shared_without(self, members: Sequence[int], left_out: int) -> int:
        return shared_mask(self.mask[j] for j in members if j != left_out).bit_count()

    def diagnose(self) -> list[Infeasible]:
        """Explain why the repair could not keep every hard constraint."""
        bad = [t for t in self.open if self.violation(t) > 0]
        course_bad = [t for t in bad if self.violation(t) >= _COURSE_PENALTY]
        hardest: list[int] = []
        for t in bad:
            # The member whose absence frees the most shared time blocks the team the most.
            members = self.teams[t]
            worst = max(members, key=lambda i: self._shared_without(members, i))
            hardest.append(self.cohort[worst].id)
        best_minutes = min(self.shared[t].bit_count() for t in self.open) * SLOT_MINUTES
        out = []
        if course_bad:
            params: dict[str, Any] = {"teams": len(course_bad)}
            suggestion = Reason("other_team_size", {"to": []})
            out.append(Infeasible("course_balance", tuple(hardest), params, suggestion))
        if len(course_bad) < len(bad):
            params = {
                "hours": self.settings.min_shared_hours,
                "teams": len(bad) - len(course_bad),
                "best_minutes": best_minutes,
            }
            suggestion = (
                Reason("lower_min_shared_hours", {"to": best_minutes / 60})
                if best_minutes
                else Reason("update_availability", {"student_ids": sorted(hardest)})
            )
            out.append(Infeasible("shared_hours", tuple(sorted(hardest)), params, suggestion))
        return out

    # -- optimisation

    def optimise(self, max_iterations: int) -> None:
        """Improve (worst score, teams at the worst, sum of scores) with constraint-keeping moves.

        Max-min is approximated by sampling moves around low-scoring teams (biased towards the
        worst) and accepting a move when it raises the worst score, or keeps it with fewer teams
        at it, or keeps both with a higher sum; a few sideways moves cross plateaus. When this
        stalls, the worst teams get random constraint-keeping swaps (a kick) and the search goes
        on; the best plan seen is kept. Several kicks in a row without gain end the search.
        """
        open_teams = self.open
        if len(open_teams) < 2:
            return
        score_of = self.scorer.score_members
        scores = self.scores
        for t in open_teams:
            scores[t] = score_of(self.teams[t])
        rng = self.rng
        n_open = len(open_teams)
        order = sorted(open_teams, key=scores.__getitem__)
        ranked = [scores[t] for t in order]
        total = sum(ranked)
        patience = max(5000, 40 * len(self.cohort))
        best = (self._objective(ranked), [list(team) for team in self.teams])
        idle = kicks = it = 0
        deadline = self.deadline
        self.stopped_by = "iterations"
        while it < max_iterations:
            it += 1
            idle += 1
            if not it & 127 and time.perf_counter() > deadline:
                self.stopped_by = "time"
                break
            if idle >= patience:
                objective = self._objective(ranked)
                if objective > best[0]:
                    best, kicks = (objective, [list(team) for team in self.teams]), 0
                kicks += 1
                if kicks > 3:
                    self.stopped_by = "stalled"
                    break
                total = self._kick_worst(order, total)
                order.sort(key=scores.__getitem__)
                ranked = [scores[t] for t in order]
                idle = 0
                continue
            r = rng.random()
            a = order[int(r * r * r * n_open)] if r < 0.7 else open_teams[rng.randrange(n_open)]
            b = open_teams[rng.randrange(n_open)]
            proposal = self._propose(a, b) if a != b else None
            if proposal is None:
                continue
            new_a, new_b = proposal
            na, nb = score_of(new_a), score_of(new_b)
            oa, ob = scores[a], scores[b]
            if not _better(ranked, oa, ob, na, nb, rng):
                continue
            self._set_team(a, new_a)
            self._set_team(b, new_b)
            scores[a], scores[b] = na, nb
            total += na + nb - oa - ob
            if na + nb > oa + ob or min(na, nb) > min(oa, ob):
                idle = 0
            self.accepted += 1
            order.sort(key=scores.__getitem__)
            ranked = [scores[t] for t in order]
        self.iterations = it
        if best[0] > self._objective(ranked):
            for t, members in enumerate(best[1]):
                self._set_team(t, members)
                if t not in self.fixed:
                    scores[t] = score_of(members)

    def _objective(self, ranked: Sequence[float]) -> tuple[float, int, float]:
        return (ranked[0], -bisect_right(ranked, ranked[0]), round(sum(ranked), 6))

    def _kick_worst(self, order: list[int], total: float) -> float:
        """Apply random constraint-keeping swaps to the worst teams; return the new total."""
        scores, score_of, rng = self.scores, self.scorer.score_members, self.rng
        for a in order[:3]:
            for _ in range(20):
                b = self.open[rng.randrange(len(self.open))]
                proposal = self._propose(a, b) if a != b else None
                if proposal is not None:
                    self._set_team(a, proposal[0])
                    self._set_team(b, proposal[1])
                    for t in (a, b):
                        total -= scores[t]
                        scores[t] = score_of(self.teams[t])
                        total += scores[t]
                    break
        return total

    def _propose(self, a: int, b: int) -> tuple[list[int], list[int]] | None:
        """Draw a random move or swap between teams ``a`` and ``b`` that keeps the hard rules."""
        rng, locked, course, cnt, need = self.rng, self.locked, self.course, self.cnt, self.need
        team_a, team_b = self.teams[a], self.teams[b]
        kind = rng.random()
        if kind < 0.15 and len(team_a) > self.lo and len(team_b) < self.hi:
            x = team_a[rng.randrange(len(team_a))]
            if locked[x] >= 0 or cnt[a][course[x]] <= need[course[x]]:
                return None
            new_a = [m for m in team_a if m != x]
            new_b = [*team_b, x]
        elif kind > 0.85 and len(team_b) > self.lo and len(team_a) < self.hi:
            y = team_b[rng.randrange(len(team_b))]
            if locked[y] >= 0 or cnt[b][course[y]] <= need[course[y]]:
                return None
            new_a = [*team_a, y]
            new_b = [m for m in team_b if m != y]
        else:
            x = team_a[rng.randrange(len(team_a))]
            cx = course[x]
            if kind < 0.7:
                # Mostly swap within a course: course counts cannot break.
                same = [m for m in team_b if course[m] == cx]
                if not same:
                    return None
                y = same[rng.randrange(len(same))]
            else:
                y = team_b[rng.randrange(len(team_b))]
            if locked[x] >= 0 or locked[y] >= 0:
                return None
            cy = course[y]
            if cx != cy and (cnt[a][cx] <= need[cx] or cnt[b][cy] <= need[cy]):
                return None
            new_a = [m if m != x else y for m in team_a]
            new_b = [m if m != y else x for m in team_b]
        mask, need_slots = self.mask, self.need_slots
        shared = FULL_WEEK
        for m in new_a:
            shared &= mask[m]
        if shared.bit_count() < need_slots:
            return None
        shared = FULL_WEEK
        for m in new_b:
            shared &= mask[m]
        if shared.bit_count() < need_slots:
            return None
        return new_a, new_b


def _better(
    ranked: list[float],
    oa: float,
    ob: float,
    na: float,
    nb: float,
    rng: random.Random,
) -> bool:
    """Tell whether replacing two team scores improves (worst, -count at worst, sum)."""
    skip_a = skip_b = True
    others_min = math.inf
    for v in ranked:
        if skip_a and v == oa:
            skip_a = False
        elif skip_b and v == ob:
            skip_b = False
        else:
            others_min = v
            break
    if others_min < math.inf:
        others_count = bisect_right(ranked, others_min) - bisect_left(ranked, others_min)
        others_count -= (oa == others_min) + (ob == others_min)
    else:
        others_count = 0
    old_min = ranked[0]
    old_count = bisect_right(ranked, old_min)
    new_min = min(others_min, na, nb)
    new_count = (others_count if others_min == new_min else 0) + (na == new_min) + (nb == new_min)
    if new_min != old_min:
        return new_min > old_min
    if new_count != old_count:
        return new_count < old_count
    delta = na + nb - oa - ob
    if abs(delta) > 1e-9:
        return delta > 0
    # Equal on every level: walk the plateau now and then to escape it.
    return rng.random() < 0.05


# -- explanations ---------------------------------------------------------------------------------


def _explain(
    members: Sequence[Student],
    courses: Sequence[int],
    minimums: Mapping[int, int],
    settings: Settings,
    scorer: Scorer,
    idx: Sequence[int],
) -> tuple[Reason, ...]:
    if not members:
        return ()
    shared = shared_mask(s.availability for s in members)
    reasons = [
        Reason(
            "shared_hours",
            {"minutes": shared.bit_count() * SLOT_MINUTES, "utc_intervals": utc_intervals(shared)},
        ),
        Reason(
            "working_language",
            {"language": settings.working_language, "min_level": settings.min_level},
        ),
    ]
    counts = Counter(s.course_id for s in members)
    reasons.append(Reason("courses", {"counts": {c: counts.get(c, 0) for c in courses}}))
    countries = sorted({s.country.upper() for s in members if s.country})
    reasons.append(Reason("countries", {"count": len(countries), "countries": countries}))
    if "languages" in scorer.weights:
        wl = settings.working_language.lower()
        langs = sorted({c.lower() for s in members for c in s.languages} - {wl})
        reasons.append(Reason("languages", {"count": len(langs), "languages": langs}))
    if "disciplines" in scorer.weights:
        disciplines = sorted({s.discipline for s in members if s.discipline})
        reasons.append(
            Reason("disciplines", {"count": len(disciplines), "disciplines": disciplines})
        )
    for name, mode in scorer.attrs:
        values = sorted({v for s in members if (v := s.attributes.get(name, ""))})
        reasons.append(Reason("attribute", {"name": name, "mode": mode, "values": values}))
    known = [s.pre_assessment for s in members if s.pre_assessment is not None]
    if "pre_assessment" in scorer.weights and known:
        reasons.append(Reason("pre_assessment", {"min": min(known), "max": max(known)}))
    ids = {s.id for s in members}
    pairs = sorted(
        (a.id, b.id) for a, b in combinations(members, 2) if b.id in a.previous_teammates
    )
    if pairs:
        reasons.append(Reason("previous_teammates", {"pairs": pairs, "count": len(pairs)}))
    alone = [
        c for c in courses if counts.get(c, 0) == 1 and minimums.get(c, 1) < 2 and len(ids) > 1
    ]
    if alone:
        # Allowed only because these classes are too small for two per team: say so.
        sids = [next(s.id for s in members if s.course_id == c) for c in alone]
        reasons.append(Reason("alone_from_course", {"course_ids": alone, "student_ids": sids}))
    return tuple(reasons)


# -- late joiners and drop-outs -------------------------------------------------------------------


def suggest_placement(
    teams: Sequence[Sequence[int]],
    new_student: Student,
    students: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
) -> list[Placement]:
    """Rank the teams a late joiner could join: fewest violations first, then best team score."""
    cohort = [s for s in students if s.id != new_student.id] + [new_student]
    by_id = {s.id: s for s in cohort}
    scorer = Scorer(cohort, settings)
    grown = [list(team) for team in teams]
    counts = Counter(by_id[sid].course_id for team in grown for sid in team if sid in by_id)
    counts[new_student.course_id] += 1
    n_teams = sum(1 for team in grown if team)
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, n_teams)
    options = []
    for t, team in enumerate(grown):
        if not team:
            continue
        members = [by_id[sid] for sid in team if sid in by_id] + [new_student]
        issues = _team_violations(t, members, courses, minimums, settings)
        score = scorer.score(s.id for s in members)
        options.append(Placement(t, score, tuple(issues)))
    options.sort(key=lambda p: (len(p.violations), -p.score, len(grown[p.team]), p.team))
    return options


def suggest_rebalance(
    teams: Sequence[Sequence[int]],
    removed_student_id: int,
    students: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
    locked: Collection[int] = (),
) -> Rebalance:
    """Find the fewest moves that restore the hard constraints after a student leaves.

    Tries, in order: no move; one student moved in or out; a swap or a chain of two moves; and
    last, dissolving the short team into the others. Among equally short fixes, the one with the
    best worst-team score wins. Students in ``locked`` are never moved.
    """
    current = [[sid for sid in team if sid != removed_student_id] for team in teams]
    cohort = [s for s in students if s.id != removed_student_id]
    by_id = {s.id: s for s in cohort}
    scorer = Scorer(cohort, settings)
    counts = Counter(by_id[sid].course_id for team in current for sid in team if sid in by_id)
    minimums = course_minimums(
        {c: counts.get(c, 0) for c in courses}, sum(1 for team in current if team)
    )

    def issues(t: int, team: Sequence[int]) -> list[Violation]:
        if not team:
            return []
        members = [by_id[sid] for sid in team]
        return _team_violations(t, members, courses, minimums, settings)

    broken = [t for t, team in enumerate(current) if team and issues(t, team)]
    if not broken:
        return Rebalance([], current, [])
    a = next(
        (t for t, team in enumerate(teams) if removed_student_id in team),
        broken[0],
    )
    if a not in broken:
        # The team that lost the student is fine; only older problems remain: leave them alone.
        return Rebalance([], current, check_hard(current, cohort, courses, settings))
    movable = {
        sid for t, team in enumerate(current) for sid in team if sid not in locked and t != a
    }
    home = {sid: t for t, team in enumerate(current) for sid in team}

    def value(changed: Mapping[int, list[int]]) -> tuple[float, float]:
        scores = [scorer.score(team) for team in changed.values() if team]
        return (min(scores) if scores else 0.0, sum(scores))

    def ok(changed: Mapping[int, list[int]]) -> bool:
        return all(not issues(t, team) for t, team in changed.items())

    def best_of(candidates: Iterable[tuple[list[Move], dict[int, list[int]]]]) -> Rebalance | None:
        best: tuple[tuple[float, float], list[Move], dict[int, list[int]]] | None = None
        for moves, changed in candidates:
            if ok(changed) and (best is None or value(changed) > best[0]):
                best = (value(changed), moves, changed)
        if best is None:
            return None
        plan = [list(team) for team in current]
        for t, team in best[2].items():
            plan[t] = team
        return Rebalance(best[1], plan, check_hard(plan, cohort, courses, settings))

    team_a = current[a]

    def single() -> Iterable[tuple[list[Move], dict[int, list[int]]]]:
        for sid in sorted(movable):
            b = home[sid]
            yield [Move(sid, b, a)], {a: [*team_a, sid], b: [m for m in current[b] if m != sid]}
        for sid in team_a:
            if sid in locked:
                continue
            for b, team_b in enumerate(current):
                if b != a and team_b:
                    changed = {a: [m for m in team_a if m != sid], b: [*team_b, sid]}
                    yield [Move(sid, a, b)], changed

    def double() -> Iterable[tuple[list[Move], dict[int, list[int]]]]:
        for x in team_a:
            if x in locked:
                continue
            for y in sorted(movable):
                b = home[y]
                changed = {
                    a: [m if m != x else y for m in team_a],
                    b: [m if m != y else x for m in current[b]],
                }
                yield [Move(y, b, a), Move(x, a, b)], changed
        # A chain: pull y from b into a, then refill b with z from a third team.
        pulls = sorted(
            (y for y in movable if not issues(a, [*team_a, y])),
            key=lambda y: -scorer.score([*team_a, y]),
        )[:20]
        for y in pulls:
            b = home[y]
            team_b = [m for m in current[b] if m != y]
            for z in sorted(movable - {y}):
                c = home[z]
                if c == b:
                    continue
                changed = {
                    a: [*team_a, y],
                    b: [*team_b, z],
                    c: [m for m in current[c] if m != z],
                }
                yield [Move(y, b, a), Move(z, c, b)], changed

    for search in (single, double):
        found = best_of(search())
        if found is not None:
            return found
    dissolved = _dissolve(a, current, locked, issues, scorer)
    if dissolved is not None:
        moves, plan = dissolved
        return Rebalance(moves, plan, check_hard(plan, cohort, courses, settings))
    return Rebalance([], current, check_hard(current, cohort, courses, settings))


def _dissolve(
    a: int,
    current: list[list[int]],
    locked: Collection[int],
    issues: Callable[[int, Sequence[int]], list[Violation]],
    scorer: Scorer,
) -> tuple[list[Move], list[list[int]]] | None:
    if any(sid in locked for sid in current[a]):
        return None
    plan = [list(team) for team in current]
    moves = []
    for sid in current[a]:
        targets = [
            (scorer.score([*team, sid]), b)
            for b, team in enumerate(plan)
            if b != a and team and not issues(b, [*team, sid])
        ]
        if not targets:
            return None
        _, b = max(targets)
        plan[b].append(sid)
        moves.append(Move(sid, a, b))
    plan[a] = []
    return moves, plan


# -- English rendering (the web layer translates the codes itself) --------------------------------


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
        f"{i.message_params['students']} students for {i.message_params['teams']} teams: "
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
        f"no plan found in which every team shares "
        f"{_hours(i.message_params['hours'])} a week; hardest to place: {_ids(i.student_ids)}"
    ),
    "course_balance": lambda i: (
        f"no plan found with every course in every team; hardest to place: {_ids(i.student_ids)}"
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
