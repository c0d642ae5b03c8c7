"""Who may see an exchange: named predicates and loader-checkers."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import is_signed_in
from coil.exchanges.models import Exchange
from coil.extensions import db


def is_exchange_lecturer(actor: Any, exchange: Exchange) -> bool:
    """Tell whether ``actor`` teaches one of the exchange's courses."""
    return (
        is_signed_in(actor)
        and actor.role == Role.LECTURER
        and any(course.owner_id == actor.id for course in exchange.courses)
    )


def can_view_exchange(actor: Any, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may see ``exchange``: its lecturers, their coordinators, admins."""
    if not is_signed_in(actor):
        return False
    if actor.role == Role.ADMIN or is_exchange_lecturer(actor, exchange):
        return True
    return actor.role == Role.COORDINATOR and any(
        course.institution_id == actor.institution_id for course in exchange.courses
    )


def get_exchange_or_404(exchange_id: int) -> Exchange:
    """Load an exchange the current user may see, or stop with 404 / 403."""
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    if not can_view_exchange(current_user, exchange):
        abort(403)
    return exchange
