"""Who may see a student's portfolio: the student, the exchange's lecturers, and coordinators of
the student's own institution (partner coordinators and admins see only exchange totals)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from coil.accounts.models import Role, User
from coil.accounts.permissions import Actor, is_signed_in
from coil.exchanges.models import Enrolment, Exchange
from coil.exchanges.permissions import is_exchange_coordinator, is_exchange_lecturer
from coil.extensions import db


def enrolment_in(exchange: Exchange, student: User) -> Enrolment | None:
    """Return the student's enrolment in ``exchange`` (active or dropped), if any."""
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.exchange_id == exchange.id, Enrolment.user_id == student.id
        )
    )


def can_view_portfolio(actor: Actor, exchange: Exchange, student: User) -> bool:
    """Tell whether ``actor`` may read ``student``'s portfolio of ``exchange``."""
    if not is_signed_in(actor):
        return False
    if actor.id == student.id:
        return True
    if is_exchange_lecturer(actor, exchange):
        return True
    return (
        actor.role == Role.COORDINATOR
        and is_exchange_coordinator(actor, exchange)
        and actor.institution_id is not None
        and actor.institution_id == student.institution_id
    )


def get_portfolio_or_404(exchange_id: int, user_id: int) -> tuple[Exchange, User, Enrolment]:
    """Load an exchange, one of its students whose portfolio the current user may read, and
    the student's enrolment."""
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    student = db.session.get(User, user_id) or abort(404)
    enrolment = enrolment_in(exchange, student) or abort(404)
    if not can_view_portfolio(current_user, exchange, student):
        abort(403)
    return exchange, student, enrolment
