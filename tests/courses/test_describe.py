"""Reasons and meeting times as text in the viewer's language."""

from __future__ import annotations

import ast
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale

from coil.core.time import utcnow
from coil.core.weekly import SharedInterval, WeeklySlot
from coil.courses.describe import KNOWN_CODES, describe, meeting_times
from coil.courses.matching import reasons, verdicts
from coil.courses.matching.profile import CourseProfile, prepare
from coil.courses.matching.rank import rank
from coil.courses.matching.reasons import Reason
from coil.courses.matching.verdicts import explain_exclusion

AMS, MEX, SYD = "Europe/Amsterdam", "America/Mexico_City", "Australia/Sydney"
LOCALES = ("en", "nl")


def emitted_codes() -> set[str]:
    """Every reason code the engine constructs: the first argument of each Reason(...)."""
    tree = ast.parse(Path(verdicts.__file__).read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Reason"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def interval(day: int, a: str, b: str, minutes: int = 90) -> SharedInterval:
    a_start = datetime.fromisoformat(f"2025-03-{day:02d}T{a}")
    b_start = datetime.fromisoformat(b)
    delta = timedelta(minutes=minutes)
    return SharedInterval(
        a_start, a_start + delta, a_start, a_start + delta, b_start, b_start + delta
    )


SAMPLES = [
    Reason(
        "weeks", {"weeks": 6, "needed": 6, "first": date(2025, 3, 3), "last": date(2025, 4, 11)}
    ),
    Reason(
        "weeks", {"weeks": 1, "needed": 1, "first": date(2025, 12, 29), "last": date(2026, 1, 2)}
    ),
    Reason(
        "weeks",
        {
            "weeks": 14,
            "needed": 2,
            "first": date(2026, 2, 23),
            "last": date(2026, 4, 3),
            "blocks": (
                (date(2026, 2, 23), date(2026, 4, 3), 6),
                (date(2026, 4, 13), date(2026, 6, 5), 8),
            ),
        },
    ),
    Reason("window", {"weeks": 2, "first": date(2026, 3, 23), "last": date(2026, 4, 3)}),
    Reason(
        "sync_hours",
        {
            "minutes": 90,
            "intervals": (interval(4, "14:00", "2025-03-04T07:00"),),
            "tz_a": AMS,
            "tz_b": MEX,
            "week": date(2025, 3, 3),
        },
    ),
    Reason(
        "sync_hours",
        {
            "minutes": 60,
            "intervals": (interval(3, "08:00", "2025-03-03T18:00", 60),),
            "tz_a": AMS,
            "tz_b": SYD,
            "week": date(2025, 3, 3),
        },
    ),
    Reason(
        "sync_hours",
        {
            "minutes": 35,
            "intervals": (interval(4, "17:05", "2025-03-04T09:05", 35),),
            "tz_a": AMS,
            "tz_b": MEX,
            "week": date(2025, 3, 3),
        },
    ),
    Reason("no_sync", {"weeks": 6}),
    Reason(
        "sync_some",
        {
            "weeks": 6,
            "weeks_with": 2,
            "high": 30,
            "intervals": (interval(4, "14:00", "2025-03-04T06:00", 30),),
            "tz_a": AMS,
            "tz_b": MEX,
            "week": date(2025, 3, 31),
        },
    ),
    Reason(
        "sync_varies",
        {"low": 30, "high": 90, "weeks": 6, "typical": 90, "weeks_at_typical": 4},
    ),
    Reason("language", {"language": "en", "level": "B2"}),
    Reason("language", {"language": "qu", "level": "B2"}),  # not in the offered list
    Reason("language_asymmetry", {"language": "es", "instruction_side": "target"}),
    Reason("language_asymmetry", {"language": "es", "instruction_side": "candidate"}),
    Reason("discipline", {"relation": None, "preference": "any"}),
    *[
        Reason(
            "discipline",
            {
                "relation": relation,
                "preference": preference,
                "target_code": "0413",
                "candidate_code": "0311" if relation == "different" else "0413",
                "shared_code": {
                    "same_detailed": "0413",
                    "same_narrow": "041",
                    "same_broad": "04",
                }.get(relation),
            },
        )
        for relation in ("same_detailed", "same_narrow", "same_broad", "different")
        for preference in ("same", "different", "any")
    ],
    Reason("level", {"target": 6, "candidate": 6}),
    Reason("level", {"target": 6, "candidate": 8}),
    Reason("class_size", {"target": 25, "candidate": 40}),
    Reason("sdgs", {"shared": (4, 13)}),
    Reason("outcomes", {"shared": ("intercultural communication", "teamwork")}),
    *[
        Reason(
            "geo",
            {"country": country, "region": region, "relation": relation, "preferred": preferred},
        )
        for country, region, relation in (
            ("NL", "Europe", "same_country"),
            ("DE", "Europe", "same_region"),
            ("MX", "Americas", "other_region"),
            ("AQ", "Antarctica", "other_region"),
        )
        for preferred in (None, "country", "region")
    ],
    Reason("same_institution", {}),
    Reason("institutions_blocked", {}),
    Reason(
        "too_few_weeks",
        {"weeks": 3, "needed": 6, "first": date(2025, 3, 3), "last": date(2025, 3, 21)},
    ),
    Reason(
        "too_few_weeks",
        {
            "weeks": 8,
            "needed": 6,
            "longest": 5,
            "first": date(2026, 11, 16),
            "last": date(2026, 12, 18),
        },
    ),
    Reason("too_few_weeks", {"weeks": 0, "needed": 6}),
    Reason("no_shared_language", {"target": ("en",), "candidate": ("es", "pt")}),
]


def profile(**overrides) -> CourseProfile:
    values = {
        "id": 1,
        "institution_id": 1,
        "country": "NL",
        "isced": ("0413",),
        "eqf_level": 6,
        "working_languages": (("en", "B2"),),
        "instruction_languages": ("nl",),
        "first_day": date(2025, 3, 3),
        "last_day": date(2025, 4, 11),
        "meetings": (WeeklySlot(1, time(14), time(15, 30), AMS),),
        "sdgs": frozenset({13}),
        "outcome_tags": frozenset({"teamwork"}),
        "discipline_preference": "same",
    }
    values.update(overrides)
    return CourseProfile(**values)


def mexico_city(**overrides) -> CourseProfile:
    values = {
        "id": 2,
        "institution_id": 2,
        "country": "MX",
        "isced": ("0413", "0311"),
        "eqf_level": 7,
        "working_languages": (("en", "B1"), ("es", "B2")),
        "instruction_languages": ("en",),
        "first_day": date(2025, 1, 13),
        "last_day": date(2025, 5, 16),
        "meetings": (WeeklySlot(1, time(7), time(8, 30), MEX),),
        **overrides,
    }
    return profile(**values)


def engine_reasons() -> list[Reason]:
    (match,) = rank(prepare(profile()), [prepare(mexico_city())])
    async_only = rank(prepare(profile()), [prepare(mexico_city(meetings=()))])
    excluded = explain_exclusion(
        prepare(profile()),
        prepare(mexico_city(institution_id=1, working_languages=(("es", "B2"),))),
    )
    blocked = explain_exclusion(prepare(profile()), prepare(mexico_city()), {frozenset({1, 2})})
    return [*match.reasons, *async_only[0].reasons, *excluded, *blocked]


def test_every_code_the_engine_emits_has_a_text() -> None:
    codes = emitted_codes()
    assert codes  # the extraction still finds the engine's reasons
    assert codes <= KNOWN_CODES
    assert set(reasons._RENDER_EN) >= KNOWN_CODES
    assert {sample.code for sample in SAMPLES} == KNOWN_CODES


@pytest.mark.parametrize("locale", LOCALES)
def test_every_reason_renders_in_each_language(app, locale: str) -> None:
    with force_locale(locale):
        for reason in [*SAMPLES, *engine_reasons()]:
            rendered = describe(reason)
            assert rendered, reason
            assert "%(" not in rendered and "another reason" not in rendered, rendered


def test_amsterdam_and_mexico_city_read_right(app) -> None:
    (match,) = rank(prepare(profile()), [prepare(mexico_city())])
    with force_locale("en"):
        texts = [describe(reason) for reason in match.reasons]
    assert texts == [
        "6 overlapping weeks (3 Mar to 11 Apr)",
        "best window for the 6-week exchange: 3 Mar to 11 Apr",
        "1.5 shared class hours a week: Tue 14:00 to 15:30 in Amsterdam is 07:00 to 08:30 in "
        "Mexico City",
        "shared class time varies from 30 to 90 minutes a week (4 of 6 weeks have at least 90)",
        "working language English at level B2",
        "English is taught in by the other course only, not by this one",
        "same field: 0413 Management and administration",
        "EQF levels 6 (bachelor) and 7 (master)",
        "class sizes 25 and 25 students",
        "shared SDGs: 13 Climate action",
        "shared learning outcomes: teamwork",
        "partner in Mexico (Americas)",
    ]
    with force_locale("nl"):
        dutch = [describe(reason) for reason in match.reasons]
    assert "3 mrt" in dutch[0]
    assert "1,5" in dutch[2]
    assert "di 14:00" in dutch[2]
    assert "Engels" in dutch[4]
    assert "Mexico" in dutch[-1]
    assert "Amerika" in dutch[-1]


def test_details_in_other_forms(app) -> None:
    with force_locale("en"):
        assert describe(SAMPLES[1]) == "1 overlapping week (29 Dec 2025 to 2 Jan 2026)"
        # Sydney is already on Monday evening when Amsterdam is on Monday morning.
        assert describe([s for s in SAMPLES if s.code == "sync_hours"][1]) == (
            "1 shared class hour a week: Mon 08:00 to 09:00 in Amsterdam is 18:00 to 19:00 in "
            "Sydney"
        )
        too_few = [s for s in SAMPLES if s.code == "too_few_weeks"]
        assert describe(too_few[0]) == (
            "only 3 overlapping teaching weeks (3 Mar to 21 Mar), 6 needed"
        )
        assert describe(too_few[1]) == (
            "8 overlapping teaching weeks, but at most 5 in a row (16 Nov to 18 Dec), 6 needed"
        )
        assert describe(too_few[2]) == "no overlapping teaching weeks, 6 needed"
        weeks = [s for s in SAMPLES if s.code == "weeks"]
        assert describe(weeks[2]) == (
            "14 overlapping weeks in 2 blocks (23 Feb to 3 Apr and 13 Apr to 5 Jun)"
        )
        window = next(s for s in SAMPLES if s.code == "window")
        assert describe(window) == "best window for the 2-week exchange: 23 Mar to 3 Apr"
        minutes = [s for s in SAMPLES if s.code == "sync_hours"][2]
        assert describe(minutes) == (
            "35 shared class minutes a week: Tue 17:05 to 17:40 in Amsterdam is 09:05 to 09:40 "
            "in Mexico City"
        )
        some = next(s for s in SAMPLES if s.code == "sync_some")
        assert describe(some) == (
            "shared class time in only 2 of 6 weeks, up to 30 minutes a week: Tue 14:00 to "
            "14:30 in Amsterdam is 06:00 to 06:30 in Mexico City"
        )
        assert describe(SAMPLES[-1]) == (
            "no shared working language (this course: English; the other course: Spanish and "
            "Portuguese)"
        )


def test_unknown_codes_and_broken_params_fall_back(app) -> None:
    with force_locale("en"):
        assert describe(Reason("moon_phase", {})) == "another reason (moon_phase)"
        assert describe(Reason("weeks", {"weeks": 6})) == "another reason (weeks)"


def test_meeting_times_in_both_zones(app) -> None:
    meetings = [{"weekday": 1, "start": "14:00", "end": "15:30"}]
    first, last = date(2025, 3, 3), date(2025, 4, 11)
    with force_locale("en"):
        (row,) = meeting_times(meetings, AMS, MEX, first, last, today=date(2024, 1, 1))
        assert (row.course_time, row.viewer_time, row.day) == (
            "Tue 14:00 to 15:30",
            "Tue 07:00 to 08:30",
            date(2025, 3, 4),
        )
        # After Amsterdam's clock change on 30 March the gap is one hour smaller.
        (row,) = meeting_times(meetings, AMS, MEX, first, last, today=date(2025, 3, 31))
        assert (row.viewer_time, row.day) == ("Tue 06:00 to 07:30", date(2025, 4, 1))
        late = [{"weekday": 0, "start": "16:30", "end": "17:30"}]
        (row,) = meeting_times(late, MEX, AMS, first, last, today=date(2024, 1, 1))
        assert row.viewer_time == "Mon 23:30 to Tue 00:30"  # past midnight for the viewer
        assert meeting_times(meetings, "Nowhere/Atlantis", MEX, first, last, utcnow().date()) == []
    with force_locale("nl"):
        (row,) = meeting_times(meetings, AMS, MEX, first, last, today=date(2024, 1, 1))
        assert re.match(r"di 14:00 .* 15:30", row.course_time)
