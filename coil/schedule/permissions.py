"""Who may see, plan and take attendance of live sessions: predicates and loader-checkers.

Lecturers of an exchange plan sessions for the whole exchange or any team and take attendance.
Members of a published team may plan sessions for their own team (teams meet on their own; a
lecturer does not have to book every meeting for them) and change the ones they planned.
Coordinators read along. Students see the exchange's sessions and their own team's.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, or_, select

from coil.accounts.permissions import Actor
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import (
    can_view_exchange,
    is_exchange_coordinator,
    is_exchange_lecturer,
    is_exchange_student,
)
from coil.extensions import db
from coil.schedule.models import LiveSession
from coil.teams.models import Team
from coil.teams.permissions import team_of


def sees_every_session(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` sees every team's sessions (lecturers and coordinators)."""
    return is_exchange_lecturer(actor, exchange) or is_exchange_coordinator(actor, exchange)


def can_view_session(actor: Actor, session: LiveSession) -> bool:
    """Tell whether ``actor`` may see ``session``."""
    exchange = session.exchange
    if sees_every_session(actor, exchange):
        return True
    if session.team_id is None:
        return is_exchange_student(actor, exchange)
    own = team_of(actor, exchange)
    return own is not None and own.id == session.team_id


def can_schedule(actor: Actor, exchange: Exchange, team: Team | None = None) -> bool:
    """Tell whether ``actor`` may plan a session for ``team`` (None: the whole exchange)."""
    if is_exchange_lecturer(actor, exchange):
        return team is None or team.exchange_id == exchange.id
    if team is None:
        return False
    own = team_of(actor, exchange)
    return own is not None and own.id == team.id


def schedulable_teams(actor: Actor, exchange: Exchange) -> list[Team] | None:
    """Return the teams ``actor`` may plan for; None when they may plan exchange-wide too."""
    if is_exchange_lecturer(actor, exchange):
        return None
    own = team_of(actor, exchange)
    return [own] if own is not None else []


def can_edit_session(actor: Actor, session: LiveSession) -> bool:
    """Tell whether ``actor`` may change or cancel ``session``: lecturers, or its planner."""
    if is_exchange_lecturer(actor, session.exchange):
        return True
    return (
        getattr(actor, "id", None) == session.created_by_id
        and session.team is not None
        and can_schedule(actor, session.exchange, session.team)
    )


def can_take_attendance(actor: Actor, session: LiveSession) -> bool:
    """Tell whether ``actor`` may mark who attended ``session`` (the exchange's lecturers)."""
    return is_exchange_lecturer(actor, session.exchange)


def can_find_time(actor: Actor, exchange: Exchange, team: Team | None) -> bool:
    """Tell whether ``actor`` may see shared availability of ``team`` (None: the exchange)."""
    if sees_every_session(actor, exchange):
        return True
    if team is None:
        return False
    own = team_of(actor, exchange)
    return own is not None and own.id == team.id


def visible_sessions(actor: Actor, exchange: Exchange) -> Select[LiveSession]:
    """Return a query of the sessions of ``exchange`` that ``actor`` may see, by start."""
    query = (
        select(LiveSession)
        .where(LiveSession.exchange_id == exchange.id)
        .order_by(LiveSession.starts_at, LiveSession.id)
    )
    if sees_every_session(actor, exchange):
        return query
    if not is_exchange_student(actor, exchange):
        return query.where(false())
    own = team_of(actor, exchange)
    if own is None:
        return query.where(LiveSession.team_id.is_(None))
    return query.where(or_(LiveSession.team_id.is_(None), LiveSession.team_id == own.id))


def get_schedule_or_404(exchange_id: int) -> Exchange:
    """Load an exchange whose sessions the current user may see, or stop with 404 / 403."""
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    if not can_view_exchange(current_user, exchange):
        abort(403)
    return exchange


def get_session_or_404(session_id: int, *, edit: bool = False) -> LiveSession:
    """Load a session the current user may see (or change), or stop with 404 / 403."""
    session = db.session.get(LiveSession, session_id) or abort(404)
    allowed = can_edit_session if edit else can_view_session
    if not allowed(current_user, session):
        abort(403)
    return session
