"""The course matching engine: hand-checked examples, each hard constraint, and properties."""

from __future__ import annotations

import ast
import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coil.courses.matching.reasons
from coil.core.regions import REGIONS, region_of
from coil.core.weekly import WeeklySlot
from coil.courses.matching import bounds as bounds_module
from coil.courses.matching import profile as match_profile
from coil.courses.matching import rank as ranking
from coil.courses.matching import verdicts, weeks
from coil.courses.matching.profile import CourseProfile, Prepared, dump, load, prepare
from coil.courses.matching.rank import WEIGHTS, prefilter_bounds, rank
from coil.courses.matching.reasons import Reason, render_en
from coil.courses.matching.verdicts import Match, explain_exclusion

AMS, MEX, SYD = "Europe/Amsterdam", "America/Mexico_City", "Australia/Sydney"


def slot(weekday: int, start: str, end: str, tz: str) -> WeeklySlot:
    return WeeklySlot(weekday, time.fromisoformat(start), time.fromisoformat(end), tz)


def profile(**overrides: Any) -> CourseProfile:
    values: dict[str, Any] = {
        "id": 1,
        "institution_id": 1,
        "country": "NL",
        "isced": ("0413",),
        "eqf_level": 6,
        "working_languages": (("en", "B2"),),
        "first_day": date(2025, 3, 3),
        "last_day": date(2025, 4, 11),
        "meetings": (slot(1, "14:00", "15:30", AMS),),
        "exchange_weeks": 6,
        "sync_hours_per_week": 1.5,
    }
    values.update(overrides)
    return CourseProfile(**values)


def amsterdam(**overrides: Any) -> CourseProfile:
    return profile(
        **{
            "discipline_preference": "same",
            "sdgs": frozenset({13}),
            "outcome_tags": frozenset({"teamwork", "intercultural communication"}),
            **overrides,
        }
    )


def mexico_city(**overrides: Any) -> CourseProfile:
    return profile(
        **{
            "id": 2,
            "institution_id": 2,
            "country": "MX",
            "isced": ("0413", "0311"),
            "eqf_level": 7,
            "working_languages": (("en", "B1"), ("es", "B2")),
            "first_day": date(2025, 1, 13),
            "last_day": date(2025, 5, 16),
            "meetings": (slot(1, "07:00", "08:30", MEX),),
            "sdgs": frozenset({13}),
            "outcome_tags": frozenset({"teamwork"}),
            **overrides,
        }
    )


def texts(match: Match) -> list[str]:
    return [render_en(reason) for reason in match.reasons]


def codes(reasons: list[Reason]) -> list[str]:
    return [reason.code for reason in reasons]


