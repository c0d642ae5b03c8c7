"""The Gini coefficient and shares against hand-computed cases."""

from __future__ import annotations

from itertools import product

import pytest

from coil.engagement.metrics import gini, rate, shares


def brute_gini(values: list[float]) -> float:
    n, total = len(values), sum(values)
    return sum(abs(a - b) for a, b in product(values, values)) / (2 * n * total)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5, 5, 5, 5], 0.0),
        ([0, 0, 0, 4], 0.75),  # one of four holds all: (n - 1) / n
        ([0, 10], 0.5),
        ([1, 3], 0.25),  # |1-3| * 2 / (2 * 4 * 2)
        ([12, 0, 2, 1], 74 / 120),
        ([7], 0.0),
    ],
)
def test_gini_matches_hand_computed_cases(values, expected):
    assert gini(values) == pytest.approx(expected)


def test_gini_matches_the_definition_on_uneven_teams():
    for values in ([3, 1, 4, 1, 5], [9, 2, 6], [1, 1, 1, 1, 20], [0, 0, 1]):
        assert gini(values) == pytest.approx(brute_gini(values))


def test_gini_without_anything_to_share_is_none():
    assert gini([]) is None
    assert gini([0, 0, 0]) is None


def test_shares_and_rate():
    assert shares({1: 3, 2: 1}) == {1: 0.75, 2: 0.25}
    assert shares({1: 0, 2: 0}) == {1: 0.0, 2: 0.0}
    assert rate(9, 12) == 0.75
    assert rate(0, 0) is None
