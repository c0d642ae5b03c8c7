"""Search state for :func:`form_teams`: greedy construction, then repair of the hard constraints.

The local search that raises the scores (:mod:`coil.teams.engine.search`) extends this
class; what stays here only has to keep every team within the hard constraints.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Mapping, Sequence

from coil.teams.engine.diagnose import Plan
from coil.teams.engine.model import (
    FULL_WEEK,
    SLOTS_PER_WEEK,
    Settings,
    Student,
)
from coil.teams.engine.rules import required_slots, shared_mask
from coil.teams.engine.score import Scorer

# A course-count shortfall must always outweigh any shared-hours shortfall in the repair phase.
_COURSE_PENALTY = SLOTS_PER_WEEK + 1


class TeamBuilder:
    """Search state: teams of student indices with their course counts and shared masks."""

    def __init__(
        self,
        cohort: Sequence[Student],
        courses: Sequence[int],
        settings: Settings,
        locked: Mapping[int, int],
        plan: Plan,
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

    def repair(self, until: float | None = None) -> None:
        """Swap or move students until every open team keeps the hard constraints (if it can).

        Best improvement first; when no step lowers the total violation, a kick fixes one bad
        team at the expense of another (a min-conflicts walk), with a short tabu list so that the
        walk does not undo itself. Stops at ``until`` (default: the deadline).
        """
        tabu: dict[int, int] = {}
        bad = sorted(t for t in self.open if self.violation(t) > 0)
        # Bounded in steps too, so that a hopeless cohort goes to the exact search early.
        limit = 20 * self.n_teams + 100
        stop = self.deadline if until is None else min(until, self.deadline)
        while bad and time.perf_counter() < stop and self.repair_steps < limit:
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