class TestExamples:
    def test_amsterdam_mexico_city_across_the_clock_change(self) -> None:
        # Amsterdam moves to summer time on 30 March 2025, Mexico City does not: Tue 14:00-15:30
        # in Amsterdam meets Tue 07:00-08:30 in Mexico City for four weeks, then only
        # 07:00-07:30 (30 minutes) for two. The lower median of 90,90,90,90,30,30 is 90.
        (match,) = rank(prepare(amsterdam()), [prepare(mexico_city())])
        assert match.candidate_id == 2
        assert match.components == pytest.approx(
            {
                "sync": 1.0,  # 90 of the wanted 90 minutes
                "discipline": 1.0,  # both 0413
                "level": 2 / 3,  # EQF 6 and 7
                "size": 1.0,  # 25 and 25
                "outcomes": 0.5,  # {teamwork} of {teamwork, intercultural communication}
                "geo": 0.7,  # another region, no preference
                "sdgs": 1.0,
            }
        )
        # (30 + 20 + 10 + 10 + 5 + 7 + 5) / 100
        assert match.score == 87
        assert texts(match) == [
            "6 overlapping weeks (3 Mar to 11 Apr)",
            "best window for the 6-week exchange: 3 Mar to 11 Apr",
            "1.5 shared class hours a week: Tue 14:00 to 15:30 in Europe/Amsterdam is 07:00 to "
            "08:30 in America/Mexico_City",
            "shared class time varies from 30 to 90 minutes a week (4 of 6 weeks have at least 90)",
            "working language English at level B2",
            "same field: 0413 Management and administration",
            "EQF levels 6 and 7",
            "class sizes 25 and 25 students",
            "shared SDGs: 13",
            "shared learning outcomes: teamwork",
            "partner in MX (Americas)",
        ]
        weeks, window, sync = match.reasons[:3]
        assert weeks.params == {
            "weeks": 6,
            "needed": 6,
            "first": date(2025, 3, 3),
            "last": date(2025, 4, 11),
            "blocks": ((date(2025, 3, 3), date(2025, 4, 11), 6),),
        }
        assert window.params == {"weeks": 6, "first": date(2025, 3, 3), "last": date(2025, 4, 11)}
        assert sync.params["minutes"] == 90
        assert sync.params["week"] == date(2025, 3, 3)

    def test_wanting_more_live_hours_lowers_the_score(self) -> None:
        (match,) = rank(prepare(amsterdam(sync_hours_per_week=3)), [prepare(mexico_city())])
        assert match.components["sync"] == 0.5
        assert match.score == 72  # (15 + 20 + 10 + 10 + 5 + 7 + 5) / 100

    def test_amsterdam_sydney_summer_term_across_the_new_year(self) -> None:
        # Sydney's summer term runs 16 Nov 2026 to 5 Mar 2027; Amsterdam's spring term starts
        # 4 Jan 2027. Sydney Mon 18:00-20:00 AEDT (UTC+11) is 07:00-09:00 UTC, Amsterdam Mon
        # 08:30-10:30 CET is 07:30-09:30 UTC: 90 shared minutes, every week, as neither side
        # changes its clocks before 28 March.
        target = amsterdam(
            first_day=date(2027, 1, 4),
            last_day=date(2027, 6, 25),
            blocked=((date(2027, 4, 26), date(2027, 4, 30)),),
            meetings=(slot(0, "08:30", "10:30", AMS),),
            exchange_weeks=8,
        )
        sydney = profile(
            id=3,
            institution_id=3,
            country="AU",
            first_day=date(2026, 11, 16),
            last_day=date(2027, 3, 5),
            meetings=(slot(0, "18:00", "20:00", SYD),),
        )
        (match,) = rank(prepare(target), [prepare(sydney)])
        assert texts(match)[:4] == [
            "9 overlapping weeks (4 Jan to 5 Mar)",
            "best window for the 8-week exchange: 4 Jan to 26 Feb",
            "1.5 shared class hours a week: Mon 08:30 to 10:00 in Europe/Amsterdam is 18:30 to "
            "20:00 in Australia/Sydney",
            "working language English at level B2",
        ]
        assert match.reasons[-1].params["region"] == "Oceania"

    def test_a_southern_term_broken_by_the_summer_break(self) -> None:
        # Amsterdam's autumn term against Sydney's summer term with its break from 21 Dec to
        # 8 Jan: 16 Nov to 18 Dec is 5 weeks, 11 to 29 Jan another 3. A 6-week exchange fits
        # in neither block; a 5-week one in the first.
        target = amsterdam(
            first_day=date(2026, 9, 7),
            last_day=date(2027, 1, 29),
            blocked=((date(2026, 12, 21), date(2027, 1, 1)),),
            meetings=(slot(0, "08:30", "10:30", AMS),),
        )
        sydney = profile(
            id=3,
            institution_id=3,
            country="AU",
            first_day=date(2026, 11, 16),
            last_day=date(2027, 3, 5),
            blocked=((date(2026, 12, 21), date(2027, 1, 8)),),
            meetings=(slot(0, "18:00", "20:00", SYD),),
        )
        assert rank(prepare(target), [prepare(sydney)]) == []
        (reason,) = explain_exclusion(prepare(target), prepare(sydney))
        assert render_en(reason) == (
            "8 overlapping teaching weeks, but at most 5 in a row (16 Nov to 18 Dec), 6 needed"
        )
        (match,) = rank(prepare(replace(target, exchange_weeks=5)), [prepare(sydney)])
        assert texts(match)[:2] == [
            "8 overlapping weeks in 2 blocks (16 Nov to 18 Dec, 11 Jan to 29 Jan)",
            "best window for the 5-week exchange: 16 Nov to 18 Dec",
        ]
        assert match.reasons[0].params["first"] == date(2026, 11, 16)

    def test_no_shared_class_hours(self) -> None:
        online = mexico_city(meetings=())
        (match,) = rank(prepare(amsterdam()), [prepare(online)])
        assert match.components["sync"] == 0.0
        assert "no shared class hours: asynchronous collaboration only" in texts(match)

    def test_stricter_level_and_language_asymmetry(self) -> None:
        target = amsterdam(
            working_languages=(("en", "B1"), ("nl", "B2")), instruction_languages=("nl",)
        )
        candidate = mexico_city(
            working_languages=(("en", "C1"), ("es", "B2")), instruction_languages=("es",)
        )
        (match,) = rank(prepare(target), [prepare(candidate)])
        language = next(r for r in match.reasons if r.code == "language")
        assert language.params == {"language": "en", "level": "C1"}
        # English is taught in by neither: no asymmetry to report. With English as Mexico
        # City's language of instruction, there is.
        assert "language_asymmetry" not in codes(list(match.reasons))
        candidate = replace(candidate, instruction_languages=("es", "en"))
        (match,) = rank(prepare(target), [prepare(candidate)])
        assert "English is the language of instruction of only one of the two courses" in texts(
            match
        )

    def test_discipline_preference_flips_the_component(self) -> None:
        ict = prepare(mexico_city(isced=("0613",)))
        same = rank(prepare(amsterdam()), [ict])[0]
        different = rank(prepare(amsterdam(discipline_preference="different")), [ict])[0]
        anything = rank(prepare(amsterdam(discipline_preference="any")), [ict])[0]
        assert same.components["discipline"] == 0.0
        assert different.components["discipline"] == 1.0
        assert "discipline" not in anything.components
        assert different.score > anything.score > same.score
        assert (
            "different fields: 0413 Management and administration and 0613 Software and "
            "applications development and analysis (as wanted)"
        ) in texts(different)

    @pytest.mark.parametrize(
        ("codes_", "expected", "text"),
        [
            (("0413",), 1.0, "same field: 0413 Management and administration"),
            (("0414",), 0.75, "same narrow field: 041 Business and administration"),
            (("0421",), 0.5, "same broad field: 04 Business, administration and law"),
            (("0311", "0421"), 0.5, "same broad field: 04 Business, administration and law"),
            (("9999",), None, "no field of education to compare"),
        ],
    )
    def test_discipline_levels(
        self, codes_: tuple[str, ...], expected: float | None, text: str
    ) -> None:
        (match,) = rank(prepare(amsterdam()), [prepare(mexico_city(isced=codes_))])
        assert match.components.get("discipline") == expected
        assert text in texts(match)

    def test_preferred_country_and_region(self) -> None:
        candidates = [
            prepare(mexico_city(id=10, institution_id=10, country="MX")),
            prepare(mexico_city(id=11, institution_id=11, country="BE")),
            prepare(mexico_city(id=12, institution_id=12, country="NL")),
            prepare(mexico_city(id=13, institution_id=13, country="BR")),
            prepare(mexico_city(id=14, institution_id=14, country="JP")),
        ]
        geo = {
            m.candidate_id: m.components["geo"]
            for m in rank(
                prepare(
                    amsterdam(
                        preferred_countries=frozenset({"BR"}),
                        preferred_regions=frozenset({"Latin America and the Caribbean"}),
                    )
                ),
                candidates,
            )
        }
        assert geo == {10: 0.9, 11: 0.4, 12: 0.0, 13: 1.0, 14: 0.7}
        by_code = rank(prepare(amsterdam(preferred_regions=frozenset({"419"}))), candidates)
        assert {m.candidate_id: m.components["geo"] for m in by_code}[10] == 0.9
        (match,) = rank(prepare(amsterdam(preferred_countries=frozenset({"BR"}))), candidates[3:4])
        assert texts(match)[-1] == "partner in BR (Americas), a preferred country"


