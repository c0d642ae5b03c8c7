"""Who may see and run an exchange: named predicates and loader-checkers.

Lecturers of the member courses manage an exchange together; their coordinators (and admins)
read along; enrolled students see it (their team: ``coil.teams.permissions``).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db


def is_exchange_lecturer(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` teaches one of the exchange's courses."""
    return (
        is_signed_in(actor)
        and actor.role == Role.LECTURER
        and any(course.owner_id == actor.id for course in exchange.courses)
    )


def is_exchange_coordinator(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` coordinates an institution of the exchange (or is an admin)."""
    if not is_signed_in(actor):
        return False
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.COORDINATOR and any(
        course.institution_id == actor.institution_id for course in exchange.courses
    )


def is_exchange_staff(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` runs (lecturer) or follows (coordinator, admin) ``exchange``."""
    return is_exchange_lecturer(actor, exchange) or is_exchange_coordinator(actor, exchange)


def enrolment_of(actor: Actor, exchange: Exchange) -> Enrolment | None:
    """Return ``actor``'s active enrolment in ``exchange``, if any."""
    if not is_signed_in(actor):
        return None
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.exchange_id == exchange.id,
            Enrolment.user_id == actor.id,
            Enrolment.status == "active",
        )
    )


def is_exchange_student(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` is actively enrolled in ``exchange``."""
    return enrolment_of(actor, exchange) is not None


def can_view_exchange(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may see ``exchange``."""
    return (
        is_exchange_lecturer(actor, exchange)
        or is_exchange_coordinator(actor, exchange)
        or is_exchange_student(actor, exchange)
    )


def can_manage_exchange(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may change ``exchange`` (its lecturers, together)."""
    return is_exchange_lecturer(actor, exchange)


def get_exchange_or_404(exchange_id: int, *, manage: bool = False) -> Exchange:
    """Load an exchange the current user may see (or manage), or stop with 404 / 403."""
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    allowed = can_manage_exchange if manage else can_view_exchange
    if not allowed(current_user, exchange):
        abort(403)
    return exchange


def get_staff_exchange_or_404(exchange_id: int) -> Exchange:
    """Load an exchange for its lecturers, coordinators and admins; students get 403."""
    exchange = get_exchange_or_404(exchange_id)
    if not is_exchange_staff(current_user, exchange):
        abort(403)
    return exchange
