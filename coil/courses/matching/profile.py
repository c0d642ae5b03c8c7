"""A course profile as the matching engine reads it, and its prepared form.

``CourseProfile`` is what a lecturer describes (checked on construction); ``prepare`` turns it
into ``Prepared``, which holds what ranking needs (teaching weeks as bits, class meetings as
segments of local weeks with their minutes, see ``weeks``) and is the only step that uses
zoneinfo. ``dump`` / ``load`` store the prepared form as JSON-safe data and rebuild it without
zoneinfo; ``FORMAT`` names the stored shape, and ``is_current`` tells a stored form that must be
prepared again. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from coil.core.regions import REGION_NAMES, REGIONS, region_of
from coil.core.weekly import WeeklySlot, teaching_weeks, week_bits
from coil.courses import isced
from coil.courses.matching.bounds import record
from coil.courses.matching.frames import local_week_meetings
from coil.courses.matching.weeks import Segment, _segments, _union

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# The stored shape of a prepared form. 1: UTC quarter-hour masks per UTC week (rounded inwards);
# 2: minute intervals per local week, blocked days left out.
FORMAT = 2
DisciplinePreference = Literal["same", "different", "any"]


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
    if any(t.second or t.microsecond for slot in p.meetings for t in (slot.start, slot.end)):
        problems.append("class meeting times are whole minutes")
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
    meeting_union: int  # every quarter of the week's frame a meeting touches, in any week
    # Derived from the fields above whenever a form is built (prepare, load, replace), so never
    # stale and never dumped: the numbers that bound this course's score in a columnar snapshot.
    columns: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", record(self))


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


def prepare(profile: CourseProfile) -> Prepared:
    """Precompute what ranking needs from a course profile (the only step that uses zoneinfo)."""
    weeks = teaching_weeks(profile.first_day, profile.last_day, profile.blocked)
    week0, teaching = week_bits(weeks)
    meetings = local_week_meetings(
        profile.meetings, profile.first_day, profile.last_day, profile.blocked, weeks
    )
    tz = profile.meetings[0].tz if profile.meetings else ""
    region = profile.region or region_of(profile.country)
    segments = _segments(meetings, tz)
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


def dump(p: Prepared) -> dict[str, Any]:
    """Return the prepared form as JSON-safe data (the teaching weeks as a hex string)."""
    return {
        "v": FORMAT,
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
            [
                first,
                end,
                [minute for interval in intervals for minute in interval],
                [list(step) for step in offsets],
            ]
            for first, end, intervals, offsets in p.segments
        ],
    }


def is_current(data: Mapping[str, Any]) -> bool:
    """Tell whether stored ``dump`` output has this engine's format (else prepare it again)."""
    return data.get("v") == FORMAT


def load(data: Mapping[str, Any]) -> Prepared:
    """Rebuild a prepared form from ``dump`` output, without zoneinfo.

    Raises ValueError for another format (see ``is_current``): an older form describes the
    course in units this engine no longer reads.
    """
    if not is_current(data):
        raise ValueError(f"unknown prepared-profile format {data.get('v')!r}")
    detailed, narrow, broad = _isced_sets(data["isced"])
    languages = tuple((code, int(level)) for code, level in data["languages"])
    segments = tuple(
        (
            first,
            end,
            tuple(zip(minutes[::2], minutes[1::2], strict=True)),
            tuple((minute, offset) for minute, offset in offsets),
        )
        for first, end, minutes, offsets in data["segments"]
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
