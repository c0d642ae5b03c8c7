"""Every state change of live sessions: planning, changing, cancelling, attendance, feed tokens.

Times are entered as a local date and wall-clock times in the organiser's zone and stored in UTC.
Cancelling deletes the session: calendar feeds then simply drop it (a subscribed calendar
removes events that vanish from the feed), and its attendance goes with it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.core.time import is_timezone, utcnow
from coil.core.weekly import zone
from coil.evidence import kinds
from coil.evidence.backfill import Backfill, backfill_requested
from coil.evidence.models import LedgerEvent
from coil.evidence.services import record
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.schedule.models import ATTENDANCE_STATUSES, Attendance, LiveSession
from coil.schedule.permissions import can_edit_session, can_schedule, can_take_attendance
from coil.teams.models import Team, TeamMember

log = logging.getLogger(__name__)
MAX_MINUTES = 12 * 60


@dataclass(frozen=True)
class SessionData:
    title: str
    day: date
    start: time
    end: time
    timezone: str  # the organiser's IANA zone; day, start and end are wall-clock times there
    description: str = ""
    location: str = ""
    team: Team | None = None


def local_to_utc(day: date, clock: time, tz: str, field: str = "start") -> datetime:
    """Return the UTC moment of wall-clock ``clock`` on ``day`` in ``tz``.

    A time skipped by the change to summer time is refused (there is no such moment); a time
    that occurs twice (autumn) is read as the first of the two, as zoneinfo does by default.
    """
    if not is_timezone(tz):
        raise ServiceError(
            _("Choose a time zone from the list, e.g. Europe/Amsterdam."), "timezone"
        )
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=zone(tz))
    moment = aware.astimezone(UTC)
    if moment.astimezone(zone(tz)).replace(tzinfo=None) != naive:
        raise ServiceError(
            _(
                "%(time)s does not exist on %(date)s in %(zone)s: the clocks move forward "
                "that night. Choose a time after the change.",
                time=clock.strftime("%H:%M"),
                date=day.isoformat(),
                zone=tz,
            ),
            field,
            code="dst_gap",
        )
    return moment


def _times(data: SessionData) -> tuple[datetime, datetime]:
    if not data.title.strip():
        raise ServiceError(_("Give the session a title."), "title")
    starts_at = local_to_utc(data.day, data.start, data.timezone, "start")
    ends_at = local_to_utc(data.day, data.end, data.timezone, "end")
    if ends_at <= starts_at:
        raise ServiceError(_("The session must end after it starts."), "end", code="order")
    if (ends_at - starts_at).total_seconds() > MAX_MINUTES * 60:
        raise ServiceError(_("A session lasts at most 12 hours."), "end")
    return starts_at, ends_at


def create_session(actor: User, exchange: Exchange, data: SessionData) -> LiveSession:
    """Plan a live session for the exchange or one of its teams."""
    if not can_schedule(actor, exchange, data.team):
        raise ServiceError(_("You cannot plan a session here."), "team_id", code="forbidden")
    starts_at, ends_at = _times(data)
    session = LiveSession(
        exchange=exchange,
        team=data.team,
        title=data.title.strip()[:200],
        description=data.description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=data.timezone,
        location=data.location.strip()[:300],
        uid=f"{uuid.uuid4()}@coil",
        sequence=0,
        created_by_id=actor.id,
    )
    db.session.add(session)
    db.session.flush()
    log.info("user %s planned session %s in exchange %s", actor.id, session.id, exchange.id)
    return session


def update_session(actor: User, session: LiveSession, data: SessionData) -> LiveSession:
    """Change a session; its iCalendar SEQUENCE goes up so calendars take the new version."""
    if not can_edit_session(actor, session) or not can_schedule(actor, session.exchange, data.team):
        raise ServiceError(_("You cannot change this session."), "team_id", code="forbidden")
    session.starts_at, session.ends_at = _times(data)
    session.title = data.title.strip()[:200]
    session.description = data.description.strip()
    session.location = data.location.strip()[:300]
    session.timezone = data.timezone
    session.team = data.team
    session.sequence += 1
    db.session.flush()
    log.info("user %s changed session %s (sequence %s)", actor.id, session.id, session.sequence)
    return session


def cancel_session(actor: User, session: LiveSession) -> None:
    """Cancel a session: it is deleted, and feeds drop it."""
    if not can_edit_session(actor, session):
        raise ServiceError(_("You cannot cancel this session."), code="forbidden")
    db.session.delete(session)
    db.session.flush()
    log.info("user %s cancelled session %s", actor.id, session.id)


def participants(session: LiveSession) -> list[User]:
    """Return the students expected at ``session``: the team's, or the exchange's active ones."""
    if session.team_id is not None:
        query = (
            select(User)
            .join(TeamMember, TeamMember.user_id == User.id)
            .where(TeamMember.team_id == session.team_id)
        )
    else:
        query = (
            select(User)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.exchange_id == session.exchange_id, Enrolment.status == "active")
        )
    return list(db.session.scalars(query.order_by(User.name, User.id)))


def _attendance(session: LiveSession, user: User) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    )


def mark_attendance(actor: User, session: LiveSession, user: User, status: str) -> Attendance:
    """Record a lecturer's mark (present, absent, excused); it overrides live-room presence."""
    if not can_take_attendance(actor, session):
        raise ServiceError(_("Only the exchange's lecturers take attendance."), code="forbidden")
    if status not in ATTENDANCE_STATUSES:
        raise ServiceError(_("Choose present, absent or excused."), "status")
    if session.starts_at > utcnow():
        raise ServiceError(_("Attendance can be taken once the session has started."))
    if user.id not in {p.id for p in participants(session)}:
        raise ServiceError(_("%(name)s is not expected at this session.", name=user.name))
    row = _attendance(session, user)
    if row is None:
        row = Attendance(session_id=session.id, user_id=user.id)
        db.session.add(row)
    if row.present_since is not None:
        _close_stretch(row, utcnow())
    row.status, row.source = status, "lecturer"
    row.recorded_by_id, row.recorded_at = actor.id, utcnow()
    db.session.flush()
    # The lecturer's word sets the minutes: the whole session when present, none otherwise.
    # A correction is a new event for the difference, never a change to an earlier one.
    wanted = _minutes(session.starts_at, session.ends_at) if status == "present" else 0
    _record_minutes(row, wanted - minutes_recorded(session, user.id), "lecturer", status)
    log.info("user %s marked user %s %s at session %s", actor.id, user.id, status, session.id)
    return row


