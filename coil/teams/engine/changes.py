"""Adjust formed teams: place a late joiner, rebalance after a drop-out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from coil.teams.engine.model import Move, Placement, Rebalance, Settings, Student, Violation
from coil.teams.engine.rules import check_hard, course_minimums, team_violations
from coil.teams.engine.score import Scorer


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
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, settings)
    options = []
    for t, team in enumerate(grown):
        if not team:
            continue
        members = [by_id[sid] for sid in team if sid in by_id] + [new_student]
        issues = team_violations(t, members, courses, minimums, settings)
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
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, settings)

    def issues(t: int, team: Sequence[int]) -> list[Violation]:
        if not team:
            return []
        members = [by_id[sid] for sid in team]
        return team_violations(t, members, courses, minimums, settings)

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
