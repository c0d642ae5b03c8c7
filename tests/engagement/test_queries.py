"""Figures per student, team, class and week, and the warnings, against conftest's history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coil.engagement import queries
from coil.engagement.services import set_inactivity_days
from coil.engagement.summary import overview
from coil.evidence import kinds
from tests.engagement.conftest import NOW


def by_name(students):
    return {student.name: student for student in students}


def test_per_student_figures(world):
    students = by_name(queries.student_figures(world.exchange))
    assert set(students) == {"Anna", "Bram", "Carla", "Diego", "Elena"}  # Dirk dropped out
    anna = students["Anna"].figures
    assert (anna.active_days, anna.messages, anna.cross, anna.turns) == (2, 12, 9, 3)
    assert (anna.sessions, anna.minutes, anna.tasks, anna.documents, anna.reflections) == (
        1,
        50,
        1,
        2,
        1,
    )
    assert anna.cross_rate == 0.75
    assert anna.last_active.isoformat() == "2027-02-27T17:00:00+00:00"
    assert (students["Bram"].figures.messages, students["Bram"].figures.turns) == (2, 1)
    assert students["Diego"].figures.cross == 1
    elena = students["Elena"].figures
    assert (elena.messages, elena.active_days, elena.last_active) == (0, 0, None)
    assert students["Anna"].team_id == world.teams[0].id


def test_team_balance(world):
    students = queries.student_figures(world.exchange)
    alpha, beta = queries.team_figures(world.exchange, students)
    ids = {key: world[key].id for key in ("anna", "bram", "diego", "elena")}
    assert len(alpha.members) == 4 and alpha.totals.messages == 15
    assert alpha.message_shares[ids["anna"]] == pytest.approx(0.8)
    assert alpha.message_shares[ids["elena"]] == 0.0
    assert alpha.message_gini == pytest.approx(74 / 120)
    assert alpha.turn_gini == pytest.approx(20 / 32)
    nl, mx = world.courses["nl"].id, world.courses["mx"].id
    assert alpha.course_members == {nl: 2, mx: 2}
    assert alpha.course_shares[nl] == pytest.approx(14 / 15)
    assert alpha.totals.cross_rate == pytest.approx(10 / 15)
    assert beta.totals.messages == 5 and beta.message_gini == 0.0 and beta.turn_gini is None


def test_class_and_exchange_totals(world):
    students = queries.student_figures(world.exchange)
    everyone = queries.totals(students)[None]
    assert (everyone.messages, everyone.cross, everyone.minutes) == (20, 10, 50)
    per_class = queries.totals(students, "course_id")
    assert per_class[world.courses["nl"].id].messages == 19
    assert per_class[world.courses["mx"].id].messages == 1


def test_weekly_counts_fold_days_into_the_exchange_weeks(world):
    daily = queries.daily_counts(world.exchange)
    weeks = queries.weekly_counts(world.exchange, daily)
    assert len(weeks) == 13 and weeks[0]["starts"].isoformat() == "2027-02-01"
    messages = [week["counts"].get(kinds.MESSAGE, 0) for week in weeks[:5]]
    # Dirk's 4 messages of 15 Feb still happened: the chart counts events, not active students
    assert messages == [0, 1, 6 + 4, 13, 0]
    assert weeks[3]["counts"][kinds.SESSION_ATTENDED] == 2


def test_weeks_stretch_to_hold_events_outside_the_exchange_dates(world):
    day = world.exchange.start_date
    daily = {
        (day - timedelta(days=1), kinds.MESSAGE): 2,  # the Sunday before: a week 0
        (day - timedelta(days=8), kinds.MESSAGE): 3,  # a week -1
        (world.exchange.end_date + timedelta(days=10), kinds.MESSAGE): 1,
    }
    weeks = queries.weekly_counts(world.exchange, daily)
    assert [w["week"] for w in weeks[:3]] == [-1, 0, 1]
    assert weeks[0]["starts"] == day - timedelta(days=14)
    assert [w["counts"].get(kinds.MESSAGE, 0) for w in weeks[:3]] == [3, 2, 0]
    assert weeks[-1]["week"] == 15 and weeks[-1]["counts"] == {kinds.MESSAGE: 1}


def warnings_of(world, days=None):
    if days is not None:
        set_inactivity_days(world["lena"], world.exchange, days)
    seen = overview(world.exchange, NOW)
    names = {world[key].id: key for key in ("anna", "bram", "carla", "diego", "elena")}
    return [(w.code, names.get(w.user_id), w.team_id) for w in seen.warnings], seen


def test_early_warnings_with_their_reasons(world):
    found, seen = warnings_of(world)
    alpha, beta = (team.id for team in world.teams)
    assert found == [
        ("never_active", "elena", alpha),
        ("inactive", "diego", alpha),
        ("own_class_only", "carla", beta),
        ("dominant_person", "anna", alpha),
        ("dominant_class", None, alpha),
        ("no_session", None, beta),
    ]
    by_code = {w.code: w for w in seen.warnings}
    assert by_code["inactive"].params == {"days": 19}
    assert by_code["dominant_class"].params["course_id"] == world.courses["nl"].id


def test_the_lecturers_inactivity_days_change_who_is_flagged(world):
    found, seen = warnings_of(world, days=20)
    assert seen.days == 20
    codes = [code for code, *_ in found]
    assert "inactive" not in codes  # Diego was quiet for 19 days
    assert "never_active" in codes  # the exchange started 28 days ago
    found, _ = warnings_of(world, days=29)
    assert "never_active" not in [code for code, *_ in found]
