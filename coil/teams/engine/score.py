"""Score and explain teams: the soft criteria (:class:`Scorer`) and :func:`evaluate`."""

from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import combinations

from coil.teams.engine.model import (
    ATTRIBUTE_PREFIX,
    SLOT_MINUTES,
    Reason,
    Result,
    Settings,
    Student,
    TeamReport,
)
from coil.teams.engine.rules import check_hard, course_minimums, shared_mask, utc_intervals


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
    minimums = course_minimums({c: counts.get(c, 0) for c in courses}, settings)
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


def improves(
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