class TestIssueCases:
    """The classes of defect an outside check found, end to end through ``rank`` and the reasons."""

    def test_sydney_amsterdam_is_matched_in_the_block_that_shares_an_hour(self) -> None:
        # Sydney's term is broken by the Easter break (6-10 April): 14 shared teaching weeks in
        # two blocks. In the first, Sydney Mon 18:00-20:00 AEDT (07:00-09:00 UTC) meets
        # Amsterdam Mon 09:00-10:00 CET (08:00-09:00 UTC) every week, and once Amsterdam is on
        # summer time (29 March) the Thursday classes meet too; after Sydney leaves summer time
        # on 5 April nothing is shared. The longer, second block must not hide the first.
        sydney = profile(
            id=3,
            institution_id=3,
            country="AU",
            first_day=date(2026, 2, 23),
            last_day=date(2026, 6, 5),
            blocked=((date(2026, 4, 6), date(2026, 4, 10)),),
            meetings=(slot(0, "18:00", "20:00", SYD), slot(3, "17:00", "18:00", SYD)),
            exchange_weeks=2,
            sync_hours_per_week=1,
        )
        europe = profile(
            first_day=date(2026, 2, 2),
            last_day=date(2026, 6, 26),
            meetings=(slot(0, "09:00", "10:00", AMS), slot(3, "08:00", "09:00", AMS)),
            exchange_weeks=2,
            sync_hours_per_week=1,
        )
        (match,) = rank(prepare(sydney), [prepare(europe)])
        assert match.components["sync"] == 1.0
        assert texts(match)[:4] == [
            "14 overlapping weeks in 2 blocks (23 Feb to 3 Apr, 13 Apr to 5 Jun)",
            "best window for the 2-week exchange: 23 Mar to 3 Apr",
            "1 shared class hour a week: Mon 19:00 to 20:00 in Australia/Sydney is 09:00 to "
            "10:00 in Europe/Amsterdam",
            "shared class time varies from 60 to 120 minutes a week (2 of 2 weeks have at "
            "least 60)",
        ]
        weeks = match.reasons[0].params
        assert (weeks["weeks"], weeks["first"], weeks["last"]) == (
            14,
            date(2026, 2, 23),
            date(2026, 4, 3),
        )
        (back,) = rank(prepare(europe), [prepare(sydney)])
        assert texts(back)[:3] == [
            "14 overlapping weeks in 2 blocks (23 Feb to 3 Apr, 13 Apr to 5 Jun)",
            "best window for the 2-week exchange: 23 Mar to 3 Apr",
            "1 shared class hour a week: Mon 09:00 to 10:00 in Europe/Amsterdam is 19:00 to "
            "20:00 in Australia/Sydney",
        ]

    def test_a_monday_morning_class_in_tokyo_is_one_window_every_week(self) -> None:
        # Tokyo Mon 08:30-10:00 and Sydney Mon 10:00-11:30 are on Sunday evening in UTC and
        # share 23:30-00:30 UTC, across Monday 00:00 UTC, in every week including the first.
        term = {"first_day": date(2026, 2, 23), "last_day": date(2026, 3, 27), "exchange_weeks": 5}
        tokyo = profile(meetings=(slot(0, "08:30", "10:00", "Asia/Tokyo"),), **term)
        sydney = profile(id=2, institution_id=2, meetings=(slot(0, "10:00", "11:30", SYD),), **term)
        (match,) = rank(prepare(tokyo), [prepare(sydney)])
        assert texts(match)[:3] == [
            "5 overlapping weeks (23 Feb to 27 Mar)",
            "best window for the 5-week exchange: 23 Feb to 27 Mar",
            "1 shared class hour a week: Mon 08:30 to 09:30 in Asia/Tokyo is 10:30 to 11:30 "
            "in Australia/Sydney",
        ]
        assert "sync_varies" not in codes(list(match.reasons))

    def test_auckland_monday_meets_honolulu_sunday_across_the_date_line(self) -> None:
        # Auckland Mon 12:00-14:00 NZDT is Sun 13:00-15:00 HST (Sunday 23:00 to Monday 01:00
        # UTC): the two classes run together every week, the first included, as Honolulu
        # already teaches the Sunday before.
        auckland = profile(
            first_day=date(2026, 3, 2),
            last_day=date(2026, 3, 27),
            meetings=(slot(0, "12:00", "14:00", "Pacific/Auckland"),),
            exchange_weeks=4,
        )
        honolulu = profile(
            id=2,
            institution_id=2,
            country="US",
            first_day=date(2026, 2, 23),
            last_day=date(2026, 3, 27),
            meetings=(slot(6, "13:00", "15:00", "Pacific/Honolulu"),),
            exchange_weeks=4,
        )
        (match,) = rank(prepare(auckland), [prepare(honolulu)])
        assert texts(match)[:3] == [
            "4 overlapping weeks (2 Mar to 27 Mar)",
            "best window for the 4-week exchange: 2 Mar to 27 Mar",
            "2 shared class hours a week: Mon 12:00 to 14:00 in Pacific/Auckland is Sun 13:00 "
            "to 15:00 in Pacific/Honolulu",
        ]
        assert "sync_varies" not in codes(list(match.reasons))
        (back,) = rank(prepare(honolulu), [prepare(auckland)])
        assert texts(back)[2] == (
            "2 shared class hours a week: Sun 13:00 to 15:00 in Pacific/Honolulu is Mon 12:00 "
            "to 14:00 in Pacific/Auckland"
        )

    def test_times_off_the_quarter_hour_count_to_the_minute(self) -> None:
        # Amsterdam 16:10-17:40 is 15:10-16:40 UTC until 29 March, 14:10-15:40 UTC after;
        # Mexico City 09:05-10:20 is 15:05-16:20 UTC: 70 minutes in winter, 35 in summer.
        europe = profile(
            first_day=date(2026, 3, 2),
            last_day=date(2026, 4, 24),
            meetings=(slot(1, "16:10", "17:40", AMS),),
            exchange_weeks=8,
        )
        mexico = mexico_city(
            first_day=date(2026, 1, 12),
            last_day=date(2026, 5, 8),
            meetings=(slot(1, "09:05", "10:20", MEX),),
        )
        (match,) = rank(prepare(europe), [prepare(mexico)])
        assert texts(match)[1:4] == [
            "best window for the 8-week exchange: 2 Mar to 24 Apr",
            "35 shared class minutes a week: Tue 17:05 to 17:40 in Europe/Amsterdam is 09:05 "
            "to 09:40 in America/Mexico_City",
            "shared class time varies from 35 to 70 minutes a week (8 of 8 weeks have at least 35)",
        ]
        (match,) = rank(prepare(replace(europe, exchange_weeks=4)), [prepare(mexico)])
        assert match.components["sync"] == pytest.approx(70 / 90)
        assert texts(match)[1:3] == [
            "best window for the 4-week exchange: 2 Mar to 27 Mar",
            "70 shared class minutes a week: Tue 16:10 to 17:20 in Europe/Amsterdam is 09:10 "
            "to 10:20 in America/Mexico_City",
        ]

    def test_some_weeks_share_time_but_not_most(self) -> None:
        # Amsterdam Tue 14:00-15:30 meets Mexico City Tue 06:00-06:30 only in summer time
        # (12:00-13:30 UTC against 12:00-12:30 UTC): 2 of the 6 weeks.
        europe = amsterdam(first_day=date(2025, 3, 3), last_day=date(2025, 4, 11))
        early = mexico_city(meetings=(slot(1, "06:00", "06:30", MEX),))
        (match,) = rank(prepare(europe), [prepare(early)])
        assert match.components["sync"] == 0.0
        assert texts(match)[2] == (
            "shared class time in only 2 of 6 weeks, up to 30 minutes a week: Tue 14:00 to "
            "14:30 in Europe/Amsterdam is 06:00 to 06:30 in America/Mexico_City"
        )

    def test_classes_on_blocked_days_do_not_happen(self) -> None:
        # Easter Monday 6 April 2026 is blocked in Amsterdam; the week still has four teaching
        # days, but its Monday class does not take place.
        europe = profile(
            first_day=date(2026, 3, 2),
            last_day=date(2026, 4, 24),
            blocked=((date(2026, 4, 6), date(2026, 4, 6)),),
            meetings=(slot(0, "14:00", "15:30", AMS),),
            exchange_weeks=8,
        )
        mexico = mexico_city(
            first_day=date(2026, 1, 12),
            last_day=date(2026, 5, 8),
            meetings=(slot(0, "06:00", "07:30", MEX),),
        )
        (match,) = rank(prepare(europe), [prepare(mexico)])
        varies = next(r for r in match.reasons if r.code == "sync_varies")
        assert (varies.params["low"], varies.params["high"]) == (0, 90)

    def test_too_few_weeks_in_a_row_counts_every_shared_week(self) -> None:
        target = amsterdam(
            first_day=date(2026, 9, 7),
            last_day=date(2027, 1, 29),
            blocked=((date(2026, 12, 21), date(2027, 1, 1)),),
            meetings=(slot(0, "08:30", "10:30", AMS),),
        )
        sydney = profile(
            id=3,
            institution_id=3,
            country="AU",
            first_day=date(2026, 11, 16),
            last_day=date(2027, 3, 5),
            blocked=((date(2026, 12, 21), date(2027, 1, 8)),),
            meetings=(slot(0, "18:00", "20:00", SYD),),
        )
        (reason,) = explain_exclusion(prepare(target), prepare(sydney))
        assert render_en(reason) == (
            "8 overlapping teaching weeks, but at most 5 in a row (16 Nov to 18 Dec), 6 needed"
        )


