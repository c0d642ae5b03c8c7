"""Who sees engagement figures, and whom they see.

- The exchange's lecturers see every figure and warning, every student by name, and set after
  how many quiet days a student is flagged.
- Coordinators of a member institution see the exchange's aggregates (the whole exchange, its
  classes and teams) and their own institution's students individually.
- Admins see the aggregates only. Students do not see this page.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import (
    is_exchange_coordinator,
    is_exchange_lecturer,
    is_exchange_staff,
)
from coil.extensions import db


def can_see_engagement(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may see the exchange's engagement page (its staff)."""
    return is_exchange_staff(actor, exchange)


def can_configure(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may set the exchange's inactivity days (its lecturers)."""
    return is_exchange_lecturer(actor, exchange)


def sees_everyone(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` sees every student by name, and the warnings (lecturers)."""
    return is_exchange_lecturer(actor, exchange)


def own_institution(actor: Actor, exchange: Exchange) -> int | None:
    """Return the institution whose students ``actor`` sees by name as a member coordinator."""
    if (
        is_signed_in(actor)
        and actor.role == Role.COORDINATOR
        and is_exchange_coordinator(actor, exchange)
    ):
        return actor.institution_id
    return None


def get_exchange_or_404(exchange_id: int, *, configure: bool = False) -> Exchange:
    """Load an exchange whose engagement the current user may see (or configure), or stop."""
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    allowed = can_configure if configure else can_see_engagement
    if not allowed(current_user, exchange):
        abort(403)
    return exchange
