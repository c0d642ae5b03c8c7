"""The local search behind :func:`coil.teams.engine.search.form_teams`: the builder's state, the
exact fallback when the repair leaves a hard constraint broken, and rule-keeping moves that
raise the worst team's score."""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Any

from coil.teams.engine import exact
from coil.teams.engine.build import TeamBuilder
from coil.teams.engine.exact import Exact
from coil.teams.engine.model import (
    FULL_WEEK,
    SLOT_MINUTES,
    Infeasible,
    Reason,
    Result,
)
from coil.teams.engine.rules import fewest_teams, shared_mask, size_bounds
from coil.teams.engine.score import improves

# Student-team pairs up to which the whole cohort is modelled (about 0.3 s to build); larger
# cohorts are repaired by neighbourhoods of a few teams, larger after each failure.
_WHOLE_MODEL_LIMIT = 10_000
_NEIGHBOURHOOD_TEAMS = (4, 6, 8, 12)
_NEIGHBOURHOOD_SECONDS = 0.5


def infeasible_result(
    excluded: list[Infeasible], diagnoses: list[Infeasible], stats: Mapping[str, Any] | None = None
) -> Result:
    return Result([], [], 0.0, 0.0, [], excluded, diagnoses, dict(stats or {}))


class Engine(TeamBuilder):
    """The builder's state, the exact fallback, and the local search over rule-keeping moves."""

    fallback: Exact | None = None

    def stats(self, started: float) -> dict[str, Any]:
        """Say how the search went: what stopped it, its effort, and whether the exact one ran."""
        return {
            "stopped_by": self.stopped_by,
            "seconds": time.perf_counter() - started,
            "iterations": self.iterations,
            "accepted": self.accepted,
            "repair_steps": self.repair_steps,
            "construction_violation": self.construction_violation,
            "exact": self.fallback.status if self.fallback else "",
            "exact_seconds": self.fallback.seconds if self.fallback else 0.0,
        }

    # -- the exact fallback

    def whole_model(self) -> bool:
        """Tell whether the exact search models the whole cohort (else: by neighbourhoods)."""
        return len(self.cohort) * self.n_teams <= _WHOLE_MODEL_LIMIT

    def _team_counts(self) -> tuple[int, int]:
        """Return the fewest and most teams any plan can have (sizes and course minimums)."""
        n = len(self.cohort)
        lo, _ = size_bounds(self.settings)
        most = min([n // lo] + [self.n_course[k] // m for k, m in enumerate(self.need)])
        return fewest_teams(n, self.settings.team_size), most

    def _solve(self, team_counts: tuple[int, int], need_slots: int) -> Exact:
        return exact.solve(
            self.course,
            self.need,
            self.mask,
            need_slots,
            size_bounds(self.settings),
            self.locked,
            self.fixed,
            team_counts,
            self.teams,
            time_limit=self.deadline - time.perf_counter(),
            seed=self.settings.seed,
        )

    def solve_exactly(self) -> Exact:
        """Ask the exact search for a plan: first with the planned number of teams, then any.

        Seeded with the repair's plan and given what is left of the time budget. ``infeasible``
        means proved for every number of teams the sizes and the course minimums allow. A cohort
        too large to model whole within the budget is repaired by neighbourhoods instead, which
        finds plans but proves nothing.
        """
        if not self.whole_model():
            self.fallback = self._solve_neighbourhoods()
            return self.fallback
        first = self._solve((self.n_teams, self.n_teams), self.need_slots)
        outcome = first
        counts = self._team_counts()
        if first.status == "infeasible" and counts != (self.n_teams, self.n_teams):
            second = self._solve(counts, self.need_slots)
            outcome = Exact(second.status, second.teams, first.seconds + second.seconds)
        self.fallback = outcome
        return outcome

    def _solve_neighbourhoods(self) -> Exact:
        """Solve a broken team with a few others exactly, everyone else staying, until none is.

        Each neighbourhood keeps its number of teams; one that cannot be fixed is followed by
        another, larger one (up to ``_NEIGHBOURHOOD_TEAMS[-1]`` teams), all within the budget.
        """
        started = time.perf_counter()
        rng = self.rng
        sizes = _NEIGHBOURHOOD_TEAMS
        failures = 0
        while bad := [t for t in self.open if self.violation(t) > 0]:
            left = self.deadline - time.perf_counter()
            if left <= 0:
                return Exact("unknown", seconds=time.perf_counter() - started)
            k = sizes[min(failures, len(sizes) - 1)]
            chosen = [bad[rng.randrange(len(bad))]]
            others = [t for t in self.open if t != chosen[0]]
            rng.shuffle(others)
            # Broken teams first, then teams sharing time with the first one's members.
            others.sort(key=lambda t: (self.violation(t) == 0, -self._overlap(chosen[0], t)))
            chosen += others[: k - 1]
            students = [i for t in chosen for i in self.teams[t]]
            local = {t: j for j, t in enumerate(chosen)}
            outcome = exact.solve(
                [self.course[i] for i in students],
                self.need,
                [self.mask[i] for i in students],
                self.need_slots,
                size_bounds(self.settings),
                [local[self.locked[i]] if self.locked[i] >= 0 else -1 for i in students],
                (),
                (len(chosen), len(chosen)),
                [[students.index(i) for i in self.teams[t]] for t in chosen],
                time_limit=min(left, _NEIGHBOURHOOD_SECONDS),
                seed=self.settings.seed + failures,
            )
            if outcome.status != "found":
                failures += 1
                continue
            # The model keeps pinned teams at their index and orders the others freely.
            for j, members in enumerate(outcome.teams):
                self._set_team(chosen[j], [students[m] for m in members])
            failures = 0
        teams = [list(team) for team in self.teams]
        return Exact("found", teams, time.perf_counter() - started)

    def _overlap(self, a: int, b: int) -> int:
        """Count the slots team ``b``'s shared time has in common with team ``a``'s members'."""
        union = 0
        for i in self.teams[a]:
            union |= self.mask[i]
        return (union & self.shared[b]).bit_count()

    def adopt(self, teams: Sequence[Sequence[int]]) -> None:
        """Take over a plan of student indices that keeps every hard constraint."""
        self.n_teams = len(teams)
        self.open = [t for t in range(self.n_teams) if t not in self.fixed]
        self.caps = [len(team) for team in teams]
        sizes = [self.caps[t] for t in self.open]
        self.lo, self.hi = min([self.lo, *sizes]), max([self.hi, *sizes])
        self.teams = [[] for _ in teams]
        self.cnt = [[0] * len(self.courses) for _ in teams]
        self.shared = [FULL_WEEK] * self.n_teams
        self.scores = [0.0] * self.n_teams
        for t, members in enumerate(teams):
            self._set_team(t, list(members))

    def explain_failure(self, outcome: Exact) -> list[Infeasible]:
        """Say why there is no plan: proved impossible (and which rule), or not found in time.

        A claim that no plan exists is made only on the exact search's proof. The suggested
        shared hours are those of a plan that keeps every other rule, so that they would work.
        """
        bad = [t for t in self.open if self.violation(t) > 0]
        hardest = sorted(
            self.cohort[max(self.teams[t], key=lambda i: self._shared_without(self.teams[t], i))].id
            for t in bad
            if self.teams[t]
        )
        hours = self.settings.min_shared_hours
        witness: Sequence[Sequence[int]] | None = None
        if all(self._missing(t) == 0 for t in self.open):
            witness = self.teams
        if outcome.status == "infeasible" and witness is None:
            # Is it the shared hours, or can the courses not be spread even without them?
            courses_only = self._solve(self._team_counts(), 0)
            if courses_only.status == "found":
                witness = courses_only.teams
            elif courses_only.status == "infeasible":
                return [self._no_valid_plan()]
        if outcome.status == "infeasible" and witness is None:
            return [self._no_valid_plan()]
        suggestion = None
        if witness is not None:
            best = min(
                shared_mask(self.mask[i] for i in team).bit_count() for team in witness if team
            )
            best_minutes = min(best, self.need_slots) * SLOT_MINUTES
            suggestion = (
                Reason("lower_min_shared_hours", {"to": best_minutes / 60})
                if best_minutes
                else Reason("update_availability", {"student_ids": hardest})
            )
        elif hardest:
            suggestion = Reason("update_availability", {"student_ids": hardest})
        if outcome.status == "infeasible":
            params: dict[str, Any] = {"hours": hours, "teams": len(bad)}
            return [Infeasible("shared_hours", tuple(hardest), params, suggestion)]
        params = {"hours": hours, "seconds": round(outcome.seconds, 1)}
        return [Infeasible("not_found", tuple(hardest), params, suggestion)]

    def _no_valid_plan(self) -> Infeasible:
        ids = sorted(self.cohort[i].id for i, t in enumerate(self.locked) if t >= 0)
        suggestion = (
            Reason("unlock_students", {"student_ids": ids})
            if ids
            else Reason("other_team_size", {"to": []})
        )
        return Infeasible("no_valid_plan", tuple(ids), {"teams": self.n_teams}, suggestion)

    # -- the local search

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
            if not improves(ranked, oa, ob, na, nb, rng):
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
