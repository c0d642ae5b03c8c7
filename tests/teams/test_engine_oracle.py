"""Team formation against an independent oracle: an exhaustive search written from the rules.

The oracle shares no code with the engine (only its input types): it restates the hard
constraints from DOMAIN.md and the engine's documentation, and enumerates every split of a small
cohort into teams. Whenever it finds a plan, ``form_teams`` must return one; whenever
``form_teams`` says that no plan exists, the oracle must agree.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Sequence
from functools import cache
from itertools import combinations
from unittest import mock

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coil.teams.engine.build import TeamBuilder
from coil.teams.engine.model import Settings, Student
from coil.teams.engine.search import form_teams

LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]
DAY = 96  # quarter hours
# Claims that no plan exists (all but "not_found", which says the search ran out of time).
IMPOSSIBLE = {
    "cohort_too_small",
    "team_size_split",
    "course_too_small",
    "no_common_time",
    "availability_too_low",
    "no_shared_hours_with_course",
    "shared_hours",
    "no_valid_plan",
}


class Rules:
    """The hard constraints, restated: sizes, students per course, language, shared time."""

    def __init__(self, students: Sequence[Student], courses: Sequence[int], conf: Settings):
        floor = LEVELS.index(conf.min_level)
        self.placeable = [s for s in students if LEVELS.index(s.languages["en"]) >= floor]
        self.courses = list(courses)
        self.low, self.high = max(3, conf.team_size - 1), conf.team_size + 1
        self.slots = math.ceil(conf.min_shared_hours * 4 - 1e-9)
        n = len(self.placeable)
        # Two per team from a class that has two for each of the fewest teams possible.
        fewest = max(1, -(-n // self.high))
        have = Counter(s.course_id for s in self.placeable)
        self.fewest = fewest
        self.minimum = {c: 2 if have[c] >= 2 * fewest else 1 for c in courses}

    def team_ok(self, team: Sequence[Student]) -> bool:
        if not self.low <= len(team) <= self.high:
            return False
        have = Counter(s.course_id for s in team)
        if any(have[c] < self.minimum[c] for c in self.courses):
            return False
        together = (1 << (7 * DAY)) - 1
        for s in team:
            together &= s.availability
        return bin(together).count("1") >= self.slots

    def plan_ok(self, plan: Sequence[Sequence[int]]) -> bool:
        by_id = {s.id: s for s in self.placeable}
        placed = [sid for team in plan for sid in team]
        if sorted(placed) != sorted(by_id):
            return False
        return all(self.team_ok([by_id[sid] for sid in team]) for team in plan)

    def find_plan(self) -> list[list[int]] | None:
        """Enumerate the splits into teams (the first unplaced student's team first)."""
        people = self.placeable
        if not people:
            return None  # nobody to place is no plan

        @cache
        def search(left: frozenset[int]) -> tuple[tuple[int, ...], ...] | None:
            if not left:
                return ()
            first, *rest = sorted(left)
            for size in range(self.low, self.high + 1):
                for mates in combinations(rest, size - 1):
                    team = (first, *mates)
                    if self.team_ok([people[k] for k in team]):
                        found = search(left - set(team))
                        if found is not None:
                            return (team, *found)
            return None

        found = search(frozenset(range(len(people))))
        if found is None:
            return None
        return [[people[k].id for k in team] for team in found]


@st.composite
def small_cohorts(draw):
    """Draw 6 to 12 students of 2 or 3 courses, free in a few overlapping windows of two days."""
    n_courses = draw(st.integers(2, 3))
    courses = list(range(1, n_courses + 1))
    students = []
    for sid in range(1, draw(st.integers(6, 12)) + 1):
        mask = 0
        for _ in range(draw(st.integers(2, 4))):
            # From 8:00 to 11:00 by half hours, for 1.5, 2 or 3 hours, on Monday or Tuesday.
            start = draw(st.sampled_from([0, DAY])) + draw(st.sampled_from(range(32, 45, 2)))
            mask |= ((1 << draw(st.sampled_from([6, 8, 12]))) - 1) << start
        students.append(
            Student(
                id=sid,
                course_id=draw(st.sampled_from(courses)),
                country=draw(st.sampled_from(["ZA", "ID", "NL"])),
                languages={"en": draw(st.sampled_from(["A2", "B2", "C1", "C1", "C1"]))},
                availability=mask,
            )
        )
    conf = Settings(
        team_size=draw(st.integers(3, 4)),
        min_level="B1",
        min_shared_hours=draw(st.sampled_from([0.0, 1.0, 1.0, 1.5])),
        seed=draw(st.integers(0, 3)),
    )
    return students, courses, conf


@settings(
    max_examples=800,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(small_cohorts(), st.booleans())
def test_form_teams_finds_a_plan_whenever_one_exists_and_claims_only_the_truth(case, no_repair):
    students, courses, conf = case
    rules = Rules(students, courses, conf)
    expected = rules.find_plan()
    # The repair rarely fails on cohorts this small; without it the exact search runs often.
    skip = mock.patch.object(TeamBuilder, "repair", return_value=None)
    with skip if no_repair else contextlib.nullcontext():
        result = form_teams(students, courses, conf, time_budget=30, max_iterations=300)
    event("a plan exists" if expected is not None else "no plan exists")
    event(f"exact search: {result.stats.get('exact') or 'not needed'}")
    excluded = {sid for item in result.excluded for sid in item.student_ids}
    assert excluded == {s.id for s in students} - {s.id for s in rules.placeable}
    if expected is not None:
        assert result.ok, (result.infeasible, expected)
    if result.teams:
        assert rules.plan_ok(result.teams)
        by_id = {s.id: s for s in rules.placeable}
        have = Counter(s.course_id for s in rules.placeable)
        for report in result.reports:
            for reason in report.reasons:
                if reason.code == "alone_from_course":
                    # True: the class cannot give two to each of the fewest possible teams.
                    assert all(have[c] < 2 * rules.fewest for c in reason.params["course_ids"])
                    for sid in reason.params["student_ids"]:
                        assert sid in report.members and by_id[sid].course_id in have
    else:
        assert result.infeasible
        # Small cohorts never run out of time, so every diagnosis is a claim: check it.
        assert {item.constraint for item in result.infeasible} <= IMPOSSIBLE
        assert expected is None


def test_the_oracle_finds_the_obvious_plan_and_rejects_the_impossible():
    free = ((1 << 8) - 1) << (8 * 4)
    students = [
        Student(i, 1 + (i > 4), "ZA", {"en": "B2"}, free if i != 8 else free << 40)
        for i in range(1, 9)
    ]
    conf = Settings(team_size=4, min_shared_hours=1.0)
    assert Rules(students[:7], [1, 2], conf).find_plan() is not None
    # Student 8 is never free with anyone: no plan holds them.
    assert Rules(students, [1, 2], conf).find_plan() is None
