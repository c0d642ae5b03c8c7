"""Agreement between raters on an ordinal scale: exact and adjacent agreement, Cohen's kappa
with linear weights (two raters) and Krippendorff's alpha for ordinal data (more raters).

Pure functions over plain data: ``ratings`` maps each rated unit (a student) to the levels
its raters gave, by rater. Units rated by fewer than two raters tell nothing about agreement
and are left out. Kappa comes from scikit-learn and alpha from the ``krippendorff`` package.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

Ratings = Mapping[int, Mapping[int, int]]  # unit -> rater -> level


@dataclass(frozen=True)
class Agreement:
    """How far raters agree on one dimension.

    ``pairs`` is the number of pairs of ratings of the same unit; ``exact`` and ``adjacent``
    the share of those pairs equal, or at most one level apart. ``statistic`` names the
    chance-corrected figure (``kappa`` for two raters, ``alpha`` for more) and ``value`` holds
    it, None when it is undefined (too few units, or no variation at all).
    """

    units: int
    raters: int
    pairs: int
    exact: float | None
    adjacent: float | None
    statistic: str
    value: float | None


def _shared(ratings: Ratings) -> dict[int, Mapping[int, int]]:
    return {unit: by_rater for unit, by_rater in ratings.items() if len(by_rater) >= 2}


def pair_agreement(ratings: Ratings) -> tuple[int, float | None, float | None]:
    """Return the number of rating pairs and the shares of exact and adjacent agreement."""
    pairs = exact = adjacent = 0
    for by_rater in _shared(ratings).values():
        for a, b in combinations(by_rater.values(), 2):
            pairs += 1
            exact += a == b
            adjacent += abs(a - b) <= 1
    if not pairs:
        return 0, None, None
    return pairs, exact / pairs, adjacent / pairs


def weighted_kappa(
    first: Sequence[int], second: Sequence[int], scale: Sequence[int]
) -> float | None:
    """Return Cohen's kappa with linear weights for two raters' levels of the same units."""
    if len(first) < 2 or len(set(first) | set(second)) < 2:
        return None  # no variation: chance agreement is total and kappa is undefined
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from sklearn.metrics import cohen_kappa_score  # SciPy: loaded when first needed

        value = cohen_kappa_score(first, second, labels=list(scale), weights="linear")
    return None if math.isnan(value) else float(value)


def ordinal_alpha(ratings: Ratings, scale: Sequence[int]) -> float | None:
    """Return Krippendorff's alpha for ordinal data over raters x units (missing allowed)."""
    shared = _shared(ratings)
    raters = sorted({rater for by_rater in shared.values() for rater in by_rater})
    units = sorted(shared)
    values = {level for by_rater in shared.values() for level in by_rater.values()}
    if len(units) < 1 or len(values) < 2:
        return None
    data = np.full((len(raters), len(units)), np.nan)
    for column, unit in enumerate(units):
        for rater, level in shared[unit].items():
            data[raters.index(rater), column] = level
    import krippendorff  # loaded when first needed, as scikit-learn above

    value = krippendorff.alpha(
        reliability_data=data, level_of_measurement="ordinal", value_domain=list(scale)
    )
    return None if math.isnan(value) else float(value)


def agreement(ratings: Ratings, scale: Sequence[int]) -> Agreement:
    """Measure agreement on one dimension: kappa when exactly two raters rated, else alpha."""
    shared = _shared(ratings)
    raters = sorted({rater for by_rater in shared.values() for rater in by_rater})
    pairs, exact, adjacent = pair_agreement(shared)
    if len(raters) == 2:
        a, b = raters
        both = [u for u in sorted(shared) if a in shared[u] and b in shared[u]]
        value = weighted_kappa([shared[u][a] for u in both], [shared[u][b] for u in both], scale)
        return Agreement(len(shared), 2, pairs, exact, adjacent, "kappa", value)
    value = ordinal_alpha(shared, scale) if raters else None
    return Agreement(len(shared), len(raters), pairs, exact, adjacent, "alpha", value)
