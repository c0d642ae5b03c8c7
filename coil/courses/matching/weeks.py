"""Weekly segments: runs of local weeks in which a course meets the same way, and their arithmetic.

A prepared course keeps its class meetings as segments ``(first, end, intervals, offsets)``: the
consecutive week indices [first, end) whose meetings fall on the same minutes of the week's frame
(``frames.local_week_meetings``: a week is the week in which the meetings happen
locally, its frame nine days of UTC minutes that both sides of a pair share) with the same UTC
offsets while they run. Here they are built (the only step that calls zoneinfo, through
``frame_offsets``), two courses' segments are walked in step for the minutes they share in each
week, and the best window of consecutive shared teaching weeks is chosen for an exchange.

A week's shared minutes are those of both sides' classes of that week, plus those of one side's
classes of that week with the other side's of the week before, seen 7 days earlier in the same
frame: across the date line a Monday class in Auckland runs with a Sunday class in Honolulu,
which is in Honolulu's week before. Every such pair of classes counts once, in the later week.
Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import NamedTuple

from coil.core.weekly import Offsets, SharedInterval, monday_of_index
from coil.courses.matching.frames import (
    Interval,
    describe_frame,
    frame_offsets,
    offsets_within,
    touched_quarters,
)

WEEK_MINUTES = 7 * 24 * 60  # the frame of week w + 1 starts this many minutes after w's

Segment = tuple[int, int, tuple[Interval, ...], Offsets]
"""Consecutive local weeks [first, end) (week indices) with the same meetings and offsets."""

Sides = tuple[Segment | None, Segment | None]
Span = tuple[int, int, int, Sides, Sides]
"""Weeks [first, end) sharing the same minutes, with each side's segment of such a week and of
the week before it (None: no class)."""


class Window(NamedTuple):
    first: int  # week index of the window's first week
    typical: int  # lower median of shared minutes over the window's weeks
    total: int  # shared minutes over the whole window


def _segments(meetings: Mapping[int, tuple[Interval, ...]], tz: str) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    for week, intervals in meetings.items():
        offsets = offsets_within(
            frame_offsets(tz, monday_of_index(week)), intervals[0][0], intervals[-1][1]
        )
        if segments and segments[-1][1:] == (week, intervals, offsets):
            segments[-1] = (segments[-1][0], week + 1, intervals, offsets)
        else:
            segments.append((week, week + 1, intervals, offsets))
    return tuple(segments)


def _union(segments: Iterable[Segment]) -> int:
    # Every quarter of the frame that a meeting touches in any week, also as seen from the next
    # week's frame (a late Sunday class meets the other side's Monday class there): 15 minutes
    # a shared bit bound the minutes two courses can share in any one week.
    union = 0
    for _, _, intervals, _ in segments:
        union |= touched_quarters(intervals)
        union |= touched_quarters(
            (max(start - WEEK_MINUTES, 0), end - WEEK_MINUTES)
            for start, end in intervals
            if end > WEEK_MINUTES
        )
    return union


def overlap(a: tuple[Interval, ...], b: tuple[Interval, ...], shift: int = 0) -> int:
    """Return the minutes two sorted lists of disjoint intervals share, ``b`` moved by ``shift``."""
    total = 0
    for a_start, a_end in a:
        for b_start, b_end in b:
            b_start += shift
            b_end += shift
            start = a_start if a_start > b_start else b_start
            end = a_end if a_end < b_end else b_end
            if start < end:
                total += end - start
    return total


def intersection(
    a: tuple[Interval, ...], b: tuple[Interval, ...], shift: int = 0
) -> list[Interval]:
    """Return the intervals two sorted lists of disjoint intervals share, ``b`` moved by
    ``shift``, in time order."""
    found = []
    i = j = 0
    while i < len(a) and j < len(b):
        b_start, b_end = b[j][0] + shift, b[j][1] + shift
        start, end = max(a[i][0], b_start), min(a[i][1], b_end)
        if start < end:
            found.append((start, end))
        if a[i][1] <= b_end:
            i += 1
        else:
            j += 1
    return found


def _segment_at(segments: tuple[Segment, ...], week: int) -> Segment | None:
    for segment in segments:
        if segment[0] <= week < segment[1]:
            return segment
    return None


def _minutes(
    a: Segment | None, a_prev: Segment | None, b: Segment | None, b_prev: Segment | None
) -> int:
    # This week's classes together, and one side's classes of this week with the other side's
    # of the week before (seen 7 days earlier in this week's frame).
    minutes = 0
    if a is not None:
        if b is not None:
            minutes += overlap(a[2], b[2])
        if b_prev is not None and b_prev[2][-1][1] - WEEK_MINUTES > a[2][0][0]:
            minutes += overlap(a[2], b_prev[2], -WEEK_MINUTES)
    if b is not None and a_prev is not None and a_prev[2][-1][1] - WEEK_MINUTES > b[2][0][0]:
        minutes += overlap(b[2], a_prev[2], -WEEK_MINUTES)
    return minutes


def _spans(sa: tuple[Segment, ...], sb: tuple[Segment, ...], lo: int, hi: int) -> list[Span]:
    # Every week of [lo, hi) exactly once: stretches in which both sides keep their segment, and
    # their segment of the week before (or have none, which shares 0 minutes), in week order.
    cuts = {lo, hi}
    for segments in (sa, sb):
        for first, end, _, _ in segments:
            for cut in (first, end, first + 1, end + 1):
                if lo < cut < hi:
                    cuts.add(cut)
    ordered = sorted(cuts)
    spans: list[Span] = []
    for first, end in pairwise(ordered):
        a, b = _segment_at(sa, first), _segment_at(sb, first)
        a_prev, b_prev = _segment_at(sa, first - 1), _segment_at(sb, first - 1)
        spans.append((first, end, _minutes(a, a_prev, b, b_prev), (a, a_prev), (b, b_prev)))
    return spans


def shared_by_week(sa: tuple[Segment, ...], sb: tuple[Segment, ...], lo: int, hi: int) -> list[int]:
    """Return the minutes the two courses share in each week of [lo, hi), in week order."""
    found: list[int] = []
    for first, end, minutes, _, _ in _spans(sa, sb, lo, hi):
        found += [minutes] * (end - first)
    return found


def shared_times(span: Span) -> list[SharedInterval]:
    """Return the shared class time of a week of ``span`` as local times on both sides, in time
    order; a class that runs on across the edge of a local week stays one interval."""
    week, _, _, (a, a_prev), (b, b_prev) = span
    monday = monday_of_index(week)
    found: list[SharedInterval] = []
    if a is not None and b is not None:
        found += describe_frame(intersection(a[2], b[2]), a[3], b[3], monday)
    if a is not None and b_prev is not None:
        pieces = intersection(a[2], b_prev[2], -WEEK_MINUTES)
        found += describe_frame(pieces, a[3], _shifted(b_prev[3]), monday)
    if b is not None and a_prev is not None:
        pieces = intersection(b[2], a_prev[2], -WEEK_MINUTES)
        found += describe_frame(pieces, _shifted(a_prev[3]), b[3], monday)
    found.sort(key=lambda item: item.utc_start)
    merged: list[SharedInterval] = []
    for item in found:
        if merged and merged[-1].utc_end == item.utc_start:
            last = merged[-1]
            merged[-1] = SharedInterval(
                last.utc_start, item.utc_end, last.a_start, item.a_end, last.b_start, item.b_end
            )
        else:
            merged.append(item)
    return merged


def _shifted(offsets: Offsets) -> Offsets:
    return tuple((minute - WEEK_MINUTES, offset) for minute, offset in offsets)


def best_window(
    sa: tuple[Segment, ...],
    sb: tuple[Segment, ...],
    blocks: Iterable[tuple[int, int]],
    need: int,
) -> Window:
    """Return the best window of ``need`` consecutive weeks inside one of ``blocks``.

    ``blocks`` are (first week index, length) of unbroken runs of shared teaching weeks, in
    week order, each at least ``need`` long. Best means the most typical shared minutes (the
    lower median over the window's weeks, a week without a class on either side counting 0),
    then the most shared minutes in all, then the earliest.
    """
    best: Window | None = None
    k = (need - 1) // 2
    for lo, length in blocks:
        spans = _spans(sa, sb, lo, lo + length)
        if all(span[2] == spans[0][2] for span in spans):
            candidate = Window(lo, spans[0][2], spans[0][2] * need)
            if best is None or candidate[1:] > best[1:]:
                best = candidate
            continue
        weeks: list[int] = []
        for first, end, minutes, _, _ in spans:
            weeks += [minutes] * (end - first)
        total = sum(weeks[:need])
        for start in range(length - need + 1):
            if start:
                total += weeks[start + need - 1] - weeks[start - 1]
            typical = sorted(weeks[start : start + need])[k]
            if best is None or (typical, total) > best[1:]:
                best = Window(lo + start, typical, total)
    if best is None:
        raise ValueError("no block holds the window")
    return best


def window_spans(
    sa: tuple[Segment, ...], sb: tuple[Segment, ...], first: int, need: int
) -> list[Span]:
    """Return the spans of the window [first, first + need): every week once, in order."""
    return _spans(sa, sb, first, first + need)