class TestHardConstraints:
    def setup_method(self) -> None:
        self.target = prepare(amsterdam())
        self.good = prepare(mexico_city())

    def test_a_good_candidate_has_no_exclusion(self) -> None:
        assert explain_exclusion(self.target, self.good) == []

    def test_same_institution(self) -> None:
        candidate = prepare(mexico_city(institution_id=1))
        assert rank(self.target, [candidate]) == []
        assert codes(explain_exclusion(self.target, candidate)) == ["same_institution"]

    def test_blocked_institutions(self) -> None:
        pairs = {frozenset({2, 1}), frozenset({5, 6})}
        assert rank(self.target, [self.good], pairs) == []
        assert rank(self.target, [self.good], {frozenset({5, 6})}) != []
        (reason,) = explain_exclusion(self.target, self.good, pairs)
        assert render_en(reason) == "the two institutions do not pair with each other"

    def test_too_few_weeks(self) -> None:
        short = prepare(mexico_city(last_day=date(2025, 3, 28)))
        assert rank(self.target, [short]) == []
        (reason,) = explain_exclusion(self.target, short)
        assert reason == Reason(
            "too_few_weeks",
            {
                "weeks": 4,
                "needed": 6,
                "longest": 4,
                "first": date(2025, 3, 3),
                "last": date(2025, 3, 28),
            },
        )

    def test_a_blocked_week_breaks_the_run(self) -> None:
        easter = prepare(mexico_city(blocked=((date(2025, 3, 24), date(2025, 3, 28)),)))
        assert rank(self.target, [easter]) == []
        params = explain_exclusion(self.target, easter)[0].params
        assert (params["weeks"], params["longest"]) == (5, 3)

    def test_no_overlap_at_all(self) -> None:
        autumn = prepare(mexico_city(first_day=date(2025, 9, 1), last_day=date(2025, 12, 12)))
        (reason,) = explain_exclusion(self.target, autumn)
        assert render_en(reason) == "no overlapping teaching weeks, 6 needed"

    def test_no_shared_language(self) -> None:
        spanish = prepare(mexico_city(working_languages=(("es", "B2"),)))
        assert rank(self.target, [spanish]) == []
        (reason,) = explain_exclusion(self.target, spanish)
        assert render_en(reason) == "no shared working language (target: en; candidate: es)"

    def test_every_failed_constraint_is_reported(self) -> None:
        bad = prepare(
            mexico_city(
                institution_id=1, working_languages=(("es", "B2"),), last_day=date(2025, 3, 14)
            )
        )
        assert codes(explain_exclusion(self.target, bad)) == [
            "same_institution",
            "too_few_weeks",
            "no_shared_language",
        ]


