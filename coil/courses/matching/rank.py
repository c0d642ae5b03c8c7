"""Rank partner courses for a COIL exchange: hard constraints, weighted scores, explanations.

Pure logic over plain dataclasses: no Flask, no database. The flow is

1. ``prepare(profile)`` once per course profile, whenever it changes. The result holds what
   ranking needs (teaching weeks as bits, class meetings to the minute per local week) and can
   be stored with ``dump`` / ``load``.
2. The SQL layer keeps open courses of other institutions that ``prefilter_bounds(target)``
   allows (date range and a shared working language): cheap, indexable, never too strict.
3. ``rank(target, candidates, limit=20)`` drops candidates that fail a hard constraint and
   orders the rest by a 0..100 score; ``explain_exclusion`` says why one course was dropped.
   No zoneinfo call happens here: local times in explanations come from UTC offsets that
   ``prepare`` stored. With a limit, ``coil.courses.matching.bounds`` bounds every candidate's score
   at once with NumPy; candidates are then scored exactly, best bound first, until no bound
   can reach the current top. The result is the same as scoring every candidate.

Weeks. A week is a calendar week (Monday to Sunday) in each course's own zone, named by its
Monday; a course teaches in it when it has at least ``MIN_TEACHING_DAYS`` teaching weekdays
(in its term, outside its blocked periods). A shared teaching week is one both courses teach in.
Its shared class time is the time during which a meeting of one course runs together with a
meeting of the other, where the later of the two meetings' local weeks is this week: usually
both meet in the same local week, but across the date line a Monday class in Auckland runs with
a Sunday class in Honolulu, and counts in Monday's week. Meetings on blocked days, outside the
term or in weeks that are not teaching weeks do not happen. All of it is exact to the minute.
Shared teaching weeks fall into blocks: unbroken runs of consecutive weeks. A week that either
course does not teach (holiday, exam block, outside its term) ends a block: teams that wait a
week for the other class lose the thread, so an exchange runs inside one block.

Hard constraints: another institution; the institutions have not blocked each other; a shared
working language (the pair's required level is the stricter of the two courses' minimums); a
block at least as long as the target's wanted exchange.

The window. Every block that can hold the exchange is considered, and in them every window of
the wanted number of consecutive weeks; the best window has the most typical shared minutes
(the lower median over its weeks, a week in which either side has no class counting 0), then
the most shared minutes in all, then is the earliest. The reasons name the shared teaching
weeks (all of them, in blocks), the chosen window, and the shared time within that window.

The score is the weighted mean of the components in ``WEIGHTS``, each 0..1, over the components
that apply (a target that names no SDGs is not scored on SDGs):

- ``sync`` (30): typical shared class minutes a week over the best window, divided by the
  minutes the target wants, capped at 1. Zero shared minutes is allowed (asynchronous
  collaboration only) and scores 0. Does not apply when the target wants no live hours.
- ``discipline`` (20): ISCED-F relation; same detailed 1, same narrow 0.75, same broad 0.5,
  different 0 when the target wants the same discipline, reversed when it wants a different one.
  Does not apply for "any".
- ``level`` (15): 1 - |EQF difference| / 3.
- ``size`` (10): smaller class / larger class.
- ``outcomes`` (10): Jaccard overlap of learning-outcome tags. Applies when the target has tags.
- ``geo`` (10): a preferred country of the target 1, a preferred region 0.9; otherwise diversity:
  another M49 region 0.7, same region 0.4, same country 0.
- ``sdgs`` (5): Jaccard overlap of SDGs. Applies when the target names SDGs.

Ranking is target-relative (its wanted weeks, hours, discipline and places); the components that
do not depend on those (shared minutes, size, level, SDG and tag overlap, region diversity) are
symmetric.

This module holds the hard constraints, the score and ``rank``. The engine's other parts live
beside it: ``coil.courses.matching.profile`` (``CourseProfile``, ``prepare``, ``dump``, ``load``),
``coil.courses.matching.weeks`` (shared minutes over weekly segments) and
``coil.courses.matching.verdicts`` (``Match``, its reasons, and ``explain_exclusion``).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import NamedTuple

from coil.core.weekly import MIN_TEACHING_DAYS, QUARTER_MINUTES, monday_of_index, runs
from coil.courses.matching.bounds import descending, upper_bounds
from coil.courses.matching.profile import Prepared
from coil.courses.matching.verdicts import Match, _blocked_partners, _match, _Scored
from coil.courses.matching.weeks import best_window

WEIGHTS: Mapping[str, int] = MappingProxyType(
    {"sync": 30, "discipline": 20, "level": 15, "size": 10, "outcomes": 10, "geo": 10, "sdgs": 5}
)
_DISCIPLINE_SCORES: Mapping[str, tuple[float, float, float, float]] = MappingProxyType(
    # same detailed, same narrow, same broad, different
    {"same": (1.0, 0.75, 0.5, 0.0), "different": (0.0, 0.25, 0.5, 1.0)}
)
GEO_PREFERRED_COUNTRY, GEO_PREFERRED_REGION = 1.0, 0.9
GEO_OTHER_REGION, GEO_SAME_REGION, GEO_SAME_COUNTRY = 0.7, 0.4, 0.0
_MAX_EQF_GAP = 3  # EQF 5 against 8
_MIN_DAYS = MIN_TEACHING_DAYS


class PrefilterBounds(NamedTuple):
    earliest_last_day: date  # a candidate must not end before this day
    latest_first_day: date  # nor start after this one
    languages: frozenset[str]  # and must share one of these working languages


def prefilter_bounds(target: Prepared) -> PrefilterBounds | None:
    """Return the bounds a database query can apply before ranking (None: nothing can match).

    None means the target has no run of teaching weeks as long as its own exchange. The bounds
    are necessary, never sufficient: every candidate ``rank`` keeps satisfies ``last_day >=
    earliest_last_day`` and ``first_day <= latest_first_day``, and shares a language.
    """
    need = target.exchange_weeks
    long_runs = [
        (start, end - start) for start, end in runs(target.teaching) if end - start >= need
    ]
    if not long_runs:
        return None
    # The shared run's last week must be a teaching week of the candidate too, so the candidate
    # teaches at least MIN_TEACHING_DAYS weekdays in it: it cannot end before that many days
    # into the earliest possible last week, nor start later than that many days before the
    # Friday of the latest possible first week.
    first_start = long_runs[0][0]
    last_start, last_length = long_runs[-1]
    earliest_end_week = monday_of_index(target.week0 + first_start + need - 1)
    latest_start_week = monday_of_index(target.week0 + last_start + last_length - need)
    return PrefilterBounds(
        earliest_end_week + timedelta(days=_MIN_DAYS - 1),
        latest_start_week + timedelta(days=5 - _MIN_DAYS),
        target.language_set,
    )


def _score_all(
    target: Prepared,
    candidates: Iterable[Prepared],
    blocked: frozenset[int],
    limit: int | None,
) -> list[_Scored]:
    # The hot loop. Everything the target contributes is hoisted into locals; each candidate
    # costs a few set and int operations on its prepared form. With a limit, the loop keeps the
    # best ``limit`` so far in a heap and skips the costliest step (the shared minutes) for a
    # candidate whose score could not reach the heap even with full sync marks.
    t_inst, t_langs, need = target.institution_id, target.language_set, target.exchange_weeks
    t_week0, t_teaching, t_segments = target.week0, target.teaching, target.segments
    wanted, t_students, t_eqf = target.sync_minutes, target.students, target.eqf
    discipline = _DISCIPLINE_SCORES.get(target.discipline_preference) if target.broad else None
    t_detailed, t_narrow, t_broad = target.detailed, target.narrow, target.broad
    t_sdgs, t_tags, n_tags = target.sdgs, target.tags, len(target.tags)
    t_country, t_region = target.country, target.region
    pref_countries, pref_regions = target.preferred_countries, target.preferred_regions
    w_sync, w_discipline, w_level = WEIGHTS["sync"], WEIGHTS["discipline"], WEIGHTS["level"]
    w_size, w_outcomes, w_geo, w_sdgs = (
        WEIGHTS["size"],
        WEIGHTS["outcomes"],
        WEIGHTS["geo"],
        WEIGHTS["sdgs"],
    )
    base_weight = w_level + w_size + w_geo + (w_sync if wanted else 0)
    base_weight += (w_outcomes if t_tags else 0) + (w_sdgs if t_sdgs else 0)
    scored: list[_Scored] = []
    heap: list[tuple[float, int, int, _Scored]] = []  # (raw, -id, seq): the worst on top
    seq = itertools.count()  # keeps heap entries comparable when ids repeat
    floor = -1.0  # a candidate must be able to reach this raw score to matter
    bounds = prefilter_bounds(target)
    if bounds is None:
        return []
    earliest_last, latest_first = bounds.earliest_last_day, bounds.latest_first_day
    t_union = target.meeting_union
    for c, bound in _in_bound_order(target, candidates, limit, discipline, bounds):
        if bound < floor - _SLACK:
            break  # candidates come in descending bound order: none of the rest can matter
        # Cheapest tests first; the date bounds repeat what the SQL pre-filter does, so the
        # loop also stays fast when handed every open course.
        if c.last_day < earliest_last or c.first_day > latest_first:
            continue
        if c.institution_id == t_inst or c.institution_id in blocked:
            continue
        if t_langs.isdisjoint(c.language_set):
            continue

        weight = base_weight
        size = c.students / t_students if c.students < t_students else t_students / c.students
        level = 1.0 - abs(c.eqf - t_eqf) / _MAX_EQF_GAP
        partial = w_size * size + w_level * level
        disc: float | None = None
        if discipline is not None and c.broad:
            if not t_detailed.isdisjoint(c.detailed):
                disc = discipline[0]
            elif not t_narrow.isdisjoint(c.narrow):
                disc = discipline[1]
            elif not t_broad.isdisjoint(c.broad):
                disc = discipline[2]
            else:
                disc = discipline[3]
            partial += w_discipline * disc
            weight += w_discipline
        outcomes = None
        if n_tags:
            shared_tags = len(t_tags & c.tags)
            outcomes = shared_tags / (n_tags + len(c.tags) - shared_tags)
            partial += w_outcomes * outcomes
        sdgs = None
        if t_sdgs:
            sdgs = (t_sdgs & c.sdgs).bit_count() / (t_sdgs | c.sdgs).bit_count()
            partial += w_sdgs * sdgs
        if c.country in pref_countries:
            geo = GEO_PREFERRED_COUNTRY
        elif pref_regions and not pref_regions.isdisjoint(c.region_keys):
            geo = GEO_PREFERRED_REGION
        elif c.country == t_country:
            geo = GEO_SAME_COUNTRY
        elif c.region == t_region:
            geo = GEO_SAME_REGION
        else:
            geo = GEO_OTHER_REGION
        partial += w_geo * geo

        # No week can share more than the quarters of the frame both courses ever meet in: an
        # upper bound on the sync component, exact in floats, that prunes before the costly
        # steps.
        ceiling = (t_union & c.meeting_union).bit_count() * QUARTER_MINUTES
        if wanted:
            sync_bound = ceiling / wanted if ceiling < wanted else 1.0
            if (partial + w_sync * sync_bound) / weight < floor:
                continue
        elif partial / weight < floor:
            continue

        shift = c.week0 - t_week0
        common = t_teaching & (c.teaching << shift if shift >= 0 else c.teaching >> -shift)
        if not common:
            continue
        low = (common & -common).bit_length() - 1
        rest = common >> low
        if rest & (rest + 1) == 0:  # one unbroken block, the usual case
            if rest.bit_length() < need:
                continue
            blocks = [(t_week0 + low, rest.bit_length())]
        else:
            blocks = [
                (t_week0 + start, end - start) for start, end in runs(common) if end - start >= need
            ]
            if not blocks:
                continue
        if not wanted:
            lo = minutes = -1  # not scored; the window is chosen for the explanation only
            sync: float | None = None
            raw = partial / weight
        else:
            if ceiling:
                lo, minutes, _ = best_window(t_segments, c.segments, blocks, need)
            else:  # no shared minute in any week: every window is as good, take the earliest
                lo, minutes = blocks[0][0], 0
            sync = minutes / wanted if minutes < wanted else 1.0
            raw = (partial + w_sync * sync) / weight
        item = (-raw, c.id, c, lo, need, minutes, (sync, disc, level, size, outcomes, geo, sdgs))
        if limit is None:
            scored.append(item)
        elif len(heap) < limit:
            heapq.heappush(heap, (raw, -c.id, next(seq), item))
            if len(heap) == limit:
                floor = heap[0][0]
        elif (raw, -c.id) > heap[0][:2]:
            heapq.heapreplace(heap, (raw, -c.id, next(seq), item))
            floor = heap[0][0]
    return scored if limit is None else [entry[3] for entry in heap]


_SLACK = 1e-9  # a bound adds the same terms as the exact score, in another order
_GEO_ROW = (
    GEO_PREFERRED_COUNTRY,
    GEO_PREFERRED_REGION,
    GEO_SAME_COUNTRY,
    GEO_SAME_REGION,
    GEO_OTHER_REGION,
)


def _in_bound_order(
    target: Prepared,
    candidates: Iterable[Prepared],
    limit: int | None,
    discipline: tuple[float, float, float, float] | None,
    bounds: PrefilterBounds,
) -> Iterable[tuple[Prepared, float]]:
    # Without a limit every candidate is scored, in the order given. With one, a columnar
    # snapshot bounds every score at once, and candidates come best bound first: the heap
    # fills with strong candidates early and the loop stops at the first bound below it.
    if limit is None:
        return zip(candidates, itertools.repeat(math.inf))
    pool = candidates if isinstance(candidates, Sequence) else list(candidates)
    upper = upper_bounds(
        target,
        pool,
        WEIGHTS,
        discipline,
        _GEO_ROW,
        bounds.earliest_last_day.toordinal(),
        bounds.latest_first_day.toordinal(),
    )
    if upper is None:
        return zip(pool, itertools.repeat(math.inf))
    return descending(pool, upper, 4 * limit + 64)


def rank(
    target: Prepared,
    candidates: Iterable[Prepared],
    blocked_institution_pairs: Collection[frozenset[int]] = frozenset(),
    limit: int | None = None,
) -> list[Match]:
    """Return the candidates that pass every hard constraint, best first (ties by id).

    With a ``limit``, candidates that cannot reach the current top ``limit`` skip the costly
    steps, and only the returned matches get their explanations built.
    """
    if limit is not None and limit <= 0:
        return []
    blocked = _blocked_partners(target.institution_id, blocked_institution_pairs)
    scored = sorted(_score_all(target, candidates, blocked, limit), key=_order_key)
    return [_match(target, item) for item in scored]


def _order_key(item: _Scored) -> tuple[float, int]:
    return item[0], item[1]
