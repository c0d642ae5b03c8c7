"""A columnar snapshot of prepared course profiles, for upper bounds on many scores at once.

Ranking spends its time in per-candidate Python. Each ``Prepared`` therefore carries a fixed
size record of the numbers that bound its score against any target (dates, a language filter,
class size, EQF level, ISCED-F fields, SDGs, tag and region filters, the weekly meeting union);
``upper_bounds`` joins the records of all candidates into one NumPy array and computes, for
every candidate, a score that its exact score cannot exceed. ``rank`` then scores candidates
exactly in descending order of that bound and stops once the bound cannot reach the top.

Bounds only have to be upper bounds, so sets of arbitrary strings (working languages, outcome
tags, region keys) are kept as 64-bit Bloom filters: a false positive loosens a bound, never
breaks it. Sets from closed lists (ISCED-F fields, SDGs, countries, regions, week quarters)
are exact. A profile with a value outside what the record holds (an unknown ISCED-F code, a
non-ISO country code, a huge number) gets an unbounded record and is always scored exactly.
Records are derived data, never stored: ``dump`` leaves them out and ``load`` rebuilds them.
"""

from __future__ import annotations

import contextlib
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from coil.core.regions import REGION_NAMES
from coil.core.weekly import QUARTER_MINUTES
from coil.courses import isced
from coil.courses.matching.frames import FRAME_QUARTERS

if TYPE_CHECKING:
    from coil.courses.matching.profile import Prepared

