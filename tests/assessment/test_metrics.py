"""Agreement between raters, checked against cases computed by hand (worked in the comments)."""

from __future__ import annotations

import pytest

from coil.assessment.metrics import agreement, ordinal_alpha, pair_agreement, weighted_kappa

VALUE = [0, 1, 2, 3, 4]


def test_exact_and_adjacent_agreement_count_pairs_of_ratings_of_one_student():
    # student 1: 2 and 2 (exact); student 2: 1 and 3 (two apart); student 3: 3, 4 and 4
    # (pairs 3-4 adjacent, 3-4 adjacent, 4-4 exact); student 4 has one rating and is left out
    ratings = {1: {10: 2, 20: 2}, 2: {10: 1, 20: 3}, 3: {10: 3, 20: 4, 30: 4}, 4: {10: 0}}
    pairs, exact, adjacent = pair_agreement(ratings)
    assert pairs == 5
    assert exact == pytest.approx(2 / 5)  # 2-2 and 4-4
    assert adjacent == pytest.approx(4 / 5)  # all but 1-3


def test_linear_weighted_kappa_matches_the_hand_computed_value():
    # A = [0, 1, 2], B = [0, 2, 2] on the scale 0..2, weights |i - j|.
    # Observed weighted disagreement: (0 + 1 + 0) / 3 = 1/3.
    # Marginals: A 1/3 each; B 0: 1/3, 2: 2/3. Expected: 1/3 * [(0 + 4/3) + (1/3 + 2/3) +
    # (2/3 + 0)] = 1. Kappa = 1 - (1/3) / 1 = 2/3.
    assert weighted_kappa([0, 1, 2], [0, 2, 2], [0, 1, 2]) == pytest.approx(2 / 3)


def test_with_two_levels_weighted_kappa_is_cohens_kappa():
    # A = [1, 1, 2, 2], B = [1, 2, 2, 2]: observed disagreement 1/4; expected
    # 0.5 * 0.75 + 0.5 * 0.25 = 0.5; kappa = 1 - 0.25 / 0.5 = 0.5.
    assert weighted_kappa([1, 1, 2, 2], [1, 2, 2, 2], [1, 2]) == pytest.approx(0.5)


def test_kappa_is_undefined_without_variation():
    assert weighted_kappa([2, 2, 2], [2, 2, 2], VALUE) is None
    assert weighted_kappa([2], [3], VALUE) is None


def test_ordinal_alpha_matches_the_hand_computed_value():
    # Unit 1 rated 1, 1, 1; unit 2 rated 2, 2, 3. Values n1 = 3, n2 = 2, n3 = 1, n = 6.
    # Coincidences: o11 = 3, o22 = 1, o23 = o32 = 1.
    # Ordinal distances: d(1,2) = (3 + 2 - 2.5)^2 = 6.25, d(1,3) = (6 - 2)^2 = 16,
    # d(2,3) = (3 - 1.5)^2 = 2.25.
    # Observed: o23 d + o32 d = 4.5. Expected: 2 (3*2*6.25 + 3*1*16 + 2*1*2.25) = 180.
    # Alpha = 1 - (n - 1) * 4.5 / 180 = 1 - 5 * 4.5 / 180 = 0.875.
    ratings = {1: {10: 1, 20: 1, 30: 1}, 2: {10: 2, 20: 2, 30: 3}}
    assert ordinal_alpha(ratings, [1, 2, 3]) == pytest.approx(0.875)
    # levels of the scale no one used change nothing in the ordinal distances
    assert ordinal_alpha(ratings, VALUE) == pytest.approx(0.875)


def test_perfect_agreement_gives_one():
    ratings = {1: {10: 1, 20: 1, 30: 1}, 2: {10: 3, 20: 3, 30: 3}}
    assert ordinal_alpha(ratings, VALUE) == pytest.approx(1.0)


def test_agreement_uses_kappa_for_two_raters_and_alpha_for_more():
    two = {1: {10: 0, 20: 0}, 2: {10: 1, 20: 2}, 3: {10: 2, 20: 2}, 4: {10: 3}}
    found = agreement(two, [0, 1, 2])
    assert (found.statistic, found.units, found.raters, found.pairs) == ("kappa", 3, 2, 3)
    assert found.value == pytest.approx(2 / 3)  # the hand-computed case above
    assert found.exact == pytest.approx(2 / 3) and found.adjacent == pytest.approx(1.0)
    three = {1: {10: 1, 20: 1, 30: 1}, 2: {10: 2, 20: 2, 30: 3}}
    found = agreement(three, [1, 2, 3])
    assert (found.statistic, found.raters) == ("alpha", 3)
    assert found.value == pytest.approx(0.875)


def test_no_shared_students_means_no_figures():
    found = agreement({1: {10: 2}, 2: {20: 3}}, VALUE)
    assert (found.units, found.pairs, found.exact, found.value) == (0, 0, None, None)