class TestScores:
    def test_score_grows_with_shared_hours(self) -> None:
        # Mexico City classes from 07:00, 06:45, ... 05:00 share 90, 75, ... 0 minutes with
        # Amsterdam's 14:00-15:30 in the weeks before 30 March.
        target = prepare(
            amsterdam(
                sync_hours_per_week=2, first_day=date(2025, 1, 13), last_day=date(2025, 3, 21)
            )
        )
        candidates = []
        for n in range(7):
            start = datetime(2025, 1, 1, 7) - timedelta(minutes=15 * n)
            meeting = WeeklySlot(1, start.time(), (start + timedelta(minutes=90)).time(), MEX)
            candidates.append(
                prepare(mexico_city(id=100 + n, institution_id=100 + n, meetings=(meeting,)))
            )
        matches = rank(target, candidates)
        minutes_by_id = {
            m.candidate_id: next(
                r for r in m.reasons if r.code in ("sync_hours", "no_sync")
            ).params.get("minutes", 0)
            for m in matches
        }
        assert [minutes_by_id[100 + n] for n in range(7)] == [90, 75, 60, 45, 30, 15, 0]
        assert [m.candidate_id for m in matches] == [100 + n for n in range(7)]
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        assert len(set(scores)) == 7

    def test_deterministic_and_independent_of_order(self) -> None:
        target, pool = _pool(seed=3, size=40)
        first = rank(target, pool)
        shuffled = list(pool)
        random.Random(1).shuffle(shuffled)
        assert rank(target, shuffled) == first
        assert rank(target, pool, limit=5) == first[:5]

    def test_symmetric_when_preferences_match(self) -> None:
        a = prepare(amsterdam(discipline_preference="same"))
        b = prepare(
            mexico_city(
                discipline_preference="same",
                sdgs=frozenset({13, 4}),
                outcome_tags=frozenset({"teamwork", "design"}),
            )
        )
        (ab,) = rank(a, [b])
        (ba,) = rank(b, [a])
        assert ab.score == ba.score
        for name in ("sync", "discipline", "level", "size", "sdgs", "outcomes"):
            assert ab.components[name] == pytest.approx(ba.components[name])

    def test_weights_add_up_to_100(self) -> None:
        assert sum(WEIGHTS.values()) == 100


