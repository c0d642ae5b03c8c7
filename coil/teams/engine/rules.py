"""Team sizes and the hard constraints every team must keep, with their small helpers."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from coil.teams.engine.model import (
    CEFR_LEVELS,
    FULL_WEEK,
    MIN_TEAM_SIZE,
    SLOT_MINUTES,
    SLOTS_PER_DAY,
    Settings,
    Student,
    Violation,
)


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
    larger than the number of teams (small cohorts) are teams of ``size - 1`` used, never below 3;
    a cohort smaller than ``size`` but within the bounds is one team. None means that no number
    of teams splits the cohort within :func:`size_bounds`.
    """
    lo, hi = max(MIN_TEAM_SIZE, size - 1), size + 1
    if size < MIN_TEAM_SIZE or n_students < lo:
        return None
    if n_students < size:
        return [n_students]
    count = n_students // size
    if n_students - count * size > count:
        count = -(-n_students // size)
    sizes = split(n_students, count)
    return sizes if lo <= sizes[-1] and sizes[0] <= hi else None


def split(n_students: int, n_teams: int) -> list[int]:
    """Split a cohort into ``n_teams`` sizes that differ by one at most, larger first."""
    base, extra = divmod(n_students, n_teams)
    return [base + 1] * extra + [base] * (n_teams - extra)


def size_bounds(settings: Settings) -> tuple[int, int]:
    """Return the smallest and largest team size a lecturer's adjustment may leave."""
    return max(MIN_TEAM_SIZE, settings.team_size - 1), settings.team_size + 1


def fewest_teams(n_students: int, team_size: int) -> int:
    """Return the fewest teams that hold ``n_students`` within the size bounds (at least 1)."""
    return max(1, -(-n_students // (team_size + 1)))


def course_minimums(counts: Mapping[int, int], settings: Settings) -> dict[int, int]:
    """Return the minimum members per team of each course: 2 where the class allows it, else 1.

    A class allows two per team when it has two for each of the fewest teams the size bounds
    leave for the cohort. The number of teams a plan happens to have does not lower it: a plan
    of more, smaller teams than the class can fill with two each breaks the rule (DOMAIN.md: no
    one alone from their class), so "too few students there for two per team" is always true.
    """
    fewest = fewest_teams(sum(counts.values()), settings.team_size)
    return {c: 2 if n >= 2 * fewest else 1 for c, n in counts.items()}


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
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, settings)
    for t, team in enumerate(teams):
        members = [by_id[sid] for sid in dict.fromkeys(team) if sid in by_id]
        if team:
            violations.extend(team_violations(t, members, courses, minimums, settings))
    return violations


def team_violations(
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
