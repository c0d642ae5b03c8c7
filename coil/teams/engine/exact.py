"""Exact search on the hard constraints (OR-Tools CP-SAT), for cohorts the repair cannot fix.

The model states :func:`coil.teams.engine.rules.check_hard` as it is, nothing looser and nothing
stricter, so that its answers are facts about the cohort: a plan it finds keeps every hard
constraint, and when it reports ``infeasible`` the solver has proved that no plan does (within
the team counts it was given). When time runs out first the answer is ``unknown``: neither.

Variables: ``x[i][t]``, student ``i`` is in team ``t``; ``used[t]`` when the number of teams may
vary; ``y[t][g]``, team ``t`` shares the slots of group ``g``, where a group is a set of slots
free to exactly the same students (so 672 slots shrink to the patterns that occur). A team
shares a group only if none of its members is busy there, and must share at least the required
number of slots. Interchangeable teams (open, nobody locked in them) are ordered by their first
member, which removes the symmetry that would otherwise make proofs of infeasibility slow.

``ortools`` is imported with this module (a few tenths of a second, once per process), not on
the first call: that call may come with a time budget that cannot afford it.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ortools.sat.python import cp_model

from coil.teams.engine.model import SLOTS_PER_WEEK

# One worker: the search is then deterministic for a seed whenever it ends before the time limit.
_WORKERS = 1


@dataclass(frozen=True, slots=True)
class Exact:
    """The solver's answer: ``found`` (with ``teams``), ``infeasible`` (proved) or ``unknown``."""

    status: str
    teams: list[list[int]] = field(default_factory=list)
    seconds: float = 0.0


def slot_groups(masks: Sequence[int]) -> dict[int, int]:
    """Map each set of students (a bitset over indices) free in some slot to its slot count."""
    columns = [0] * SLOTS_PER_WEEK
    for i, mask in enumerate(masks):
        bit = 1 << i
        while mask:
            low = mask & -mask
            columns[low.bit_length() - 1] |= bit
            mask ^= low
    groups: dict[int, int] = {}
    for free in columns:
        if free:
            groups[free] = groups.get(free, 0) + 1
    return groups