class TestData:
    def test_regions_cover_every_iso_country(self) -> None:
        assert len(REGIONS) == 250  # 249 ISO 3166-1 countries and Kosovo
        assert region_of("NL") == "Europe"
        assert region_of("MX") == "Americas"
        assert region_of("AU") == "Oceania"
        assert region_of("ZA") == "Africa"
        assert region_of("TR") == "Asia"
        assert {"Sub-Saharan Africa", "202", "Southern Africa", "018"} <= REGIONS["ZA"].keys
        with pytest.raises(ValueError, match="unknown country code 'EU'"):
            region_of("EU")

    def test_profile_validation(self) -> None:
        with pytest.raises(ValueError, match="unknown ISCED-F code '0614'"):
            profile(isced=("0614",))
        with pytest.raises(ValueError, match="CEFR level 'B3'"):
            profile(working_languages=(("en", "B3"),))
        with pytest.raises(ValueError, match="one time zone"):
            profile(meetings=(slot(0, "10:00", "11:00", AMS), slot(1, "10:00", "11:00", MEX)))
        with pytest.raises(ValueError, match="EQF level"):
            profile(eqf_level=4)
        with pytest.raises(ValueError, match="unknown country 'XX'"):
            profile(country="XX")
        assert prepare(profile(country="XX", region="Europe")).region == "Europe"

    def test_dump_and_load(self) -> None:
        target, pool = _pool(seed=5, size=30)
        loaded = [load(dump(p)) for p in pool]
        assert loaded == pool
        assert rank(load(dump(target)), loaded) == rank(target, pool)

    def test_pure_module(self) -> None:
        # The engine runs in benchmarks and workers without an app: no Flask, no database.
        for module in (
            ranking,
            match_profile,
            verdicts,
            weeks,
            coil.courses.matching.reasons,
            isced_module(),
        ):
            tree = ast.parse(Path(module.__file__).read_text())  # type: ignore[arg-type]
            imported = {
                name.split(".")[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom)
                for name in (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
            }
            assert not imported & {"flask", "flask_sqlalchemy", "sqlalchemy"}


def isced_module() -> Any:
    from coil.courses import isced

    return isced


# -- properties ---------------------------------------------------------------------------------

ZONES = {
    "NL": AMS,
    "MX": MEX,
    "AU": SYD,
    "US": "America/New_York",
    "ZA": "Africa/Johannesburg",
    "BR": "America/Sao_Paulo",
    "NZ": "Pacific/Auckland",
    "JP": "Asia/Tokyo",
    "NP": "Asia/Kathmandu",
}


@st.composite
def profiles(draw: st.DrawFn, pid: int) -> CourseProfile:
    country = draw(st.sampled_from(sorted(ZONES)))
    first = draw(st.dates(date(2026, 1, 1), date(2027, 6, 30)))
    last = first + timedelta(days=draw(st.integers(14, 150)))
    blocked = ()
    if draw(st.booleans()):
        start = first + timedelta(days=draw(st.integers(0, (last - first).days)))
        blocked = ((start, start + timedelta(days=draw(st.integers(0, 13)))),)
    meetings = tuple(
        WeeklySlot(
            draw(st.integers(0, 4)),
            time(hour, 0),
            time(hour + draw(st.integers(1, 3)), draw(st.sampled_from([0, 30]))),
            ZONES[country],
        )
        for hour in draw(st.lists(st.integers(8, 17), max_size=2, unique=True))
    )
    languages = draw(
        st.lists(st.sampled_from(["en", "es", "nl"]), min_size=1, max_size=2, unique=True)
    )
    return CourseProfile(
        id=pid,
        institution_id=draw(st.integers(1, 4)),
        country=country,
        isced=tuple(
            draw(
                st.lists(
                    st.sampled_from(["0413", "0414", "0613", "0311", "9999"]),
                    min_size=0,
                    max_size=2,
                    unique=True,
                )
            )
        ),
        eqf_level=draw(st.integers(5, 8)),
        working_languages=tuple(
            (code, draw(st.sampled_from(match_profile.CEFR_LEVELS))) for code in languages
        ),
        first_day=first,
        last_day=last,
        meetings=meetings,
        blocked=blocked,
        expected_students=draw(st.integers(1, 120)),
        exchange_weeks=draw(st.integers(1, 8)),
        sync_hours_per_week=draw(st.sampled_from([0, 0.5, 1, 1.5, 3])),
        preferred_countries=frozenset(draw(st.lists(st.sampled_from(sorted(ZONES)), max_size=2))),
        preferred_regions=frozenset(
            draw(st.lists(st.sampled_from(["Europe", "419", "Oceania"]), max_size=1))
        ),
        sdgs=frozenset(draw(st.lists(st.integers(1, 17), max_size=3))),
        outcome_tags=frozenset(draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3))),
        discipline_preference=draw(st.sampled_from(["same", "different", "any"])),
    )


@st.composite
def markets(draw: st.DrawFn) -> tuple[Prepared, list[Prepared], set[frozenset[int]]]:
    target = prepare(draw(profiles(0)))
    size = draw(st.integers(0, 8))
    candidates = [prepare(draw(profiles(n))) for n in range(1, size + 1)]
    pairs = set(
        draw(st.lists(st.frozensets(st.integers(1, 4), min_size=2, max_size=2), max_size=2))
    )
    return target, candidates, pairs


