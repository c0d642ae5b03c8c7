"""Why a course was ranked as it was, or left out: the reasons behind the engine's answers.

Builds a ``Match`` (score, components and reasons) from a candidate that ``rank`` scored, and,
for a course that ``rank`` drops, lists the hard constraints it fails (``explain_exclusion``).
Every ``Reason`` the engine emits is constructed here. Local times in the reasons come from the
UTC offsets that ``prepare`` stored: no zoneinfo call. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from coil.core.weekly import describe_mask, longest_run, monday_of_index
from coil.courses import isced
from coil.courses.matching.profile import CEFR_LEVELS, Prepared
from coil.courses.matching.reasons import Reason
from coil.courses.matching.weeks import _shared_spans, _typical_shared

_RELATIONS = ("same_detailed", "same_narrow", "same_broad", "different")
_COMPONENT_ORDER = ("sync", "discipline", "level", "size", "outcomes", "geo", "sdgs")


@dataclass(frozen=True, slots=True)
class Match:
    candidate_id: int
    score: int  # 0..100
    components: dict[str, float]  # the components that apply, each 0..1
    reasons: tuple[Reason, ...]


# One candidate as the scoring loop of ``rank`` keeps it: (-raw score 0..1, id, candidate, first
# week of the shared run, its length, typical shared minutes or -1, values in _COMPONENT_ORDER).
_Scored = tuple[float, int, Prepared, int, int, int, tuple[float | None, ...]]


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
