"""Benchmark course matching: prepare profiles, then rank one course against many open ones.

    .venv/bin/python bench/matching.py [--sizes 5000,50000,500000] [--repeat N] [--pool N]

Profiles are random but realistic: countries with their real IANA zones and academic calendars
(northern terms from September and February, southern ones from March and July plus a summer
term across the new year), class meetings in local office hours, working languages mostly
en/es/fr/de/nl/pt with CEFR levels, classes of 10 to 120. The run is deterministic for a seed.

Up to ``--pool`` profiles are generated and prepared one by one; larger sizes reuse them under
new ids and institutions, because preparing half a million profiles would take minutes while
ranking cost depends only on the prepared data. Candidates come from a ``CandidateSource``
(target -> iterable of prepared profiles): here all open profiles, or the ones a SQL pre-filter
on date range and language would keep (simulated in Python); a database-backed source can be
plugged in the same way.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time as clock
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coil.core.weekly import WeeklySlot, monday_of
from coil.courses.matching.profile import CourseProfile, Prepared, prepare
from coil.courses.matching.rank import prefilter_bounds, rank

CandidateSource = Callable[[Prepared], Iterable[Prepared]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    weight: int
    zones: tuple[str, ...]
    calendar: str
    languages: tuple[str, ...]  # local languages besides English


COUNTRIES = (
    Country("NL", 6, ("Europe/Amsterdam",), "quarters", ("nl",)),
    Country("BE", 3, ("Europe/Brussels",), "europe", ("nl", "fr")),
    Country("DE", 6, ("Europe/Berlin",), "germany", ("de",)),
    Country("AT", 2, ("Europe/Vienna",), "germany", ("de",)),
    Country("FR", 4, ("Europe/Paris",), "europe", ("fr",)),
    Country("ES", 5, ("Europe/Madrid", "Atlantic/Canary"), "europe", ("es",)),
    Country("PT", 3, ("Europe/Lisbon",), "europe", ("pt",)),
    Country("IT", 3, ("Europe/Rome",), "europe", ()),
    Country("GB", 4, ("Europe/London",), "uk", ()),
    Country("IE", 1, ("Europe/Dublin",), "uk", ()),
    Country("SE", 2, ("Europe/Stockholm",), "europe", ()),
    Country("FI", 2, ("Europe/Helsinki",), "europe", ()),
    Country("PL", 2, ("Europe/Warsaw",), "europe", ()),
    Country("TR", 2, ("Europe/Istanbul",), "europe", ()),
    Country(
        "US",
        10,
        (
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "America/Phoenix",
        ),
        "us",
        ("es",),
    ),
    Country("CA", 3, ("America/Toronto", "America/Vancouver", "America/Halifax"), "us", ("fr",)),
    Country(
        "MX", 5, ("America/Mexico_City", "America/Monterrey", "America/Tijuana"), "latam", ("es",)
    ),
    Country("CO", 3, ("America/Bogota",), "latam", ("es",)),
    Country("PE", 2, ("America/Lima",), "south", ("es",)),
    Country("CL", 2, ("America/Santiago",), "south", ("es",)),
    Country("AR", 2, ("America/Argentina/Buenos_Aires",), "south", ("es",)),
    Country("BR", 4, ("America/Sao_Paulo", "America/Manaus", "America/Recife"), "south", ("pt",)),
    Country("ZA", 3, ("Africa/Johannesburg",), "south", ()),
    Country("NG", 1, ("Africa/Lagos",), "europe", ()),
    Country("KE", 1, ("Africa/Nairobi",), "europe", ()),
    Country("GH", 1, ("Africa/Accra",), "europe", ()),
    Country("MA", 1, ("Africa/Casablanca",), "europe", ("fr",)),
    Country(
        "AU",
        4,
        (
            "Australia/Sydney",
            "Australia/Melbourne",
            "Australia/Brisbane",
            "Australia/Perth",
            "Australia/Adelaide",
        ),
        "south",
        (),
    ),
    Country("NZ", 1, ("Pacific/Auckland",), "south", ()),
    Country("JP", 3, ("Asia/Tokyo",), "japan", ()),
    Country("KR", 2, ("Asia/Seoul",), "korea", ()),
    Country("CN", 2, ("Asia/Shanghai",), "china", ()),
    Country("IN", 3, ("Asia/Kolkata",), "india", ()),
    Country("ID", 2, ("Asia/Jakarta", "Asia/Makassar"), "india", ()),
    Country("NP", 1, ("Asia/Kathmandu",), "india", ()),
)

# Term starts (month, day) and lengths in weeks for the academic year 2026/27: months from July
# fall in 2026, earlier months in 2027.
CALENDARS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "europe": ((9, 14, 16), (2, 8, 17)),
    "quarters": ((9, 1, 10), (11, 9, 10), (2, 1, 10), (4, 19, 10)),
    "germany": ((10, 12, 16), (4, 12, 14)),
    "uk": ((9, 21, 12), (1, 11, 12)),
    "us": ((8, 24, 16), (1, 19, 16)),
    "latam": ((8, 10, 16), (1, 18, 17)),
    "south": ((7, 27, 16), (11, 16, 14), (3, 1, 16)),
    "japan": ((10, 1, 15), (4, 8, 15)),
    "korea": ((9, 1, 16), (3, 2, 16)),
    "china": ((9, 7, 18), (2, 22, 18)),
    "india": ((7, 20, 18), (1, 4, 18)),
}
# Breaks every institution of a calendar family observes when a term spans them.
BREAKS: dict[str, tuple[tuple[date, date], ...]] = {
    "north": (
        (date(2026, 12, 21), date(2027, 1, 1)),  # Christmas
        (date(2027, 3, 26), date(2027, 4, 2)),  # Easter 2027 (28 March)
    ),
    "us": ((date(2026, 11, 25), date(2026, 11, 27)), (date(2026, 12, 21), date(2027, 1, 8))),
    "south": ((date(2026, 12, 21), date(2027, 1, 8)),),
    "east": ((date(2027, 2, 5), date(2027, 2, 12)),),  # Lunar New Year 2027 (6 February)
}
BREAK_FAMILY = {
    "us": "us",
    "latam": "north",
    "south": "south",
    "japan": "east",
    "korea": "east",
    "china": "east",
    "india": "north",
}
ISCED = (
    "0413",
    "0413",
    "0414",
    "0311",
    "0312",
    "0314",
    "0111",
    "0114",
    "0231",
    "0232",
    "0613",
    "0613",
    "0611",
    "0421",
    "0913",
    "0923",
    "0521",
    "0731",
    "0715",
    "1015",
    "0211",
    "0212",
    "0222",
    "0322",
    "0412",
    "0533",
    "0541",
    "0711",
    "0811",
    "0912",
)
TAGS = tuple(
    f"outcome-{n}" for n in range(25)
)  # stand-ins for learning-outcome tags; only their overlap matters
LANGUAGES = ("en", "es", "fr", "de", "nl", "pt")


def _weighted(rng: random.Random, items: Sequence[tuple[T, int]]) -> T:
    return rng.choices([item for item, _ in items], [weight for _, weight in items])[0]


def generate_profile(rng: random.Random, pid: int) -> CourseProfile:
    """Return one random, realistic open course profile."""
    country = rng.choices(COUNTRIES, [c.weight for c in COUNTRIES])[0]
    tz = rng.choice(country.zones)
    month, day, weeks = rng.choice(CALENDARS[country.calendar])
    start = date(2026 if month >= 7 else 2027, month, day) + timedelta(days=rng.randint(-10, 10))
    start = monday_of(start) if rng.random() < 0.8 else start
    weeks += rng.randint(-2, 2)
    if rng.random() < 0.25:  # a block course inside the term
        offset = rng.randint(0, max(0, weeks - 8))
        start += timedelta(weeks=offset)
        weeks = rng.randint(6, 10)
    end = start + timedelta(weeks=weeks, days=-3)
    blocked = [
        period
        for period in BREAKS[BREAK_FAMILY.get(country.calendar, "north")]
        if start <= period[1] and period[0] <= end
    ]
    if rng.random() < 0.4:  # an exam week or reading week somewhere in the term
        week = start + timedelta(weeks=rng.randint(1, max(1, weeks - 1)))
        blocked.append((monday_of(week), monday_of(week) + timedelta(days=4)))

    meetings = []
    count = _weighted(rng, [(0, 1), (1, 5), (2, 4), (3, 1)])
    for weekday in rng.sample(range(5), count):
        hour = rng.randint(8, 17)
        minute = rng.choice((0, 0, 0, 0, 15, 30, 30, 45))
        length = _weighted(rng, [(60, 2), (90, 4), (120, 4), (180, 2)])
        end_minutes = min(hour * 60 + minute + length, 21 * 60)
        meetings.append(
            WeeklySlot(weekday, time(hour, minute), time(end_minutes // 60, end_minutes % 60), tz)
        )

    languages: list[tuple[str, str]] = []
    if rng.random() < 0.85 or not country.languages:
        languages.append(("en", rng.choices(("B1", "B2", "C1"), (35, 45, 20))[0]))
    local = [code for code in country.languages if code in LANGUAGES]
    if local and (not languages or rng.random() < 0.5):
        languages.append((rng.choice(local), rng.choice(("B1", "B2", "C1"))))
    instruction = tuple(country.languages[:1]) or ("en",)

    prefs_countries = frozenset(
        rng.sample([c.code for c in COUNTRIES], rng.randint(1, 2)) if rng.random() < 0.2 else ()
    )
    prefs_regions = frozenset(
        rng.sample(
            ["Europe", "Americas", "Asia", "Africa", "Oceania", "419", "Sub-Saharan Africa"], 1
        )
        if rng.random() < 0.2
        else ()
    )
    return CourseProfile(
        id=pid,
        institution_id=COUNTRIES.index(country) * 1000 + rng.randrange(country.weight * 20),
        country=country.code,
        isced=tuple(rng.sample(ISCED, 2 if rng.random() < 0.3 else 1)),
        eqf_level=rng.choices((5, 6, 7, 8), (5, 60, 30, 5))[0],
        working_languages=tuple(languages),
        instruction_languages=instruction,
        first_day=start,
        last_day=end,
        meetings=tuple(meetings),
        blocked=tuple(blocked),
        expected_students=int(rng.triangular(10, 120, 30)),
        exchange_weeks=rng.choices((4, 5, 6, 8), (3, 2, 3, 2))[0],
        sync_hours_per_week=rng.choices((0, 1, 1.5, 2, 3), (1, 3, 3, 2, 1))[0],
        preferred_countries=prefs_countries,
        preferred_regions=prefs_regions,
        sdgs=frozenset(rng.sample(range(1, 18), rng.randint(1, 3)) if rng.random() < 0.6 else ()),
        outcome_tags=frozenset(rng.sample(TAGS, rng.randint(2, 4))),
        discipline_preference=rng.choices(("same", "any", "different"), (50, 35, 15))[0],
    )


def build_pool(rng: random.Random, count: int) -> tuple[list[Prepared], list[float]]:
    """Return ``count`` prepared profiles and the time each ``prepare`` call took (seconds)."""
    pool, timings = [], []
    for pid in range(1, count + 1):
        profile = generate_profile(rng, pid)
        started = clock.perf_counter()
        pool.append(prepare(profile))
        timings.append(clock.perf_counter() - started)
    return pool, timings


def grow(pool: list[Prepared], size: int, rng: random.Random) -> list[Prepared]:
    """Return ``size`` open profiles: the pool, then copies of it under new ids and institutions."""
    grown = list(pool[:size])
    next_id = len(grown) + 1
    while len(grown) < size:
        source = pool[rng.randrange(len(pool))]
        institution = source.institution_id // 1000 * 1000 + 500 + rng.randrange(400)
        grown.append(replace(source, id=next_id, institution_id=institution))
        next_id += 1
    return grown


def memory_per_profile(rng: random.Random, count: int = 2000) -> float:
    """Return the bytes one prepared profile holds, measured with tracemalloc."""
    profiles = [generate_profile(rng, pid) for pid in range(count)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [prepare(profile) for profile in profiles]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return (after - before) / count


def all_open(pool: list[Prepared]) -> CandidateSource:
    """Return a source that hands every open profile to the ranking."""
    return lambda target: pool


def python_prefilter(pool: list[Prepared]) -> CandidateSource:
    """Return a source that keeps what the SQL pre-filter (dates, language) would keep."""

    def source(target: Prepared) -> list[Prepared]:
        bounds = prefilter_bounds(target)
        if bounds is None:
            return []
        earliest_last, latest_first, languages = bounds
        return [
            c
            for c in pool
            if c.last_day >= earliest_last
            and c.first_day <= latest_first
            and c.institution_id != target.institution_id
            and not languages.isdisjoint(c.language_set)
        ]

    return source


@dataclass
class Row:
    size: int
    source: str
    candidates: float
    fetch_ms: list[float]
    rank_ms: list[float]


def measure(
    name: str,
    source: CandidateSource,
    targets: Sequence[Prepared],
    blocked: set[frozenset[int]],
    size: int,
    limit: int | None,
) -> Row:
    """Time fetching candidates and ranking them for each target."""
    counts, fetch_ms, rank_ms = [], [], []
    for target in targets:
        started = clock.perf_counter()
        candidates = source(target)
        if not isinstance(candidates, list):
            candidates = list(candidates)
        fetched = clock.perf_counter()
        rank(target, candidates, blocked, limit=limit)
        done = clock.perf_counter()
        counts.append(len(candidates))
        fetch_ms.append((fetched - started) * 1000)
        rank_ms.append((done - fetched) * 1000)
    return Row(size, name, statistics.median(counts), fetch_ms, rank_ms)


def p95(values: Sequence[float]) -> float:
    """Return the 95th percentile (the largest value below 20 samples)."""
    if len(values) < 20:
        return max(values)
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="5000,50000,500000",
        help="open profiles to rank against, comma separated",
    )
    parser.add_argument("--repeat", type=int, default=9, help="targets timed per size")
    parser.add_argument(
        "--pool",
        type=int,
        default=20000,
        help="profiles generated and prepared one by one (larger sizes copy them)",
    )
    parser.add_argument(
        "--limit", type=int, default=20, help="matches returned per ranking (0: all, unpruned)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    rng = random.Random(args.seed)

    started = clock.perf_counter()
    pool, timings = build_pool(rng, min(args.pool, max(sizes)))
    per_profile_us = [t * 1e6 for t in timings]
    memory = memory_per_profile(random.Random(args.seed + 1))
    print(f"python {sys.version.split()[0]}, seed {args.seed}, limit {args.limit}")
    print(
        f"prepare: {len(pool):,} profiles in {clock.perf_counter() - started:.1f} s (with "
        f"generation); per profile median {statistics.median(per_profile_us):.0f} us, "
        f"p95 {p95(per_profile_us):.0f} us; memory {memory / 1024:.1f} KiB per prepared profile"
    )

    blocked = {frozenset(rng.sample([p.institution_id for p in pool[:2000]], 2)) for _ in range(50)}
    pick = random.Random(args.seed + 2)
    targets = [pool[pick.randrange(len(pool))] for _ in range(args.repeat)]
    rows = []
    for size in sizes:
        open_profiles = grow(pool, size, random.Random(args.seed + size))
        gc.collect()
        for name, source in (
            ("all", all_open(open_profiles)),
            ("prefiltered", python_prefilter(open_profiles)),
        ):
            rows.append(measure(name, source, targets, blocked, size, args.limit or None))
        del open_profiles

    header = (
        f"{'open':>9} {'source':<12} {'candidates':>15} {'median ms':>10} "
        f"{'p95 ms':>8} {'us/cand':>8} {'py filter ms':>13}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        median_ms = statistics.median(row.rank_ms)
        per_candidate = median_ms * 1000 / row.candidates if row.candidates else 0.0
        filter_ms = statistics.median(row.fetch_ms) if row.source != "all" else 0.0
        print(
            f"{row.size:>9,} {row.source:<12} {row.candidates:>15,.0f} {median_ms:>10.2f} "
            f"{p95(row.rank_ms):>8.2f} {per_candidate:>8.2f} {filter_ms:>13.1f}"
        )
    print(
        f"{len(targets)} targets per size, one core; 'all' ranks every open profile, "
        "'prefiltered' only those a SQL pre-filter on dates and language keeps (median count in "
        "'candidates'; the filter's own Python time in the last column, not in 'median ms')."
    )


if __name__ == "__main__":
    main()