def record_presence(session: LiveSession, user: User) -> Attendance | None:
    """Note that ``user`` was in the session's live room; a lecturer's mark is never overwritten.

    Returns the attendance row, or None when ``user`` is not expected at the session (a
    lecturer or coordinator dropping in is not a participant).
    """
    if user.id not in {p.id for p in participants(session)}:
        return None
    row = _attendance(session, user)
    now = utcnow()
    if row is None:
        row = Attendance(
            session_id=session.id,
            user_id=user.id,
            status="present",
            source="presence",
            recorded_at=now,
        )
        db.session.add(row)
    if row.source == "presence" and row.present_since is None:
        row.present_since = now  # a lecturer's mark wins: their minutes stand
    db.session.flush()
    return row


def _minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def minutes_recorded(session: LiveSession, user_id: int) -> int:
    """Return the minutes the ledger holds for ``user_id`` at ``session`` (corrections summed)."""
    total = db.session.scalar(
        select(func.sum(LedgerEvent.value)).where(
            LedgerEvent.kind == kinds.SESSION_ATTENDED,
            LedgerEvent.subject_id == session.id,
            LedgerEvent.actor_id == user_id,
        )
    )
    return int(total or 0)


def _record_minutes(row: Attendance, minutes: int, source: str, status: str = "present") -> None:
    if minutes:
        record(
            kinds.SESSION_ATTENDED,
            row.session.exchange_id,
            row.user_id,
            subject_id=row.session_id,
            value=minutes,
            payload={"source": source, "status": status},
            team_id=row.session.team_id,
        )