@settings(max_examples=80, deadline=None)
@given(markets())
def test_ranking_properties(market: tuple[Prepared, list[Prepared], set[frozenset[int]]]) -> None:
    target, candidates, pairs = market
    matches = rank(target, candidates, pairs)
    ranked = {m.candidate_id for m in matches}
    for c in candidates:
        # Ranked exactly when no hard constraint fails.
        assert (c.id in ranked) == (explain_exclusion(target, c, pairs) == [])
    for m in matches:
        assert 0 <= m.score <= 100
        assert all(0.0 <= value <= 1.0 for value in m.components.values())
        assert all(isinstance(render_en(reason), str) for reason in m.reasons)
    keys = [(-m.score, m.candidate_id) for m in matches]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    assert rank(target, list(reversed(candidates)), pairs) == matches
    for limit in (1, 2, 3):
        assert rank(target, candidates, pairs, limit=limit) == matches[:limit]
    bounds = prefilter_bounds(target)
    if bounds is None:
        assert matches == []
    else:
        # The database pre-filter never drops a course that ranking would keep.
        by_id = {c.id: c for c in candidates}
        for m in matches:
            c = by_id[m.candidate_id]
            assert c.last_day >= bounds.earliest_last_day
            assert c.first_day <= bounds.latest_first_day
            assert not bounds.languages.isdisjoint(c.language_set)


def _pool(seed: int, size: int) -> tuple[Prepared, list[Prepared]]:
    rng = random.Random(seed)
    zones = sorted(ZONES.items())

    def make(pid: int) -> Prepared:
        country, tz = rng.choice(zones)
        first = date(2026, 1, 5) + timedelta(days=rng.randrange(0, 200))
        hour = rng.randrange(8, 17)
        return prepare(
            profile(
                id=pid,
                institution_id=rng.randrange(1, 10),
                country=country,
                isced=(rng.choice(["0413", "0414", "0613", "0311"]),),
                eqf_level=rng.choice([6, 6, 7]),
                first_day=first,
                last_day=first + timedelta(weeks=rng.randrange(6, 20)),
                meetings=(slot(rng.randrange(5), f"{hour:02d}:00", f"{hour + 2:02d}:00", tz),),
                expected_students=rng.randrange(10, 120),
                sdgs=frozenset(rng.sample(range(1, 18), 2)),
                outcome_tags=frozenset(rng.sample(["a", "b", "c", "d", "e"], 2)),
                discipline_preference=rng.choice(["same", "different", "any"]),
            )
        )

    return make(0), [make(n) for n in range(1, size + 1)]


class TestPrefilter:
    def test_bounds_of_the_amsterdam_example(self) -> None:
        # Teaching weeks 3 Mar to 11 Apr (6), exchange of 6: the shared run must be exactly
        # those weeks, so a partner must teach at least Mon-Wed of the first and the last week.
        bounds = prefilter_bounds(prepare(amsterdam()))
        assert bounds == (date(2025, 4, 9), date(2025, 3, 5), frozenset({"en"}))

    def test_no_bounds_without_a_long_enough_run(self) -> None:
        assert prefilter_bounds(prepare(amsterdam(exchange_weeks=7))) is None

    def test_never_drops_a_ranked_course(self) -> None:
        for seed in range(6):
            target, pool = _pool(seed=seed, size=300)
            bounds = prefilter_bounds(target)
            assert bounds is not None
            kept = [
                c
                for c in pool
                if c.last_day >= bounds.earliest_last_day
                and c.first_day <= bounds.latest_first_day
                and not bounds.languages.isdisjoint(c.language_set)
            ]
            ranked = rank(target, pool)
            assert ranked, seed
            assert rank(target, kept) == ranked
            assert len(kept) < len(pool)


# -- the columnar bound and the pruned ranking ----------------------------------------------------


def _score_all_reference(
    target: Prepared, candidates: list[Prepared], pairs: set[frozenset[int]]
) -> list[Any]:
    # The ranking loop as it was before bounds and heaps: every candidate that passes the hard
    # constraints is scored with the same arithmetic, in the same order of operations, then
    # sorted. rank(..., limit=n) must return exactly the first n of these.
    blocked = ranking._blocked_partners(target.institution_id, pairs)
    bounds = prefilter_bounds(target)
    if bounds is None:
        return []
    wanted = target.sync_minutes
    discipline = ranking._DISCIPLINE_SCORES.get(target.discipline_preference)
    if not target.broad:
        discipline = None
    n_tags = len(target.tags)
    w = WEIGHTS
    base_weight = w["level"] + w["size"] + w["geo"] + (w["sync"] if wanted else 0)
    base_weight += (w["outcomes"] if target.tags else 0) + (w["sdgs"] if target.sdgs else 0)
    scored = []
    for c in candidates:
        if c.last_day < bounds.earliest_last_day or c.first_day > bounds.latest_first_day:
            continue
        if c.institution_id == target.institution_id or c.institution_id in blocked:
            continue
        if target.language_set.isdisjoint(c.language_set):
            continue
        weight = base_weight
        t_students = target.students
        size = c.students / t_students if c.students < t_students else t_students / c.students
        level = 1.0 - abs(c.eqf - target.eqf) / 3
        partial = w["size"] * size + w["level"] * level
        disc = None
        if discipline is not None and c.broad:
            if not target.detailed.isdisjoint(c.detailed):
                disc = discipline[0]
            elif not target.narrow.isdisjoint(c.narrow):
                disc = discipline[1]
            elif not target.broad.isdisjoint(c.broad):
                disc = discipline[2]
            else:
                disc = discipline[3]
            partial += w["discipline"] * disc
            weight += w["discipline"]
        outcomes = None
        if n_tags:
            shared_tags = len(target.tags & c.tags)
            outcomes = shared_tags / (n_tags + len(c.tags) - shared_tags)
            partial += w["outcomes"] * outcomes
        sdgs = None
        if target.sdgs:
            sdgs = (target.sdgs & c.sdgs).bit_count() / (target.sdgs | c.sdgs).bit_count()
            partial += w["sdgs"] * sdgs
        if c.country in target.preferred_countries:
            geo = ranking.GEO_PREFERRED_COUNTRY
        elif target.preferred_regions and not target.preferred_regions.isdisjoint(c.region_keys):
            geo = ranking.GEO_PREFERRED_REGION
        elif c.country == target.country:
            geo = ranking.GEO_SAME_COUNTRY
        elif c.region == target.region:
            geo = ranking.GEO_SAME_REGION
        else:
            geo = ranking.GEO_OTHER_REGION
        partial += w["geo"] * geo
        need = target.exchange_weeks
        blocks = [block for block in verdicts._blocks(target, c) if block[1] >= need]
        if not blocks:
            continue
        if not wanted:
            lo, minutes, sync, raw = -1, -1, None, partial / weight
        else:
            lo, minutes, _ = weeks.best_window(target.segments, c.segments, blocks, need)
            sync = minutes / wanted if minutes < wanted else 1.0
            raw = (partial + w["sync"] * sync) / weight
        values = (sync, disc, level, size, outcomes, geo, sdgs)
        scored.append((-raw, c.id, c, lo, need, minutes, values))
    return sorted(scored, key=lambda item: (item[0], item[1]))


