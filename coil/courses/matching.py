"""Rank partner courses for a COIL exchange: hard constraints, weighted scores, explanations.

Pure logic over plain dataclasses: no Flask, no database. The flow is

1. ``prepare(profile)`` once per course profile, whenever it changes. The result holds what
   ranking needs (teaching weeks as bits, class meetings as UTC quarter-hour masks) and can be
   stored with ``dump`` / ``load``.
2. The SQL layer keeps open courses of other institutions that ``prefilter_bounds(target)``
   allows (date range and a shared working language): cheap, indexable, never too strict.
3. ``rank(target, candidates, limit=20)`` drops candidates that fail a hard constraint and
   orders the rest by a 0..100 score; ``explain_exclusion`` says why one course was dropped.
   No zoneinfo call happens here: local times in explanations come from UTC offsets that
   ``prepare`` stored. With a limit, ``coil.courses.columns`` bounds every candidate's score
   at once with NumPy; candidates are then scored exactly, best bound first, until no bound
   can reach the current top. The result is the same as scoring every candidate.

Hard constraints: another institution; the institutions have not blocked each other; a shared
working language (the pair's required level is the stricter of the two courses' minimums); at
least the target's wanted number of consecutive teaching weeks that both courses share. A week
that either course does not teach (holiday, exam block, outside its term) breaks the run: teams
that wait a week for the other class lose the thread, so only an unbroken run counts. A
teaching week has at least ``MIN_TEACHING_DAYS`` teaching weekdays; meetings in weeks that are
not teaching weeks are left out, single holidays inside a teaching week are not.

The score is the weighted mean of the components in ``WEIGHTS``, each 0..1, over the components
that apply (a target that names no SDGs is not scored on SDGs):

- ``sync`` (30): typical shared class minutes a week over the run, divided by the minutes the
  target wants, capped at 1. Typical is the lower median over the weeks in which both classes
  meet (see ``coil.core.weekly.typical_minutes``). Zero shared minutes is allowed (asynchronous
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
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from coil.core.regions import REGION_NAMES, REGIONS, region_of
from coil.core.weekly import (
    MIN_TEACHING_DAYS,
    QUARTER_MINUTES,
    Offsets,
    WeeklySlot,
    describe_mask,
    longest_run,
    monday_of,
    monday_of_index,
    runs,
    teaching_weeks,
    week_bits,
    week_index,
    week_masks_by_index,
    week_offsets,
)
from coil.courses import isced
from coil.courses.columns import descending, record, upper_bounds
from coil.courses.reasons import Reason as Reason  # re-exported: Match holds reasons
from coil.courses.reasons import render_en as render_en  # re-exported for callers of rank

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
DisciplinePreference = Literal["same", "different", "any"]

WEIGHTS: Mapping[str, int] = MappingProxyType(
    {"sync": 30, "discipline": 20, "level": 15, "size": 10, "outcomes": 10, "geo": 10, "sdgs": 5}
)
_DISCIPLINE_SCORES: Mapping[str, tuple[float, float, float, float]] = MappingProxyType(
    # same detailed, same narrow, same broad, different
    {"same": (1.0, 0.75, 0.5, 0.0), "different": (0.0, 0.25, 0.5, 1.0)}
)
_RELATIONS = ("same_detailed", "same_narrow", "same_broad", "different")
GEO_PREFERRED_COUNTRY, GEO_PREFERRED_REGION = 1.0, 0.9
GEO_OTHER_REGION, GEO_SAME_REGION, GEO_SAME_COUNTRY = 0.7, 0.4, 0.0
_MAX_EQF_GAP = 3  # EQF 5 against 8
_MIN_DAYS = MIN_TEACHING_DAYS


@dataclass(frozen=True, slots=True)
class CourseProfile:
    id: int
    institution_id: int
    country: str  # ISO 3166-1 alpha-2, upper case
    isced: tuple[str, ...]  # ISCED-F 2013 codes, any level
    eqf_level: int  # 5 short cycle, 6 bachelor, 7 master, 8 doctorate
    working_languages: tuple[tuple[str, str], ...]  # (ISO 639-1, minimum CEFR level asked)
    first_day: date
    last_day: date
    meetings: tuple[WeeklySlot, ...] = ()  # weekly class meetings, all in one time zone
    blocked: tuple[tuple[date, date], ...] = ()  # holidays and exam blocks, inclusive
    instruction_languages: tuple[str, ...] = ()
    expected_students: int = 25
    exchange_weeks: int = 6
    sync_hours_per_week: float = 1.5
    region: str = ""  # M49 region name; empty means derived from the country
    preferred_countries: frozenset[str] = frozenset()
    preferred_regions: frozenset[str] = frozenset()  # M49 names or codes, any level
    sdgs: frozenset[int] = frozenset()
    outcome_tags: frozenset[str] = frozenset()
    discipline_preference: DisciplinePreference = "any"

    def __post_init__(self) -> None:
        problems = _profile_problems(self)
        if problems:
            raise ValueError(f"course profile {self.id}: " + "; ".join(problems))


def _profile_problems(p: CourseProfile) -> list[str]:
    problems = []
    if not p.region and p.country not in REGIONS:
        problems.append(f"unknown country {p.country!r} (give its region)")
    if p.region and p.region not in REGION_NAMES:
        problems.append(f"unknown region {p.region!r}, expected one of {sorted(REGION_NAMES)}")
    problems += [f"unknown ISCED-F code {code!r}" for code in p.isced if not isced.is_valid(code)]
    if p.eqf_level not in (5, 6, 7, 8):
        problems.append(f"EQF level must be 5 to 8, not {p.eqf_level!r}")
    codes = [code for code, _ in p.working_languages]
    if not codes:
        problems.append("at least one working language is needed")
    if len(set(codes)) != len(codes):
        problems.append("a working language is listed twice")
    for code, level in p.working_languages:
        if len(code) != 2 or not code.isalpha() or not code.islower():
            problems.append(f"language {code!r} is not an ISO 639-1 code")
        if level not in CEFR_LEVELS:
            problems.append(f"CEFR level {level!r} is not one of {', '.join(CEFR_LEVELS)}")
    if p.last_day < p.first_day:
        problems.append(f"the term ends ({p.last_day}) before it starts ({p.first_day})")
    if len({slot.tz for slot in p.meetings}) > 1:
        problems.append("all class meetings must be in one time zone")
    if p.expected_students < 1:
        problems.append("expected students must be at least 1")
    if p.exchange_weeks < 1:
        problems.append("the exchange must last at least one week")
    if not 0 <= p.sync_hours_per_week <= 40:
        problems.append("synchronous hours a week must be between 0 and 40")
    problems += [f"SDG {goal!r} is not 1 to 17" for goal in sorted(p.sdgs) if not 1 <= goal <= 17]
    if p.discipline_preference not in ("same", "different", "any"):
        problems.append(
            f"discipline preference {p.discipline_preference!r} is not same/different/any"
        )
    return problems


Segment = tuple[int, int, int, Offsets]
"""Consecutive UTC weeks [first, end) (week indices) with the same meeting mask and offsets."""


@dataclass(frozen=True, slots=True)
class Prepared:
    id: int
    institution_id: int
    country: str
    region: str
    region_keys: frozenset[str]
    first_day: date
    last_day: date
    languages: tuple[tuple[str, int], ...]  # (code, CEFR index 0..5), sorted by code
    language_set: frozenset[str]
    instruction: frozenset[str]
    isced: tuple[str, ...]
    detailed: frozenset[str]  # 4-digit codes, Field unknown left out
    narrow: frozenset[str]  # 3-digit prefixes
    broad: frozenset[str]  # 2-digit prefixes
    eqf: int
    students: int
    exchange_weeks: int
    sync_minutes: int  # wanted shared minutes a week
    preferred_countries: frozenset[str]
    preferred_regions: frozenset[str]
    sdgs: int  # bit n set for SDG n
    tags: frozenset[str]
    discipline_preference: str
    tz: str  # zone of the meetings, "" without meetings
    week0: int  # week index of bit 0 of teaching
    teaching: int  # bit i set: week week0 + i is a teaching week
    segments: tuple[Segment, ...]
    meeting_union: int  # every UTC quarter the course meets in, in any week
    # Derived from the fields above whenever a form is built (prepare, load, replace), so never
    # stale and never dumped: the numbers that bound this course's score in a columnar snapshot.
    columns: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", record(self))


@dataclass(frozen=True, slots=True)
class Match:
    candidate_id: int
    score: int  # 0..100
    components: dict[str, float]  # the components that apply, each 0..1
    reasons: tuple[Reason, ...]


class PrefilterBounds(NamedTuple):
    earliest_last_day: date  # a candidate must not end before this day
    latest_first_day: date  # nor start after this one
    languages: frozenset[str]  # and must share one of these working languages


def _isced_sets(codes: Iterable[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    known = [code for code in codes if code[:2] != isced.UNKNOWN_BROAD]
    return (
        frozenset(code for code in known if len(code) == 4),
        frozenset(code[:3] for code in known if len(code) >= 3),
        frozenset(code[:2] for code in known),
    )


def _region_keys(country: str, region: str) -> frozenset[str]:
    info = REGIONS.get(country)
    if info is not None and info.region == region:
        return info.keys
    return frozenset({region})


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


def prepare(profile: CourseProfile) -> Prepared:
    """Precompute what ranking needs from a course profile (the only step that uses zoneinfo)."""
    weeks = teaching_weeks(profile.first_day, profile.last_day, profile.blocked)
    week0, teaching = week_bits(weeks)
    first_monday, last_monday = monday_of(profile.first_day), monday_of(profile.last_day)
    all_weeks = {
        first_monday + timedelta(weeks=n)
        for n in range(week_index(last_monday) - week_index(first_monday) + 1)
    }
    masks = week_masks_by_index(
        profile.meetings, profile.first_day, profile.last_day, all_weeks - weeks
    )
    tz = profile.meetings[0].tz if profile.meetings else ""
    region = profile.region or region_of(profile.country)
    segments = _segments(masks, tz)
    detailed, narrow, broad = _isced_sets(profile.isced)
    sdgs = 0
    for goal in profile.sdgs:
        sdgs |= 1 << goal
    return Prepared(
        id=profile.id,
        institution_id=profile.institution_id,
        country=profile.country,
        region=region,
        region_keys=_region_keys(profile.country, region),
        first_day=profile.first_day,
        last_day=profile.last_day,
        languages=tuple(
            sorted((code, CEFR_LEVELS.index(level)) for code, level in profile.working_languages)
        ),
        language_set=frozenset(code for code, _ in profile.working_languages),
        instruction=frozenset(profile.instruction_languages),
        isced=tuple(profile.isced),
        detailed=detailed,
        narrow=narrow,
        broad=broad,
        eqf=profile.eqf_level,
        students=profile.expected_students,
        exchange_weeks=profile.exchange_weeks,
        sync_minutes=round(profile.sync_hours_per_week * 60),
        preferred_countries=frozenset(profile.preferred_countries),
        preferred_regions=frozenset(profile.preferred_regions),
        sdgs=sdgs,
        tags=frozenset(profile.outcome_tags),
        discipline_preference=profile.discipline_preference,
        tz=tz,
        week0=week0,
        teaching=teaching,
        segments=segments,
        meeting_union=_union(segments),
    )


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


def _blocked_partners(institution_id: int, pairs: Collection[frozenset[int]]) -> frozenset[int]:
    return frozenset(
        other
        for pair in pairs
        if institution_id in pair
        for other in pair
        if other != institution_id
    )


def _common_run(t: Prepared, c: Prepared) -> tuple[int, int]:
    shift = c.week0 - t.week0
    common = t.teaching & (c.teaching << shift if shift >= 0 else c.teaching >> -shift)
    start, length = longest_run(common)
    return t.week0 + start, length


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


_Scored = tuple[float, int, Prepared, int, int, int, tuple[float | None, ...]]


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

        # No week can share more than the quarters both courses ever meet in: an upper bound
        # on the sync component, exact in floats, that prunes before the costly steps.
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
        if rest & (rest + 1) == 0:  # one unbroken run, the usual case
            start, length = low, rest.bit_length()
        else:
            start, length = longest_run(common)
        if length < need:
            continue
        lo = t_week0 + start
        if not wanted:
            minutes = -1  # not scored; worked out for the explanation only
            sync: float | None = None
            raw = partial / weight
        else:
            minutes = _typical_shared(t_segments, c.segments, lo, lo + length) if ceiling else 0
            sync = minutes / wanted if minutes < wanted else 1.0
            raw = (partial + w_sync * sync) / weight
        item = (-raw, c.id, c, lo, length, minutes, (sync, disc, level, size, outcomes, geo, sdgs))
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


_COMPONENT_ORDER = ("sync", "discipline", "level", "size", "outcomes", "geo", "sdgs")


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


def _match(target: Prepared, item: _Scored) -> Match:
    neg_raw, _, c, lo, length, minutes, values = item
    components = {
        name: value
        for name, value in zip(_COMPONENT_ORDER, values, strict=True)
        if value is not None
    }
    return Match(
        c.id, int(-neg_raw * 100 + 0.5), components, tuple(_reasons(target, c, lo, length, minutes))
    )


def _pair_language(t: Prepared, c: Prepared) -> tuple[str, int]:
    # Prefer a language both courses teach in, then the lowest required level, then the code.
    levels_t, levels_c = dict(t.languages), dict(c.languages)
    shared = sorted(
        (
            -((code in t.instruction) + (code in c.instruction)),
            max(levels_t[code], levels_c[code]),
            code,
        )
        for code in t.language_set & c.language_set
    )
    _, level, code = shared[0]
    return code, level


def _run_dates(t: Prepared, c: Prepared, lo: int, length: int) -> tuple[date, date]:
    first = max(monday_of_index(lo), t.first_day, c.first_day)
    last = min(monday_of_index(lo + length - 1) + timedelta(days=4), t.last_day, c.last_day)
    return first, last


def _reasons(t: Prepared, c: Prepared, lo: int, length: int, minutes: int) -> list[Reason]:
    if minutes < 0:
        minutes = _typical_shared(t.segments, c.segments, lo, lo + length)
    first, last = _run_dates(t, c, lo, length)
    reasons = [
        Reason("weeks", {"weeks": length, "needed": t.exchange_weeks, "first": first, "last": last})
    ]
    reasons += _sync_reasons(t, c, lo, length, minutes)
    code, level = _pair_language(t, c)
    reasons.append(Reason("language", {"language": code, "level": CEFR_LEVELS[level]}))
    if t.instruction and c.instruction and (code in t.instruction) != (code in c.instruction):
        side = "target" if code in t.instruction else "candidate"
        reasons.append(Reason("language_asymmetry", {"language": code, "instruction_side": side}))
    reasons.append(_discipline_reason(t, c))
    reasons.append(Reason("level", {"target": t.eqf, "candidate": c.eqf}))
    reasons.append(Reason("class_size", {"target": t.students, "candidate": c.students}))
    shared_sdgs = [goal for goal in range(1, 18) if (t.sdgs & c.sdgs) >> goal & 1]
    if shared_sdgs:
        reasons.append(Reason("sdgs", {"shared": tuple(shared_sdgs)}))
    if t.tags & c.tags:
        reasons.append(Reason("outcomes", {"shared": tuple(sorted(t.tags & c.tags))}))
    reasons.append(_geo_reason(t, c))
    return reasons


def _sync_reasons(t: Prepared, c: Prepared, lo: int, length: int, minutes: int) -> list[Reason]:
    if minutes == 0:
        return [Reason("no_sync", {"weeks": length})]
    spans = _shared_spans(t.segments, c.segments, lo, lo + length)
    # Show the first week that has the typical minutes, so the numbers can be checked.
    first, _, _, mask, offsets_t, offsets_c = next(span for span in spans if span[2] == minutes)
    monday = monday_of_index(first)
    intervals = tuple(describe_mask(mask, offsets_t, offsets_c, monday))
    reasons = [
        Reason(
            "sync_hours",
            {
                "minutes": minutes,
                "intervals": intervals,
                "tz_a": t.tz,
                "tz_b": c.tz,
                "week": monday,
            },
        )
    ]
    low = min(span[2] for span in spans)
    high = max(span[2] for span in spans)
    if low != high:
        reasons.append(
            Reason(
                "sync_varies",
                {
                    "low": low,
                    "high": high,
                    "weeks": sum(span[1] - span[0] for span in spans),
                    "typical": minutes,
                    "weeks_at_typical": sum(
                        span[1] - span[0] for span in spans if span[2] >= minutes
                    ),
                },
            )
        )
    return reasons


def _discipline_reason(t: Prepared, c: Prepared) -> Reason:
    known_t = [code for code in t.isced if code[:2] != isced.UNKNOWN_BROAD]
    known_c = [code for code in c.isced if code[:2] != isced.UNKNOWN_BROAD]
    pairs = sorted((_RELATIONS.index(isced.relation(a, b)), a, b) for a in known_t for b in known_c)
    if not pairs:
        return Reason("discipline", {"relation": None, "preference": t.discipline_preference})
    index, code_t, code_c = pairs[0]
    relation = _RELATIONS[index]
    shared = {"same_detailed": code_t, "same_narrow": code_t[:3], "same_broad": code_t[:2]}
    return Reason(
        "discipline",
        {
            "relation": relation,
            "preference": t.discipline_preference,
            "target_code": code_t,
            "candidate_code": code_c,
            "shared_code": shared.get(relation),
        },
    )


def _geo_reason(t: Prepared, c: Prepared) -> Reason:
    if c.country == t.country:
        relation = "same_country"
    elif c.region == t.region:
        relation = "same_region"
    else:
        relation = "other_region"
    preferred = None
    if c.country in t.preferred_countries:
        preferred = "country"
    elif not t.preferred_regions.isdisjoint(c.region_keys):
        preferred = "region"
    return Reason(
        "geo",
        {"country": c.country, "region": c.region, "relation": relation, "preferred": preferred},
    )


def explain_exclusion(
    target: Prepared,
    candidate: Prepared,
    blocked_institution_pairs: Collection[frozenset[int]] = frozenset(),
) -> list[Reason]:
    """Return every hard constraint the candidate fails for the target (empty: it is ranked)."""
    reasons = []
    if candidate.institution_id == target.institution_id:
        reasons.append(Reason("same_institution", {}))
    elif candidate.institution_id in _blocked_partners(
        target.institution_id, blocked_institution_pairs
    ):
        reasons.append(Reason("institutions_blocked", {}))
    lo, length = _common_run(target, candidate)
    if length < target.exchange_weeks:
        params: dict[str, Any] = {"weeks": length, "needed": target.exchange_weeks}
        if length:
            params["first"], params["last"] = _run_dates(target, candidate, lo, length)
        reasons.append(Reason("too_few_weeks", params))
    if target.language_set.isdisjoint(candidate.language_set):
        reasons.append(
            Reason(
                "no_shared_language",
                {
                    "target": tuple(sorted(target.language_set)),
                    "candidate": tuple(sorted(candidate.language_set)),
                },
            )
        )
    return reasons


def dump(p: Prepared) -> dict[str, Any]:
    """Return the prepared form as JSON-safe data (big bitmasks as hex strings)."""
    return {
        "v": 1,
        "id": p.id,
        "institution_id": p.institution_id,
        "country": p.country,
        "region": p.region,
        "first_day": p.first_day.isoformat(),
        "last_day": p.last_day.isoformat(),
        "languages": [list(pair) for pair in p.languages],
        "instruction": sorted(p.instruction),
        "isced": list(p.isced),
        "eqf": p.eqf,
        "students": p.students,
        "exchange_weeks": p.exchange_weeks,
        "sync_minutes": p.sync_minutes,
        "preferred_countries": sorted(p.preferred_countries),
        "preferred_regions": sorted(p.preferred_regions),
        "sdgs": p.sdgs,
        "tags": sorted(p.tags),
        "discipline_preference": p.discipline_preference,
        "tz": p.tz,
        "week0": p.week0,
        "teaching": format(p.teaching, "x"),
        "segments": [
            [first, end, format(mask, "x"), [list(step) for step in offsets]]
            for first, end, mask, offsets in p.segments
        ],
    }


def load(data: Mapping[str, Any]) -> Prepared:
    """Rebuild a prepared form from ``dump`` output, without zoneinfo."""
    if data.get("v") != 1:
        raise ValueError(f"unknown prepared-profile format {data.get('v')!r}")
    detailed, narrow, broad = _isced_sets(data["isced"])
    languages = tuple((code, int(level)) for code, level in data["languages"])
    segments = tuple(
        (first, end, int(mask, 16), tuple((q, minutes) for q, minutes in offsets))
        for first, end, mask, offsets in data["segments"]
    )
    return Prepared(
        id=data["id"],
        institution_id=data["institution_id"],
        country=data["country"],
        region=data["region"],
        region_keys=_region_keys(data["country"], data["region"]),
        first_day=date.fromisoformat(data["first_day"]),
        last_day=date.fromisoformat(data["last_day"]),
        languages=languages,
        language_set=frozenset(code for code, _ in languages),
        instruction=frozenset(data["instruction"]),
        isced=tuple(data["isced"]),
        detailed=detailed,
        narrow=narrow,
        broad=broad,
        eqf=data["eqf"],
        students=data["students"],
        exchange_weeks=data["exchange_weeks"],
        sync_minutes=data["sync_minutes"],
        preferred_countries=frozenset(data["preferred_countries"]),
        preferred_regions=frozenset(data["preferred_regions"]),
        sdgs=data["sdgs"],
        tags=frozenset(data["tags"]),
        discipline_preference=data["discipline_preference"],
        tz=data["tz"],
        week0=data["week0"],
        teaching=int(data["teaching"], 16),
        segments=segments,
        meeting_union=_union(segments),
    )