def _close_stretch(row: Attendance, now: datetime) -> None:
    """Turn the stretch ``row`` has been present for into minutes on the ledger."""
    session, since = row.session, row.present_since
    row.present_since = None
    if since is None:
        return
    minutes = _minutes(max(since, session.starts_at), min(now, session.ends_at))
    _record_minutes(row, minutes, "presence")


def _open_stretches(exchange_id: int, team_id: int | None, user_id: int | None = None) -> Any:
    query = (
        select(Attendance)
        .join(LiveSession, LiveSession.id == Attendance.session_id)
        .where(Attendance.present_since.is_not(None), LiveSession.exchange_id == exchange_id)
    )
    query = query.where(
        LiveSession.team_id == team_id if team_id is not None else LiveSession.team_id.is_(None)
    )
    if user_id is not None:
        query = query.where(Attendance.user_id == user_id)
    return db.session.scalars(query)


def end_room_presence(user_id: int, exchange_id: int, team_id: int | None) -> None:
    """Close ``user_id``'s stretches at the sessions of a room they have just left entirely."""
    now = utcnow()
    for row in _open_stretches(exchange_id, team_id, user_id):
        _close_stretch(row, now)
    db.session.flush()


def close_stretches(exchange_id: int, team_id: int | None, present: set[int]) -> None:
    """Close the stretches of people no longer in a room (their server process stopped)."""
    now = utcnow()
    for row in _open_stretches(exchange_id, team_id):
        if row.user_id not in present:
            _close_stretch(row, now)
    db.session.flush()


def close_finished_stretches() -> int:
    """Close the stretches of sessions that have ended (people still connected stay counted
    until the end); return how many were closed."""
    now = utcnow()
    rows = db.session.scalars(
        select(Attendance)
        .join(LiveSession, LiveSession.id == Attendance.session_id)
        .where(Attendance.present_since.is_not(None), LiveSession.ends_at <= now)
    ).all()
    for row in rows:
        _close_stretch(row, now)
    db.session.flush()
    return len(rows)


# Joining a room this long before a session starts counts as being there (people come early).
EARLY_ARRIVAL = timedelta(minutes=10)


def record_room_presence(user: User, exchange_id: int, team_id: int | None) -> list[Attendance]:
    """Note ``user``'s attendance at the sessions under way in a room they just joined.

    A team room counts for that team's sessions, the exchange's rooms for exchange-wide ones.
    """
    now = utcnow()
    query = select(LiveSession).where(
        LiveSession.exchange_id == exchange_id,
        LiveSession.starts_at <= now + EARLY_ARRIVAL,
        LiveSession.ends_at >= now,
    )
    query = query.where(
        LiveSession.team_id == team_id if team_id is not None else LiveSession.team_id.is_(None)
    )
    rows = [record_presence(session, user) for session in db.session.scalars(query)]
    return [row for row in rows if row is not None]


@backfill_requested.connect
def _backfill_attendance(_sender: Any, *, into: Backfill, **_extra: Any) -> None:
    """Add the minutes of sessions attended before the ledger existed.

    A lecturer's "present" counts the whole session; presence in the room counts from when the
    person was first seen until the session ended (an estimate: leaving early was not kept).
    """
    done = {
        (session_id, user_id)
        for session_id, user_id in db.session.execute(
            select(LedgerEvent.subject_id, LedgerEvent.actor_id).where(
                LedgerEvent.kind == kinds.SESSION_ATTENDED
            )
        )
    }
    rows = db.session.execute(
        select(Attendance, LiveSession)
        .join(LiveSession, LiveSession.id == Attendance.session_id)
        .where(Attendance.status == "present", Attendance.present_since.is_(None))
    )
    for row, session in rows:
        if (session.id, row.user_id) in done or session.ends_at > utcnow():
            continue
        since = session.starts_at if row.source == "lecturer" else row.recorded_at
        minutes = _minutes(max(since, session.starts_at), session.ends_at)
        if minutes:
            into.add(
                kinds.SESSION_ATTENDED,
                session.exchange_id,
                row.user_id,
                subject_id=session.id,
                occurred_at=session.ends_at,
                value=minutes,
                payload={"source": row.source, "estimate": row.source == "presence"},
            )
