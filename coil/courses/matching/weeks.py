"""Weekly segments: runs of UTC weeks in which a course meets the same way, and their arithmetic.

A prepared course keeps its class meetings as segments ``(first, end, mask, offsets)``: the
consecutive week indices [first, end) that share one UTC quarter-hour mask and one set of UTC
offsets. Here they are built from per-week masks (the only step that calls zoneinfo, through
``week_offsets``), and two courses' segments are walked in step for the minutes they share.
Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from coil.core.weekly import QUARTER_MINUTES, Offsets, monday_of_index, week_offsets

Segment = tuple[int, int, int, Offsets]
"""Consecutive UTC weeks [first, end) (week indices) with the same meeting mask and offsets."""


def _segments(masks: Mapping[int, int], tz: str) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    for week, mask in masks.items():
        offsets = week_offsets(tz, monday_of_index(week))
        if segments and segments[-1][1:] == (week, mask, offsets):
            segments[-1] = (segments[-1][0], week + 1, mask, offsets)
        else:
            segments.append((week, week + 1, mask, offsets))
    return tuple(segments)


def _union(segments: Iterable[Segment]) -> int:
    union = 0
    for _, _, mask, _ in segments:
        union |= mask
    return union


def _typical_shared(sa: tuple[Segment, ...], sb: tuple[Segment, ...], lo: int, hi: int) -> int:
    # Weighted lower median of shared minutes over the weeks in [lo, hi) where both meet.
    items = []
    i = j = 0
    while i < len(sa) and j < len(sb):
        a_first, a_end, a_mask, _ = sa[i]
        b_first, b_end, b_mask, _ = sb[j]
        first = max(a_first, b_first, lo)
        end = min(a_end, b_end, hi)
        if first < end:
            items.append(((a_mask & b_mask).bit_count(), end - first))
        if a_end <= b_end:
            i += 1
        else:
            j += 1
    if not items:
        return 0
    if len(items) > 1:
        items.sort()
        k = (sum(weeks for _, weeks in items) - 1) // 2
        for quarters, weeks in items:
            if k < weeks:
                return quarters * QUARTER_MINUTES
            k -= weeks
    return items[0][0] * QUARTER_MINUTES


def _shared_spans(
    sa: tuple[Segment, ...], sb: tuple[Segment, ...], lo: int, hi: int
) -> list[tuple[int, int, int, int, Offsets, Offsets]]:
    # (first week, end week, shared minutes, shared mask, offsets of a, offsets of b) for each
    # stretch of weeks in [lo, hi) in which both courses meet the same way.
    spans = []
    i = j = 0
    while i < len(sa) and j < len(sb):
        a_first, a_end, a_mask, a_offsets = sa[i]
        b_first, b_end, b_mask, b_offsets = sb[j]
        first, end = max(a_first, b_first, lo), min(a_end, b_end, hi)
        if first < end:
            shared = a_mask & b_mask
            minutes = shared.bit_count() * QUARTER_MINUTES
            spans.append((first, end, minutes, shared, a_offsets, b_offsets))
        if a_end <= b_end:
            i += 1
        else:
            j += 1
    return spans