_UNION_WORDS = -(-FRAME_QUARTERS // 64)  # 864 quarters of a week's frame in 14 words
_DETAILED_WORDS = 3
_FIELDS: list[tuple[str, str, int]] = [
    ("first", "<i4", 1),  # first day, proleptic Gregorian ordinal
    ("last", "<i4", 1),
    ("languages", "<u8", 1),  # Bloom filter of working languages
    ("students", "<f8", 1),
    ("eqf", "<f8", 1),
    ("broad", "<u8", 1),  # exact ISCED-F sets, one bit per code of the list
    ("narrow", "<u8", 1),
    ("detailed", "<u8", _DETAILED_WORDS),
    ("tags", "<u8", 1),  # Bloom filter of outcome tags
    ("n_tags", "<f8", 1),
    ("sdgs", "<u8", 1),
    ("country", "<i4", 1),  # 26 * letter + letter of the ISO code
    ("region", "<i4", 1),  # index in sorted REGION_NAMES
    ("region_keys", "<u8", 1),  # Bloom filter of region keys
    ("union", "<u8", _UNION_WORDS),  # every quarter of the week's frame a meeting touches
    ("unbounded", "<u1", 1),  # 1: the record holds nothing, always score exactly
]
_FORMATS = {"<i4": "i", "<u8": "Q", "<f8": "d", "<u1": "B"}
DTYPE = np.dtype([(name, kind) if n == 1 else (name, kind, (n,)) for name, kind, n in _FIELDS])
_STRUCT = struct.Struct("<" + "".join(f"{n}{_FORMATS[kind]}" for _, kind, n in _FIELDS))
# Zeros but a class of one, so that bounds stay finite before they are set to +inf.
_VALUES = sum(n for _, _, n in _FIELDS)
_UNBOUNDED = _STRUCT.pack(0, 0, 0, 1.0, *[0] * (_VALUES - 5), 1)
_REGIONS = {name: index for index, name in enumerate(sorted(REGION_NAMES))}


def _code_bits() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    by_level: dict[str, list[str]] = {"broad": [], "narrow": [], "detailed": []}
    for code, field in isced.fields().items():
        by_level[field.level].append(code)
    broad, narrow, detailed = (
        {code: bit for bit, code in enumerate(sorted(codes))} for codes in by_level.values()
    )
    return broad, narrow, detailed


_BROAD, _NARROW, _DETAILED = _code_bits()


def _bloom_bit(text: str) -> int:
    return zlib.crc32(text.encode()) & 63


def bloom(texts: Iterable[str]) -> int:
    """Return the 64-bit Bloom filter of ``texts`` (one bit each)."""
    bits = 0
    for text in texts:
        bits |= 1 << _bloom_bit(text)
    return bits


def _bits(codes: Iterable[str], index: Mapping[str, int]) -> int:
    bits = 0
    for code in codes:
        bits |= 1 << index[code]  # KeyError: not in the list, the record is unbounded
    return bits


def _country(code: str) -> int:
    if len(code) != 2 or not (code.isascii() and code.isalpha() and code.isupper()):
        raise ValueError(code)
    return (ord(code[0]) - 65) * 26 + ord(code[1]) - 65


def _words(value: int, count: int) -> list[int]:
    if value >> (64 * count):
        raise ValueError(value)
    return [value >> (64 * n) & 0xFFFF_FFFF_FFFF_FFFF for n in range(count)]


def record(p: Prepared) -> bytes:
    """Return the fixed-size record of ``p`` (see ``DTYPE``), unbounded when it does not fit."""
    try:
        if p.students < 1:
            raise ValueError(p.students)
        return _STRUCT.pack(
            p.first_day.toordinal(),
            p.last_day.toordinal(),
            bloom(p.language_set),
            float(p.students),
            float(p.eqf),
            _bits(p.broad, _BROAD),
            _bits(p.narrow, _NARROW),
            *_words(_bits(p.detailed, _DETAILED), _DETAILED_WORDS),
            bloom(p.tags),
            float(len(p.tags)),
            p.sdgs,
            _country(p.country),
            _REGIONS[p.region],
            bloom(p.region_keys),
            *_words(p.meeting_union, _UNION_WORDS),
            0,
        )
    except (KeyError, ValueError, OverflowError, struct.error):
        return _UNBOUNDED


_RECORD = attrgetter("columns")


def _any_shared(column: Any, target: int, words: int) -> Any:
    if words == 1:
        return (column & np.uint64(target)) != 0
    shared = np.zeros(len(column), dtype=bool)
    for n, word in enumerate(_words(target, words)):
        if word:
            shared |= (column[:, n] & np.uint64(word)) != 0
    return shared


def upper_bounds(
    target: Prepared,
    candidates: Sequence[Prepared],
    weights: Mapping[str, int],
    discipline: tuple[float, float, float, float] | None,
    geo: tuple[float, float, float, float, float],
    earliest_last: int,
    latest_first: int,
) -> Any:
    """Return, per candidate, a float64 no smaller than its raw score (0..1) against ``target``.

    ``discipline`` is the target's row of discipline scores (None: not scored), ``geo`` the
    scores for a preferred country, a preferred region, the same country, the same region and
    another region. Candidates that surely fail the date bounds (ordinals) or share no working
    language get -inf, unbounded records +inf. Returns None when the target's own record is
    unbounded: the caller then scores every candidate exactly.
    """
    own = np.frombuffer(target.columns, dtype=DTYPE)[0]
    if own["unbounded"]:
        return None
    rows = np.frombuffer(b"".join(map(_RECORD, candidates)), dtype=DTYPE)
    students, t_students = rows["students"], own["students"]
    size = np.minimum(students, t_students) / np.maximum(students, t_students)
    level = 1.0 - np.abs(rows["eqf"] - own["eqf"]) / 3
    partial = weights["size"] * size + weights["level"] * level
    weight: Any = weights["level"] + weights["size"] + weights["geo"]
    if discipline is not None:
        relation = np.select(
            [
                _any_shared(rows["detailed"], _bits(target.detailed, _DETAILED), _DETAILED_WORDS),
                _any_shared(rows["narrow"], int(own["narrow"]), 1),
                _any_shared(rows["broad"], int(own["broad"]), 1),
            ],
            discipline[:3],
            discipline[3],
        )
        applies = rows["broad"] != 0
        partial = partial + np.where(applies, weights["discipline"] * relation, 0.0)
        weight = weight + np.where(applies, weights["discipline"], 0)
    if target.tags:
        n_target, n_tags = len(target.tags), rows["n_tags"]
        tags = rows["tags"]
        shared = np.zeros(len(rows))
        for text in target.tags:
            shared += (tags >> np.uint64(_bloom_bit(text))) & np.uint64(1)
        shared = np.minimum(shared, n_tags)
        partial = partial + weights["outcomes"] * (shared / (n_target + n_tags - shared))
        weight = weight + weights["outcomes"]
    if target.sdgs:
        sdgs, t_sdgs = rows["sdgs"], np.uint64(target.sdgs)
        both = np.bitwise_count(sdgs & t_sdgs) / np.bitwise_count(sdgs | t_sdgs)
        partial = partial + weights["sdgs"] * both
        weight = weight + weights["sdgs"]
    countries = rows["country"]
    preferred = np.zeros(26 * 26, dtype=bool)
    for code in target.preferred_countries:
        with contextlib.suppress(ValueError):  # such a code matches no bounded record
            preferred[_country(code)] = True
    preferred_region = (
        (rows["region_keys"] & np.uint64(bloom(target.preferred_regions))) != 0
        if target.preferred_regions
        else False
    )
    place = np.select(
        [
            preferred[countries],
            preferred_region,
            countries == own["country"],
            rows["region"] == own["region"],
        ],
        geo[:4],
        geo[4],
    )
    partial = partial + weights["geo"] * place
    wanted = target.sync_minutes
    if wanted:
        quarters = np.zeros(len(rows), dtype=np.int64)
        for n, word in enumerate(own["union"].tolist()):
            if word:
                quarters += np.bitwise_count(rows["union"][:, n] & np.uint64(word))
        sync = np.minimum(quarters * QUARTER_MINUTES / wanted, 1.0)
        partial = partial + weights["sync"] * sync
        weight = weight + weights["sync"]
    bounds = partial / weight
    fails = (
        (rows["last"] < earliest_last)
        | (rows["first"] > latest_first)
        | ((rows["languages"] & own["languages"]) == 0)
    )
    bounds[fails] = -np.inf
    bounds[rows["unbounded"] != 0] = np.inf
    return bounds


def descending(
    candidates: Sequence[Prepared], bounds: Any, head: int
) -> Iterator[tuple[Prepared, float]]:
    """Yield each candidate with its bound, highest bound first (ties in candidate order).

    Only the first ``head`` are sorted up front: ranking usually stops within them.
    """
    count = len(candidates)
    if head >= count:
        yield from _in_order(candidates, bounds, np.arange(count))
        return
    top = np.argpartition(-bounds, head - 1)[:head]
    yield from _in_order(candidates, bounds, top)
    rest = np.ones(count, dtype=bool)
    rest[top] = False
    yield from _in_order(candidates, bounds, np.flatnonzero(rest))


def _in_order(
    candidates: Sequence[Prepared], bounds: Any, indices: Any
) -> Iterator[tuple[Prepared, float]]:
    indices = indices[np.lexsort((indices, -bounds[indices]))]
    return zip(map(candidates.__getitem__, indices.tolist()), bounds[indices].tolist(), strict=True)


def is_unbounded(p: Prepared) -> bool:
    """Tell whether ``p``'s record holds nothing (it is then always scored exactly)."""
    return p.columns == _UNBOUNDED
