"""Who may define, approve, award and revoke badges, and see awards.

- The exchange's lecturers define badges; each is issued by its lecturer's institution, and
  only that institution's lecturers in the exchange change it or award it by hand.
- A coordinator of the issuing institution approves or rejects versions and revokes awards.
- A student sees their own awards and chooses whether each is public; anyone opens an
  award's badge page (the student's name only when they made it public) and the verifier.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.credentials.models import Award, Badge, BadgeVersion
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import is_exchange_lecturer, is_exchange_staff
from coil.extensions import db


def can_define_badges(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may define badges in ``exchange`` (its lecturers)."""
    return is_exchange_lecturer(actor, exchange)


def can_see_badges(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may list the exchange's badges and awards (its staff)."""
    return is_exchange_staff(actor, exchange)


def is_issuer_coordinator(actor: Actor, badge: Badge) -> bool:
    """Tell whether ``actor`` coordinates the institution that issues ``badge``."""
    return (
        is_signed_in(actor)
        and actor.role == Role.COORDINATOR
        and actor.institution_id == badge.institution_id
    )


def can_manage_badge(actor: Actor, badge: Badge) -> bool:
    """Tell whether ``actor`` may change ``badge`` or award it by hand (issuer's lecturers)."""
    return (
        is_exchange_lecturer(actor, badge.exchange) and actor.institution_id == badge.institution_id
    )


def can_decide(actor: Actor, badge: Badge) -> bool:
    """Tell whether ``actor`` may approve or reject versions of ``badge``."""
    return is_issuer_coordinator(actor, badge)


def can_revoke(actor: Actor, award: Award) -> bool:
    """Tell whether ``actor`` may revoke ``award`` (the issuing institution's coordinator)."""
    return is_issuer_coordinator(actor, award.version.badge)


def is_holder(actor: Actor, award: Award) -> bool:
    """Tell whether ``actor`` is the student who earned ``award``."""
    return is_signed_in(actor) and actor.id == award.student_id


# --- loader-checkers ------------------------------------------------------------------------


def get_exchange_or_404(exchange_id: int, *, define: bool = False) -> Exchange:
    """Load an exchange whose badges the current user may see (or define), or stop."""
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    allowed = can_define_badges if define else can_see_badges
    if not allowed(current_user, exchange):
        abort(403)
    return exchange


def get_badge_or_404(badge_id: int, allowed: str = "manage") -> Badge:
    """Load a badge the current user may ``manage``, ``decide`` on or ``see``, or stop."""
    badge = db.session.get(Badge, badge_id) or abort(404)
    check = {
        "manage": can_manage_badge,
        "decide": can_decide,
        "see": lambda actor, b: can_see_badges(actor, b.exchange),
    }[allowed]
    if not check(current_user, badge):
        abort(403)
    return badge


def get_version_or_404(version_id: int) -> BadgeVersion:
    """Load a badge version the current user may approve or reject, or stop."""
    version = db.session.get(BadgeVersion, version_id) or abort(404)
    if not can_decide(current_user, version.badge):
        abort(403)
    return version


def get_award_or_404(award_id: int, allowed: str = "holder") -> Award:
    """Load an award the current user holds (``holder``) or may revoke (``revoke``), or stop."""
    award = db.session.get(Award, award_id) or abort(404)
    check = is_holder if allowed == "holder" else can_revoke
    if not check(current_user, award):
        abort(403)
    return award
