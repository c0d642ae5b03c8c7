"""CATME-style exceptional conditions in peer evaluations, plus a contrast with the ledger.

Pure functions over plain data. ``given`` maps (rater, ratee) to the mean of the five
dimensions the rater gave the ratee; ``own`` maps a rater to the mean of their self-rating;
``recorded`` maps a student to the number of participation events the ledger holds for them.

- overconfident: their self-rating is at least ``GAP`` above the mean their teammates gave;
- low performer: teammates rate them at most ``LOW`` on average;
- ledger contrast: teammates rate them at least ``HIGH`` while the ledger holds at most
  ``FEW`` events of theirs;
- disagreement (a team): teammates' ratings of one member lie ``SPREAD`` or more apart;
- clique (a team): the team splits into two groups of two or more whose members rate everyone
  of their own group at least ``HIGH`` and everyone of the other group at most ``LOW_CROSS``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

GAP = 1.0
LOW = 2.5
HIGH = 4.0
FEW = 2
SPREAD = 2.0
LOW_CROSS = 3.0

Given = Mapping[tuple[int, int], float]


@dataclass(frozen=True)
class Flag:
    """One condition: its code, the student or team it is about, and the figures behind it."""

    code: str  # overconfident | low_performer | ledger_contrast | disagreement | clique
    team: int
    student: int | None = None
    figures: dict[str, float] = field(default_factory=dict)
    groups: tuple[tuple[int, ...], ...] = ()


def received(given: Given, ratee: int) -> list[float]:
    """Return the means teammates gave ``ratee`` (never their own)."""
    return [score for (rater, who), score in given.items() if who == ratee and rater != ratee]


def _average(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def student_flags(
    team: int,
    members: Sequence[int],
    given: Given,
    own: Mapping[int, float],
    recorded: Mapping[int, int],
) -> list[Flag]:
    """Flag the members of one team who look overconfident, low performing, or rated highly
    with (almost) nothing in the ledger."""
    flags = []
    for student in members:
        scores = received(given, student)
        if not scores:
            continue
        peers = round(_average(scores), 2)
        if student in own and own[student] - peers >= GAP:
            flags.append(
                Flag("overconfident", team, student, {"self": own[student], "peers": peers})
            )
        if peers <= LOW:
            flags.append(Flag("low_performer", team, student, {"peers": peers}))
        events = recorded.get(student, 0)
        if peers >= HIGH and events <= FEW:
            flags.append(Flag("ledger_contrast", team, student, {"peers": peers, "events": events}))
    return flags


def disagreement(team: int, members: Sequence[int], given: Given) -> Flag | None:
    """Flag the team when teammates' ratings of one member lie ``SPREAD`` or more apart."""
    spreads = {}
    for student in members:
        scores = received(given, student)
        if len(scores) >= 2:
            spreads[student] = max(scores) - min(scores)
    if not spreads or max(spreads.values()) < SPREAD:
        return None
    worst = max(spreads, key=lambda s: spreads[s])
    return Flag("disagreement", team, worst, {"spread": round(spreads[worst], 2)})


def clique(team: int, members: Sequence[int], given: Given) -> Flag | None:
    """Find a split of the team into two groups that rate inside high and across low."""
    people = sorted(members)
    if len(people) < 4:
        return None
    first, rest = people[0], people[1:]
    for size in range(1, len(rest)):
        for others in combinations(rest, size):
            one = (first, *others)
            two = tuple(p for p in people if p not in one)
            if len(two) < 2 or not _splits(one, two, given):
                continue
            return Flag("clique", team, groups=(one, two))
    return None


def _splits(one: Sequence[int], two: Sequence[int], given: Given) -> bool:
    seen = False
    for group, other in ((one, two), (two, one)):
        for rater in group:
            for ratee in group:
                if rater != ratee and (rater, ratee) in given:
                    seen = True
                    if given[rater, ratee] < HIGH:
                        return False
            for ratee in other:
                if (rater, ratee) in given and given[rater, ratee] > LOW_CROSS:
                    return False
    return seen and any((r, e) in given for r in one for e in two)


def team_flags(
    team: int,
    members: Sequence[int],
    given: Given,
    own: Mapping[int, float],
    recorded: Mapping[int, int],
) -> list[Flag]:
    """Return every flag of one team: its students' and the team's own."""
    flags = student_flags(team, members, given, own, recorded)
    flags += [f for f in (disagreement(team, members, given), clique(team, members, given)) if f]
    return flags
