"""iCalendar (RFC 5545) files for live sessions, built with the icalendar library.

Start and end are written in UTC (``…Z``): every calendar program reads UTC right and shows
it in the reader's own zone, with no VTIMEZONE to get wrong. The organiser's local time is
spelled out in the description, so the session still reads as planned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from coil.core.time import local, utcnow
from coil.schedule.models import LiveSession

PRODID = "-//COIL//Live sessions//EN"
REFRESH = timedelta(hours=1)


def session_event(
    session: LiveSession, link: str, stamp: datetime, organiser_time: str = ""
) -> Event:
    """Return the VEVENT of one session; ``link`` is the session's page on the site."""
    event = Event()
    event.add("uid", session.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", session.sequence)
    summary = session.title
    if session.team is not None:
        summary = f"{session.title} ({session.team.name or session.team.number})"
    event.add("summary", summary)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    lines = [session.description.strip()] if session.description.strip() else []
    if organiser_time:
        lines.append(organiser_time)
    lines.append(link)
    event.add("description", "\n\n".join(lines))
    if session.location:
        event.add("location", session.location)
    event.add("url", link)
    event.add("status", "CONFIRMED")
    return event


def organiser_time(session: LiveSession) -> str:
    """Render the organiser's wall-clock time: "Tue 2027-03-23 14:00-15:30 Europe/Amsterdam"."""
    start = local(session.starts_at, session.timezone)
    end = local(session.ends_at, session.timezone)
    return f"{start:%a %Y-%m-%d %H:%M}-{end:%H:%M} {session.timezone}"


def calendar_bytes(
    sessions: Iterable[LiveSession],
    name: str,
    link: Callable[[LiveSession], str],
    *,
    feed: bool = False,
) -> bytes:
    """Return a VCALENDAR holding ``sessions`` as UTF-8 bytes."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if feed:
        # How often subscribers should refresh (RFC 7986; the X- name for older programs).
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    stamp = utcnow().replace(microsecond=0)
    for session in sessions:
        cal.add_component(session_event(session, link(session), stamp, organiser_time(session)))
    return cal.to_ical()
