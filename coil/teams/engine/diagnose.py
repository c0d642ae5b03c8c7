"""Checks before the search: malformed input, excluded students, sizes and infeasible cohorts.

Each diagnosis is an :class:`Infeasible` with a suggestion, so that a lecturer learns why no
plan can exist and what to change, without waiting for the search to fail.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coil.teams.engine.model import (
    ATTRIBUTE_MODES,
    ATTRIBUTE_PREFIX,
    CEFR_LEVELS,
    FULL_WEEK,
    MAX_COURSES,
    MAX_TEAM_SIZE,
    MIN_COURSES,
    MIN_TEAM_SIZE,
    SLOT_MINUTES,
    SOFT_CRITERIA,
    Infeasible,
    Reason,
    Settings,
    Student,
)
from coil.teams.engine.rules import (
    course_minimums,
    fewest_teams,
    level_rank,
    meets_language,
    required_slots,
    shared_mask,
    size_bounds,
    team_sizes,
    team_violations,
    utc_intervals,
)


def validate(
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


def language_exclusions(students: Sequence[Student], settings: Settings) -> list[Infeasible]:
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
class Plan:
    caps: list[int]
    fixed: frozenset[int]
    minimums: dict[int, int]


def plan_sizes(
    cohort: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
    locked: Mapping[int, int],
    fixed: set[int],
) -> Plan | list[Infeasible]:
    size, n = settings.team_size, len(cohort)
    lo, hi = size_bounds(settings)
    if n < lo:
        suggestion = (
            Reason("smaller_team_size", {"to": n}) if n >= MIN_TEAM_SIZE else Reason("add_students")
        )
        params: dict[str, Any] = {"team_size": size, "cohort": n}
        return [Infeasible("cohort_too_small", tuple(s.id for s in cohort), params, suggestion)]
    sizes = team_sizes(n, size)
    if sizes is None:
        return [_size_split(n, size)]
    counts = Counter(s.course_id for s in cohort)
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, settings)
    # Every plan has at least this many teams; a course with fewer students misses some.
    fewest = fewest_teams(n, size)
    problems = []
    for c in courses:
        have = counts.get(c, 0)
        if have < fewest:
            larger = [
                s
                for s in range(MIN_TEAM_SIZE, MAX_TEAM_SIZE + 1)
                if team_sizes(n, s) is not None and fewest_teams(n, s) <= have
            ]
            suggestion = (
                Reason("larger_team_size", {"to": larger[0]})
                if larger
                else Reason("add_students", {"course_id": c, "count": _to_add(n, have, size)})
            )
            ids = tuple(s.id for s in cohort if s.course_id == c)
            params = {"course_id": c, "students": have, "teams": fewest}
            problems.append(Infeasible("course_too_small", ids, params, suggestion))
    if problems:
        return problems
    # The preferred number of teams, unless a course cannot give each its minimum: then fewer,
    # larger teams (two from a class are worth a team one over the size). More teams only where
    # locks ask for them, as far as sizes and courses allow.
    most = min([n // lo] + [counts.get(c, 0) // minimums[c] for c in courses])
    n_teams = min(len(sizes), most)
    wanted = max([t + 1 for t in locked.values()] + [t + 1 for t in fixed], default=0)
    n_teams = max(n_teams, min(wanted, most))
    out_of_range = sorted(sid for sid, t in locked.items() if t >= n_teams)
    bad_fixed = sorted(t for t in fixed if t >= n_teams)
    if out_of_range or bad_fixed:
        params = {"teams": n_teams, "fixed_teams": bad_fixed}
        suggestion = Reason("unlock_students", {"student_ids": out_of_range})
        return [Infeasible("locked_team_out_of_range", tuple(out_of_range), params, suggestion)]
    locked_count = Counter(locked.values())
    over = [t for t in range(n_teams) if locked_count.get(t, 0) > hi]
    if over:
        ids = tuple(sid for sid, t in locked.items() if t in over)
        params = {"teams": over, "sizes": [hi for _ in over]}
        suggestion = Reason("unlock_students", {"student_ids": list(ids)})
        return [Infeasible("locked_team_too_large", ids, params, suggestion)]
    # Fixed teams keep their locked members; the others share the rest evenly, each at least as
    # large as its locked members (the larger teams go where lecturers locked the most). If the
    # rest do not fit that many open teams, the nearest number of teams that fits is taken.
    fixed_members = Counter(t for t in locked.values() if t in fixed)
    n_open = n - sum(fixed_members.values())

    def open_caps(count: int) -> dict[int, int] | None:
        caps = {t: max(lo, locked_count.get(t, 0)) for t in range(count) if t not in fixed}
        return caps if sum(caps.values()) <= n_open <= hi * len(caps) else None

    nearest = sorted(range(max(wanted, fewest), most + 1), key=lambda k: (abs(k - n_teams), k))
    fitting = [(k, room) for k in nearest if (room := open_caps(k)) is not None]
    if not fitting:
        return [_size_split(n_open, size)]
    n_teams, caps_open = fitting[0]
    for _ in range(n_open - sum(caps_open.values())):
        t = min(caps_open, key=lambda u: (caps_open[u], -locked_count.get(u, 0), u))
        caps_open[t] += 1
    caps = [caps_open.get(t, fixed_members.get(t, 0)) for t in range(n_teams)]
    return Plan(caps, frozenset(fixed), minimums)


def _to_add(n: int, have: int, size: int) -> int:
    """Return how many students a course must gain to have one for each of the fewest teams."""
    extra = 0
    while have + extra < fewest_teams(n + extra, size):
        extra += 1
    return extra


def _size_split(n: int, size: int) -> Infeasible:
    fits = [s for s in range(MIN_TEAM_SIZE, MAX_TEAM_SIZE + 1) if team_sizes(n, s) is not None]
    suggestion = Reason("other_team_size", {"to": fits}) if fits else Reason("add_students")
    return Infeasible("team_size_split", (), {"team_size": size, "cohort": n}, suggestion)


def precheck(
    cohort: Sequence[Student],
    courses: Sequence[int],
    settings: Settings,
    locked: Mapping[int, int],
    plan: Plan,
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
            issues = team_violations(t, members, courses, plan.minimums, settings)
            if issues:
                ids = tuple(s.id for s in members)
                params = {"team": t, "violations": sorted({v.code for v in issues})}
                suggestion = Reason("unfix_team", {"team": t})
                problems.append(Infeasible("locked_conflict", ids, params, suggestion))
    return problems
