"""Who may see and answer proposals: named predicates and loader-checkers."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.courses.models import Course
from coil.courses.permissions import is_course_owner
from coil.extensions import db
from coil.pairings.models import Proposal


def is_proposer(actor: Actor, proposal: Proposal) -> bool:
    """Tell whether ``actor`` is the lecturer of the proposing course."""
    return is_course_owner(actor, proposal.from_course)


def is_recipient(actor: Actor, proposal: Proposal) -> bool:
    """Tell whether ``actor`` is the lecturer of the course the proposal is for."""
    return is_course_owner(actor, proposal.to_course)


def can_view_proposal(actor: Actor, proposal: Proposal) -> bool:
    """Tell whether ``actor`` may read ``proposal``: both lecturers, their coordinators, admins."""
    if not is_signed_in(actor):
        return False
    if is_proposer(actor, proposal) or is_recipient(actor, proposal) or actor.role == Role.ADMIN:
        return True
    return actor.role == Role.COORDINATOR and actor.institution_id in (
        proposal.from_course.institution_id,
        proposal.to_course.institution_id,
    )


def can_take_part(actor: Actor, proposal: Proposal) -> bool:
    """Tell whether ``actor`` may reply and fill in the agreement: either lecturer, while the
    proposal is pending or after it is accepted (open points are settled as the exchange runs)."""
    return proposal.status in ("pending", "accepted") and (
        is_proposer(actor, proposal) or is_recipient(actor, proposal)
    )


def can_answer(actor: Actor, proposal: Proposal) -> bool:
    """Tell whether ``actor`` may accept or decline (the other side's lecturer only)."""
    return proposal.status == "pending" and is_recipient(actor, proposal)


def can_withdraw(actor: Actor, proposal: Proposal) -> bool:
    """Tell whether ``actor`` may withdraw ``proposal`` (its proposer, while pending)."""
    return proposal.status == "pending" and is_proposer(actor, proposal)


def can_see_contact_details(actor: Actor, proposal: Proposal) -> bool:
    """Tell whether e-mail addresses may be shown: only after acceptance (privacy first)."""
    return proposal.status == "accepted" and can_view_proposal(actor, proposal)


def can_propose(actor: Actor, from_course: Course, to_course: Course) -> bool:
    """Tell whether ``actor`` may propose pairing their ``from_course`` with ``to_course``."""
    return (
        is_course_owner(actor, from_course)
        and from_course.status in ("open", "paired")
        and to_course.status == "open"
        and to_course.institution_id != from_course.institution_id
    )


def get_proposal_or_404(proposal_id: int) -> Proposal:
    """Load a proposal the current user may see, or stop with 404 / 403."""
    proposal = db.session.get(Proposal, proposal_id) or abort(404)
    if not can_view_proposal(current_user, proposal):
        abort(403)
    return proposal
