"""Calendar feeds: a secret address per person (stored as its hash) and the sessions it lists."""

from __future__ import annotations

import hashlib
import logging
import secrets

from sqlalchemy import or_, select

from coil.accounts.models import User
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
from coil.extensions import db
from coil.schedule.models import CalendarFeed, LiveSession
from coil.teams.models import Team, TeamMember

log = logging.getLogger(__name__)


def feed_token_hash(token: str) -> str:
    """Return the stored form of a calendar feed token (its SHA-256, as for invitations)."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed_token(user: User) -> str:
    """Make a new secret feed address for ``user``; the old one stops working. Shown once."""
    token = secrets.token_urlsafe(32)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=feed_token_hash(token))
        db.session.add(feed)
    else:
        feed.token_hash = feed_token_hash(token)
        feed.created_at = utcnow()
    db.session.flush()
    log.info("user %s got a new calendar feed address", user.id)
    return token


def feed_owner(token: str) -> User | None:
    """Return the active user whose feed ``token`` is, or None."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == feed_token_hash(token))
    )
    return user if user is not None and user.is_active else None


def has_feed(user: User) -> bool:
    """Tell whether ``user`` has made a feed address."""
    feed = db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id))
    return feed is not None


def feed_sessions(user: User) -> list[LiveSession]:
    """Return the sessions for ``user``'s calendar feed.

    A lecturer gets the exchange-wide sessions of the exchanges they teach (teams' own meetings
    would swamp their calendar; the schedule page lists them). A student gets the sessions of
    the exchanges they are actively enrolled in, and their team's once teams are published.
    """
    taught = (
        select(ExchangeCourse.exchange_id)
        .join(Course, Course.id == ExchangeCourse.course_id)
        .where(Course.owner_id == user.id)
    )
    enrolled = select(Enrolment.exchange_id).where(
        Enrolment.user_id == user.id, Enrolment.status == "active"
    )
    own_teams = (
        select(TeamMember.team_id)
        .join(Team, Team.id == TeamMember.team_id)
        .join(Exchange, Exchange.id == Team.exchange_id)
        .where(
            TeamMember.user_id == user.id,
            Exchange.teams_published_at.is_not(None),
            Team.exchange_id.in_(enrolled),
        )
    )
    query = (
        select(LiveSession)
        .where(
            or_(
                LiveSession.team_id.is_(None)
                & (LiveSession.exchange_id.in_(taught) | LiveSession.exchange_id.in_(enrolled)),
                LiveSession.team_id.in_(own_teams),
            )
        )
        .order_by(LiveSession.starts_at, LiveSession.id)
    )
    return list(db.session.scalars(query))