def solve(
    course: Sequence[int],
    minimums: Sequence[int],
    masks: Sequence[int],
    need_slots: int,
    bounds: tuple[int, int],
    locked: Sequence[int],
    fixed: Collection[int],
    team_counts: tuple[int, int],
    hint: Sequence[Sequence[int]] = (),
    *,
    time_limit: float,
    seed: int = 0,
) -> Exact:
    """Find a plan of student indices that keeps every hard constraint, or prove there is none.

    ``course[i]`` is student ``i``'s course index and ``minimums[k]`` the members course ``k``
    needs in every team; ``bounds`` are the smallest and largest team; ``locked[i]`` is the team
    student ``i`` is pinned to (-1: free), and a team in ``fixed`` holds exactly its locked
    members. The plan has between ``team_counts[0]`` and ``team_counts[1]`` teams; teams that
    hold locked students keep their index, the others follow in order. ``hint`` is a plan to
    start from (it may break constraints).
    """
    started = time.perf_counter()
    if time_limit <= 0:
        return Exact("unknown", seconds=0.0)
    n = len(course)
    lo, hi = bounds
    fewest, most = team_counts
    deadline = started + time_limit
    pinned = {t for t in locked if t >= 0} | set(fixed)
    slots = max(most, max(pinned, default=-1) + 1)
    # Interchangeable teams, in index order: a plan of fewer teams leaves the last ones empty,
    # and teams below a pinned one stay (a locked student keeps the index of their team).
    free_teams = [t for t in range(slots) if t not in pinned]
    rank = {t: k for k, t in enumerate(free_teams)}
    last_pinned = max(pinned, default=-1)
    model = cp_model.CpModel()
    one = model.new_constant(1)
    # x[i]: team -> literal, only where student i may go. A locked student is in their team;
    # symmetry: the k-th free student only in one of the first k + 1 interchangeable teams (number
    # them by their first member: the k-th student's team has a first member among the first k).
    x: list[dict[int, Any]] = []
    k = 0
    for i in range(n):
        if locked[i] >= 0:
            x.append({locked[i]: one})
            continue
        x.append(
            {
                t: model.new_bool_var("")
                for t in range(slots)
                if t not in fixed and (t in pinned or rank[t] <= k)
            }
        )
        k += 1
        model.add_exactly_one(x[i].values())
    used = [
        one if t in pinned or t < fewest or t < last_pinned else model.new_bool_var("")
        for t in range(slots)
    ]
    model.add(sum(used) >= fewest)
    model.add(sum(used) <= most)
    for a, b in pairwise(free_teams):
        model.add_implication(used[b], used[a])
    members: list[list[tuple[int, Any]]] = [[] for _ in range(slots)]
    for i, options in enumerate(x):
        for t, literal in options.items():
            members[t].append((i, literal))
    groups = _useful_groups(masks, course, minimums) if need_slots > 0 else {}
    for t in range(slots):
        if time.perf_counter() > deadline:
            return Exact("unknown", seconds=time.perf_counter() - started)
        column = [literal for _, literal in members[t]]
        model.add(sum(column) >= lo * used[t])
        model.add(sum(column) <= hi * used[t])
        for c, minimum in enumerate(minimums):
            in_course = [literal for i, literal in members[t] if course[i] == c]
            model.add(sum(in_course) >= minimum * used[t])
        if need_slots <= 0:
            continue
        # y: the team shares the group's slots, so none of its members is busy there.
        shared = []
        for free, weight in groups.items():
            busy = [literal.Not() for i, literal in members[t] if not free >> i & 1]
            if any(literal is one for i, literal in members[t] if not free >> i & 1):
                continue
            y = model.new_bool_var("")
            model.add_bool_and(busy).only_enforce_if(y)
            shared.append(weight * y)
        model.add(sum(shared) >= need_slots * used[t])
    for t, team in enumerate(_order_hint(hint, locked, free_teams, slots)):
        for i in team:
            if t in x[i] and x[i][t] is not one:
                model.add_hint(x[i][t], True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
    solver.parameters.num_workers = _WORKERS
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    seconds = time.perf_counter() - started
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        teams: list[list[int]] = [[] for _ in range(slots)]
        for i, options in enumerate(x):
            t = next(t for t, literal in options.items() if solver.boolean_value(literal))
            teams[t].append(i)
        while teams and not teams[-1]:
            teams.pop()
        return Exact("found", teams, seconds)
    if status == cp_model.INFEASIBLE:
        return Exact("infeasible", seconds=seconds)
    return Exact("unknown", seconds=seconds)


def _useful_groups(
    masks: Sequence[int], course: Sequence[int], minimums: Sequence[int]
) -> dict[int, int]:
    """Keep the slot groups a valid team could share: enough of every course is free there."""
    in_course = [0] * len(minimums)
    for i, k in enumerate(course):
        in_course[k] |= 1 << i
    return {
        free: weight
        for free, weight in slot_groups(masks).items()
        if all(
            (free & members).bit_count() >= m
            for members, m in zip(in_course, minimums, strict=True)
        )
    }


def _order_hint(
    hint: Sequence[Sequence[int]], locked: Sequence[int], free_teams: Sequence[int], slots: int
) -> list[list[int]]:
    """Renumber the hint's interchangeable teams by first free member, as the model orders them."""
    out: list[list[int]] = [[] for _ in range(slots)]
    movable = []
    for t, members in enumerate(hint):
        if t < slots and t not in free_teams:
            out[t] = list(members)
        elif members:
            movable.append(sorted(members))
    free_first = sorted(
        movable, key=lambda team: min((i for i in team if locked[i] < 0), default=len(locked))
    )
    for t, members in zip(free_teams, free_first, strict=False):
        out[t] = members
    return out
