"""Pure arithmetic over figures the database already summed: shares and the Gini coefficient."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def gini(values: Sequence[float]) -> float | None:
    """Return the Gini coefficient of ``values`` (0: all equal; (n-1)/n: one holds all).

    The population form, mean absolute difference over twice the mean:
    ``sum_i sum_j |x_i - x_j| / (2 n^2 mean)``, computed in O(n log n) from the sorted values.
    None when there is nothing to share (no values, or all zero).
    """
    n = len(values)
    total = float(sum(values))
    if n == 0 or total <= 0:
        return None
    ordered = sorted(float(value) for value in values)
    # sum_i sum_j |x_i - x_j| = 2 * sum_i (2i - n + 1) x_(i) for 0-based sorted x
    weighted = sum((2 * i - n + 1) * value for i, value in enumerate(ordered))
    return (2 * weighted) / (2 * n * total)


def shares(counts: Mapping[int, float]) -> dict[int, float]:
    """Return each key's share of the total (all 0.0 when the total is 0)."""
    total = float(sum(counts.values()))
    return {key: (value / total if total else 0.0) for key, value in counts.items()}


def rate(part: float, whole: float) -> float | None:
    """Return ``part / whole``, or None when there is no whole."""
    return part / whole if whole else None
