"""Who may assess whom, and who may read what of an exchange's assessment.

- Active students give their own self-assessments and evaluate their own team's members; they
  read their own results (peer scores only as an anonymous aggregate).
- The exchange's lecturers rate its students, read every student's record, the peer details
  and flags, reopen windows and choose whether one rating per member institution is asked.
- Coordinators of a member institution read their own institution's students' records, and
  the exchange's aggregates; admins read the aggregates only.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from coil.accounts.models import Role, User
from coil.accounts.permissions import Actor, is_signed_in
from coil.exchanges.models import Enrolment, Exchange
from coil.exchanges.permissions import (
    is_exchange_coordinator,
    is_exchange_lecturer,
    is_exchange_staff,
    is_exchange_student,
)
from coil.extensions import db


def can_assess_self(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may self-assess and evaluate teammates (active students)."""
    return is_exchange_student(actor, exchange)


def can_rate(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may rate the exchange's students (its lecturers)."""
    return is_exchange_lecturer(actor, exchange)


def can_manage(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may reopen windows and change settings (its lecturers)."""
    return is_exchange_lecturer(actor, exchange)


def can_see_aggregates(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may read counts and agreement (lecturers, coordinators, admins)."""
    return is_exchange_staff(actor, exchange)


def can_see_peer_details(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may read who gave whom what, and the flags (lecturers)."""
    return is_exchange_lecturer(actor, exchange)


def can_see_student(actor: Actor, exchange: Exchange, student: User) -> bool:
    """Tell whether ``actor`` may read ``student``'s record: the student, the exchange's
    lecturers, and coordinators of the student's institution."""
    if not is_signed_in(actor):
        return False
    if actor.id == student.id or is_exchange_lecturer(actor, exchange):
        return True
    return (
        actor.role == Role.COORDINATOR
        and is_exchange_coordinator(actor, exchange)
        and student.institution_id is not None
        and student.institution_id == actor.institution_id
    )


# --- loader-checkers ------------------------------------------------------------------------


def get_exchange_or_404(exchange_id: int, allowed: str = "aggregates") -> Exchange:
    """Load an exchange for an assessment page, or stop with 404 / 403.

    ``allowed``: ``aggregates`` (staff), ``self`` (active students), ``manage`` (lecturers).
    """
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    check = {"aggregates": can_see_aggregates, "self": can_assess_self, "manage": can_manage}
    if not check[allowed](current_user, exchange):
        abort(403)
    return exchange


def get_student_or_404(exchange_id: int, user_id: int) -> tuple[Exchange, User]:
    """Load an exchange and one of its students (dropped out too) whose record the current
    user may read, or stop with 404 / 403."""
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    enrolled = db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.exchange_id == exchange.id, Enrolment.user_id == user_id
        )
    )
    student = db.session.get(User, user_id) if enrolled else None
    if student is None:
        abort(404)
    if not can_see_student(current_user, exchange, student):
        abort(403)
    return exchange, student
