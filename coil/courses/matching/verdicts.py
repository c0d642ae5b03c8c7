"""Why a course was ranked as it was, or left out: the reasons behind the engine's answers.

Builds a ``Match`` (score, components and reasons) from a candidate that ``rank`` scored, and,
for a course that ``rank`` drops, lists the hard constraints it fails (``explain_exclusion``).
Every ``Reason`` the engine emits is constructed here. Local times in the reasons come from the
UTC offsets that ``prepare`` stored: no zoneinfo call. Pure: no Flask, no database.

The week reasons: ``weeks`` counts every shared teaching week and lists the blocks they fall in
(its ``first`` and ``last`` are the block that holds the chosen window, where the exchange can
run), ``window`` names the chosen window, and ``sync_hours`` / ``sync_varies`` / ``sync_some`` /
``no_sync`` describe the shared class time over exactly the window's weeks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from coil.core.weekly import monday_of_index, runs
from coil.courses import isced
from coil.courses.matching.profile import CEFR_LEVELS, Prepared
from coil.courses.matching.reasons import Reason
from coil.courses.matching.weeks import best_window, shared_times, window_spans

_RELATIONS = ("same_detailed", "same_narrow", "same_broad", "different")
_COMPONENT_ORDER = ("sync", "discipline", "level", "size", "outcomes", "geo", "sdgs")


@dataclass(frozen=True, slots=True)
class Match:
    candidate_id: int
    score: int  # 0..100
    components: dict[str, float]  # the components that apply, each 0..1
    reasons: tuple[Reason, ...]


# One candidate as the scoring loop of ``rank`` keeps it: (-raw score 0..1, id, candidate, first
# week of the chosen window or -1, the window's length, its typical shared minutes or -1 (with a
# window of -1: not chosen yet), values in _COMPONENT_ORDER).
_Scored = tuple[float, int, Prepared, int, int, int, tuple[float | None, ...]]


def _blocked_partners(institution_id: int, pairs: Collection[frozenset[int]]) -> frozenset[int]:
    return frozenset(
        other
        for pair in pairs
        if institution_id in pair
        for other in pair
        if other != institution_id
    )


def _blocks(t: Prepared, c: Prepared) -> list[tuple[int, int]]:
    # Every unbroken run of shared teaching weeks as (first week index, length), in week order.
    shift = c.week0 - t.week0
    common = t.teaching & (c.teaching << shift if shift >= 0 else c.teaching >> -shift)
    return [(t.week0 + start, end - start) for start, end in runs(common)]


def _match(target: Prepared, item: _Scored) -> Match:
    neg_raw, _, c, lo, _, minutes, values = item
    components = {
        name: value
        for name, value in zip(_COMPONENT_ORDER, values, strict=True)
        if value is not None
    }
    return Match(
        c.id, int(-neg_raw * 100 + 0.5), components, tuple(_reasons(target, c, lo, minutes))
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
    # The first and last day both courses teach in weeks [lo, lo + length), Monday to Friday.
    first = max(monday_of_index(lo), t.first_day, c.first_day)
    last = min(monday_of_index(lo + length - 1) + timedelta(days=4), t.last_day, c.last_day)
    return first, last


def _reasons(t: Prepared, c: Prepared, lo: int, minutes: int) -> list[Reason]:
    need = t.exchange_weeks
    blocks = _blocks(t, c)
    if lo < 0 or minutes < 0:
        eligible = [block for block in blocks if block[1] >= need]
        lo, minutes, _ = best_window(t.segments, c.segments, eligible, need)
    block_lo, block_length = next(b for b in blocks if b[0] <= lo < b[0] + b[1])
    first, last = _run_dates(t, c, block_lo, block_length)
    window_first, window_last = _run_dates(t, c, lo, need)
    reasons = [
        Reason(
            "weeks",
            {
                "weeks": sum(length for _, length in blocks),
                "needed": need,
                "first": first,  # the block that holds the window
                "last": last,
                "blocks": tuple(
                    (*_run_dates(t, c, start, length), length) for start, length in blocks
                ),
            },
        ),
        Reason("window", {"weeks": need, "first": window_first, "last": window_last}),
    ]
    reasons += _sync_reasons(t, c, lo, need, minutes)
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


def _sync_reasons(t: Prepared, c: Prepared, lo: int, need: int, minutes: int) -> list[Reason]:
    # Every figure is over the same weeks: the window's, each counted once.
    spans = window_spans(t.segments, c.segments, lo, need)
    high = max(span[2] for span in spans)
    if high == 0:
        return [Reason("no_sync", {"weeks": need})]
    if minutes == 0:
        # At most half of the window's weeks share time: say so, and show the best week.
        span = next(span for span in spans if span[2] == high)
        return [
            Reason(
                "sync_some",
                {
                    "weeks": need,
                    "weeks_with": sum(end - start for start, end, m, _, _ in spans if m),
                    "high": high,
                    "intervals": tuple(shared_times(span)),
                    "tz_a": t.tz,
                    "tz_b": c.tz,
                    "week": monday_of_index(span[0]),
                },
            )
        ]
    # Show the first week that has the typical minutes, so the numbers can be checked.
    span = next(span for span in spans if span[2] == minutes)
    reasons = [
        Reason(
            "sync_hours",
            {
                "minutes": minutes,
                "intervals": tuple(shared_times(span)),
                "tz_a": t.tz,
                "tz_b": c.tz,
                "week": monday_of_index(span[0]),
            },
        )
    ]
    low = min(span[2] for span in spans)
    if low != high:
        reasons.append(
            Reason(
                "sync_varies",
                {
                    "low": low,
                    "high": high,
                    "weeks": need,
                    "typical": minutes,
                    "weeks_at_typical": sum(
                        end - start for start, end, m, _, _ in spans if m >= minutes
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
    blocks = _blocks(target, candidate)
    longest = max(blocks, key=lambda block: block[1], default=None)  # the earliest on a tie
    if longest is None or longest[1] < target.exchange_weeks:
        params: dict[str, Any] = {
            "weeks": sum(length for _, length in blocks),
            "needed": target.exchange_weeks,
        }
        if longest is not None:
            params["longest"] = longest[1]
            params["first"], params["last"] = _run_dates(target, candidate, *longest)
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
