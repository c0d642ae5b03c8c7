"""Planning in the organiser's zone, DST gaps, sequence, attendance precedence, feed tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from coil.core.errors import ServiceError
from coil.core.time import local
from coil.schedule import feeds, services
from coil.schedule.models import Attendance, CalendarFeed, LiveSession
from tests.schedule.conftest import AMS, MEX

PAST = date(2025, 1, 7)  # sessions that have started, for attendance


def test_amsterdam_afternoon_is_utc_and_mexico_city_morning(world, db):
    session = world.plan(day=date(2027, 3, 23), start=time(14, 0), end=time(15, 30), tz=AMS)
    db.session.commit()
    assert session.starts_at == datetime(2027, 3, 23, 13, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2027, 3, 23, 14, 30, tzinfo=UTC)
    assert local(session.starts_at, MEX).strftime("%a %H:%M") == "Tue 07:00"
    assert session.timezone == AMS and session.sequence == 0 and session.uid.endswith("@coil")


def test_after_the_european_clock_change_14_00_amsterdam_is_12_00_utc(world, db):
    session = world.plan(day=date(2027, 3, 30), start=time(14, 0), end=time(15, 0), tz=AMS)
    assert session.starts_at == datetime(2027, 3, 30, 12, 0, tzinfo=UTC)
    assert local(session.starts_at, MEX).hour == 6


def test_a_time_in_the_dst_gap_is_refused_and_says_why(world):
    with pytest.raises(ServiceError) as caught:
        world.plan(day=date(2027, 3, 28), start=time(2, 30), end=time(4, 0), tz=AMS)
    assert caught.value.code == "dst_gap" and caught.value.field == "start"
    assert "does not exist" in caught.value.message


@pytest.mark.parametrize(
    ("start", "end", "tz", "field"),
    [
        (time(15, 0), time(14, 0), AMS, "end"),
        (time(15, 0), time(15, 0), AMS, "end"),
        (time(15, 0), time(16, 0), "Mars/Olympus_Mons", "timezone"),
    ],
)
def test_bad_times_are_refused(world, start, end, tz, field):
    with pytest.raises(ServiceError) as caught:
        world.plan(start=start, end=end, tz=tz)
    assert caught.value.field == field


def test_who_may_plan(world):
    world.plan(actor=world.mx_lecturer)  # any lecturer of the exchange
    world.plan(actor=world.anna, team=world.team1)  # a member, for their own team
    for actor, team in (
        (world.coordinator, None),
        (world.anna, None),
        (world.anna, world.team2),
        (world.outsider, None),
        (world.other_lecturer, None),
    ):
        with pytest.raises(ServiceError):
            world.plan(actor=actor, team=team)


def test_editing_bumps_the_sequence_and_keeps_the_uid(world, db):
    session = world.plan()
    uid = session.uid
    data = services.SessionData("Kick-off (moved)", date(2027, 3, 24), time(9), time(10), MEX)
    services.update_session(world.mx_lecturer, session, data)
    db.session.commit()
    assert (session.sequence, session.uid) == (1, uid)
    assert session.starts_at == datetime(2027, 3, 24, 15, 0, tzinfo=UTC)
    with pytest.raises(ServiceError):
        services.update_session(world.anna, session, data)


def test_cancelling_deletes(world, db):
    session = world.plan()
    db.session.commit()
    services.cancel_session(world.nl_lecturer, session)
    db.session.commit()
    assert db.session.scalar(select(LiveSession)) is None


def test_lecturer_mark_wins_over_presence(world, db):
    session = world.plan(team=world.team1, day=PAST)
    assert services.record_presence(session, world.anna).source == "presence"
    services.mark_attendance(world.nl_lecturer, session, world.anna, "excused")
    services.record_presence(session, world.anna)  # she reconnects to the live room
    services.mark_attendance(world.mx_lecturer, session, world.bruno, "absent")
    services.record_presence(session, world.bruno)
    db.session.commit()
    rows = {r.user_id: r for r in db.session.scalars(select(Attendance))}
    assert (rows[world.anna.id].status, rows[world.anna.id].source) == ("excused", "lecturer")
    assert (rows[world.bruno.id].status, rows[world.bruno.id].source) == ("absent", "lecturer")


def test_attendance_rules(world):
    past = world.plan(team=world.team1, day=PAST)
    future = world.plan(team=world.team1)
    assert services.record_presence(past, world.carla) is None  # not in this team
    assert services.record_presence(past, world.nl_lecturer) is None
    for actor, session, user, status in (
        (world.anna, past, world.bruno, "present"),  # students do not mark
        (world.coordinator, past, world.anna, "present"),
        (world.nl_lecturer, future, world.anna, "present"),  # not started
        (world.nl_lecturer, past, world.carla, "present"),  # not expected
        (world.nl_lecturer, past, world.anna, "late"),
    ):
        with pytest.raises(ServiceError):
            services.mark_attendance(actor, session, user, status)


def test_feed_token_is_stored_hashed_and_renewing_kills_the_old_one(world, db):
    first = feeds.issue_feed_token(world.anna)
    db.session.commit()
    stored = db.session.scalar(select(CalendarFeed.token_hash))
    assert stored == feeds.feed_token_hash(first) and first not in stored
    assert feeds.feed_owner(first) == world.anna
    second = feeds.issue_feed_token(world.anna)
    db.session.commit()
    assert feeds.feed_owner(first) is None
    assert feeds.feed_owner(second) == world.anna
    assert feeds.feed_owner("") is None


def test_planning_a_team_session_sends_no_live_event(world, db, emitted):
    # No page listens for session events, so none is sent (docs/realtime.md lists every event):
    # the team finds the session on the schedule page and in its calendar feed.
    session = world.plan(team=world.team1)
    db.session.commit()
    assert session.id is not None
    assert not emitted.called