def _reference(
    target: Prepared, candidates: list[Prepared], pairs: set[frozenset[int]], limit: int | None
) -> list[Match]:
    scored = _score_all_reference(target, candidates, pairs)
    return [ranking._match(target, item) for item in scored[:limit]]


@st.composite
def crowded_markets(draw: st.DrawFn) -> tuple[Prepared, list[Prepared], set[frozenset[int]]]:
    # More candidates than the limits, and copies under new ids: equal scores, ties by id.
    target, candidates, pairs = draw(markets())
    more = [prepare(draw(profiles(n))) for n in range(100, 100 + draw(st.integers(0, 16)))]
    candidates += more
    copies = draw(st.lists(st.sampled_from(candidates), max_size=12)) if candidates else []
    candidates += [replace(c, id=500 + n) for n, c in enumerate(copies)]
    return target, draw(st.permutations(candidates)), pairs


@settings(max_examples=120, deadline=None)
@given(crowded_markets(), st.sampled_from([None, 1, 2, 3, 5, 20]))
def test_pruned_ranking_equals_the_reference(
    market: tuple[Prepared, list[Prepared], set[frozenset[int]]], limit: int | None
) -> None:
    target, candidates, pairs = market
    expected = _reference(target, candidates, pairs, limit)
    assert rank(target, candidates, pairs, limit=limit) == expected
    assert rank(target, iter(candidates), pairs, limit=limit) == expected


def _assert_upper_bounds(
    target: Prepared, candidates: list[Prepared], pairs: set[frozenset[int]]
) -> None:
    bounds = prefilter_bounds(target)
    if bounds is None:
        return
    discipline = ranking._DISCIPLINE_SCORES.get(target.discipline_preference)
    upper = bounds_module.upper_bounds(
        target,
        candidates,
        WEIGHTS,
        discipline if target.broad else None,
        ranking._GEO_ROW,
        bounds.earliest_last_day.toordinal(),
        bounds.latest_first_day.toordinal(),
    )
    by_id = {c.id: n for n, c in enumerate(candidates)}
    for neg_raw, cid, *_ in _score_all_reference(target, candidates, pairs):
        assert upper[by_id[cid]] >= -neg_raw - 1e-12


@settings(max_examples=60, deadline=None)
@given(crowded_markets())
def test_bounds_are_upper_bounds(
    market: tuple[Prepared, list[Prepared], set[frozenset[int]]],
) -> None:
    _assert_upper_bounds(*market)


class TestColumns:
    def test_records_are_rebuilt_by_load_and_replace(self) -> None:
        _, pool = _pool(seed=7, size=50)
        for p in pool:
            assert load(dump(p)).columns == p.columns
            assert dump(load(dump(p)))["v"] == 2  # derived data: the stored format is unchanged
        moved = replace(pool[0], eqf=pool[0].eqf + 1)
        assert moved.columns != pool[0].columns
        assert moved.columns == replace(moved, id=99).columns

    def test_a_profile_the_record_cannot_hold_is_always_scored(self) -> None:
        target, pool = _pool(seed=8, size=200)
        odd = [
            replace(pool[0], id=1000, detailed=frozenset({"4242"}) | pool[0].detailed),
            replace(pool[1], id=1001, country="Narnia"),
            replace(pool[2], id=1002, meeting_union=1 << 896),
        ]
        assert all(bounds_module.is_unbounded(p) for p in odd)
        candidates = pool + odd
        for limit in (1, 5, 20, None):
            assert rank(target, candidates, limit=limit) == _reference(
                target, candidates, set(), limit
            )

    def test_an_unbounded_target_ranks_without_bounds(self) -> None:
        target, pool = _pool(seed=9, size=200)
        target = replace(target, country="Narnia")
        assert bounds_module.is_unbounded(target)
        assert rank(target, pool, limit=10) == _reference(target, pool, set(), 10)

    def test_bounds_hold_on_large_markets(self) -> None:
        for seed in range(4):
            target, pool = _pool(seed=seed, size=300)
            _assert_upper_bounds(target, pool, set())

    def test_large_market_with_ties(self) -> None:
        target, pool = _pool(seed=10, size=400)
        pool += [replace(c, id=1000 + c.id) for c in pool[::3]]
        random.Random(10).shuffle(pool)
        for limit in (1, 20, 100, None):
            assert rank(target, pool, limit=limit) == _reference(target, pool, set(), limit)
