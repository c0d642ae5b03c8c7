"""Calendar files: one session's .ics, the personal feed, its secret address; parsed back."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar

from coil.schedule import feeds, services
from tests.schedule.conftest import AMS, MEX


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["CALSCALE"]) == "GREGORIAN"
    assert "PRODID" in calendar and "X-WR-CALNAME" in calendar
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def feed_address(auth) -> str:
    page = auth.post("/sessions/calendar", {}).get_data(as_text=True)
    match = re.search(r'value="https?://[^"]*(/sessions/feed/[^"]+\.ics)"', page)
    assert match, page
    assert "webcal://" in page
    return match.group(1)


def test_session_download_parses_back_in_utc_with_uid_and_sequence(world, client, auth, db):
    session = world.plan(day=date(2027, 3, 23), start=time(14), end=time(15, 30), tz=AMS)
    session.sequence = 3
    db.session.commit()
    auth.login(world.bruno.email)
    response = client.get(f"/sessions/{session.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert b"DTSTART:20270323T130000Z" in response.data
    (event,) = events(response.data).values()
    assert str(event["UID"]) == session.uid and int(event["SEQUENCE"]) == 3
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2027, 3, 23, 13, 0, tzinfo=UTC)
    assert end == datetime(2027, 3, 23, 14, 30, tzinfo=UTC)
    # What a calendar program in each city shows.
    assert start.astimezone(ZoneInfo(MEX)).strftime("%H:%M") == "07:00"
    assert start.astimezone(ZoneInfo(AMS)).strftime("%H:%M") == "14:00"
    assert "Zoom" in str(event["LOCATION"]) and "Europe/Amsterdam" in str(event["DESCRIPTION"])


def test_a_students_feed_holds_exchange_and_own_team_sessions(world, client, auth, db):
    world.plan(title="Kick-off")
    world.plan(team=world.team1, title="Tulips", day=date(2027, 3, 30))
    world.plan(team=world.team2, title="Cacti")
    db.session.commit()
    auth.login(world.bruno.email)
    address = feed_address(auth)
    auth.logout()
    response = client.get(address)  # no log-in: the token is the key
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.data)
    assert set(found) == {"Kick-off", "Tulips (Tulips)"}
    after_change = found["Tulips (Tulips)"].decoded("DTSTART")
    assert after_change == datetime(2027, 3, 30, 12, 0, tzinfo=UTC)
    assert after_change.astimezone(ZoneInfo(AMS)).hour == 14
    assert after_change.astimezone(ZoneInfo(MEX)).hour == 6


def test_a_lecturers_feed_holds_their_exchanges_sessions(world, client, auth, db):
    world.plan(title="Kick-off")
    world.plan(team=world.team2, title="Cacti")
    db.session.commit()
    auth.login(world.mx_lecturer.email)
    assert set(events(client.get(feed_address(auth)).data)) == {"Kick-off"}


def test_renewing_the_address_kills_the_old_one(world, client, auth):
    auth.login(world.anna.email)
    old = feed_address(auth)
    assert client.get(old).status_code == 200
    new = feed_address(auth)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert "You have a calendar address" in client.get("/sessions/calendar").get_data(as_text=True)


def test_a_wrong_token_is_404(world, client, db):
    feeds.issue_feed_token(world.anna)
    db.session.commit()
    assert client.get("/sessions/feed/not-the-token.ics").status_code == 404
    assert client.get(f"/sessions/feed/{'x' * 300}.ics").status_code == 404


def test_a_cancelled_session_leaves_the_feed(world, client, auth, db):
    session = world.plan(title="Kick-off")
    db.session.commit()
    auth.login(world.anna.email)
    address = feed_address(auth)
    services.cancel_session(world.nl_lecturer, session)
    db.session.commit()
    assert events(client.get(address).data) == {}
