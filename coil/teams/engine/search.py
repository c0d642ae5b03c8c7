"""Form teams: :func:`form_teams` checks the input, then lets the local search (``improve``)
maximise the worst team's score."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence

from coil.teams.engine.diagnose import language_exclusions, plan_sizes, precheck, validate
from coil.teams.engine.improve import Engine, infeasible_result
from coil.teams.engine.model import (
    Result,
    Settings,
    Student,
)
from coil.teams.engine.score import evaluate


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
    cohorts, never below 3), with fewer, larger teams where a course needs them for its minimum
    (:func:`course_minimums`). ``locked`` pins students to team indices; a team index listed in
    ``fixed_teams`` is closed: it holds exactly its locked members. Students below the working
    language level are left out and listed in ``excluded``.

    When the repair leaves a hard constraint broken, the exact search (:mod:`.exact`) gets the
    rest of the budget: it finds a plan, proves that none exists, or runs out of time, and the
    diagnoses say which (``stats["exact"]``: "found", "infeasible", "unknown"; "" when it did not
    run). No diagnosis claims that no plan exists without a proof, by arithmetic or by the solver.
    The search stops at the time budget (counted from the call), the iteration limit, or when it
    stalls; ``stats["stopped_by"]`` says which. The result depends only on the inputs and the seed
    unless it was the time budget.
    """
    started = time.perf_counter()
    locked = dict(locked or {})
    validate(students, courses, settings, locked, fixed_teams)
    excluded = language_exclusions(students, settings)
    out_ids = {sid for item in excluded for sid in item.student_ids}
    cohort = [s for s in students if s.id not in out_ids]
    locked = {sid: t for sid, t in locked.items() if sid not in out_ids}
    plan = plan_sizes(cohort, courses, settings, locked, set(fixed_teams))
    if isinstance(plan, list):
        return infeasible_result(excluded, plan)
    diagnoses = precheck(cohort, courses, settings, locked, plan)
    if diagnoses:
        return infeasible_result(excluded, diagnoses)
    engine = Engine(cohort, courses, settings, locked, plan, started + time_budget)
    engine.construct()
    # Leave the exact search time in case the repair fails: half the budget where it models the
    # whole cohort (and can prove), a fifth where it repairs large ones by neighbourhoods.
    share = 0.5 if engine.whole_model() else 0.8
    engine.repair(until=started + share * time_budget)
    if engine.total_violation() > 0:
        # The repair is a heuristic: whether a plan exists is for the exact search to say.
        outcome = engine.solve_exactly()
        if outcome.status != "found":
            diagnoses = engine.explain_failure(outcome)
            return infeasible_result(excluded, diagnoses, engine.stats(started))
        engine.adopt(outcome.teams)
    engine.optimise(max_iterations)
    teams = [[cohort[i].id for i in team] for team in engine.teams]
    result = evaluate(teams, cohort, courses, settings, scorer=engine.scorer)
    stats = engine.stats(started)
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
