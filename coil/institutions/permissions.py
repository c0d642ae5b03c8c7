"""Who may see and manage institutions: named predicates and loader-checkers."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.extensions import db
from coil.institutions.models import Institution, PartnerRelation


def can_create_institution(actor: Actor) -> bool:
    """Tell whether ``actor`` may add institutions (admins only)."""
    return is_signed_in(actor) and actor.role == Role.ADMIN


def can_view_institution(actor: Actor, institution: Institution) -> bool:
    """Tell whether ``actor`` may see ``institution``'s profile.

    Everyone signed in sees active institutions (they are the partner directory); a suspended
    one only its admins and own coordinators.
    """
    if not is_signed_in(actor):
        return False
    return institution.is_active or can_manage_institution(actor, institution)


def can_manage_institution(actor: Actor, institution: Institution) -> bool:
    """Tell whether ``actor`` may edit ``institution`` (admins, and its own coordinators)."""
    if not is_signed_in(actor):
        return False
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.COORDINATOR and actor.institution_id == institution.id


def can_change_status(actor: Actor, institution: Institution) -> bool:
    """Tell whether ``actor`` may suspend or reactivate ``institution`` (admins only)."""
    return is_signed_in(actor) and actor.role == Role.ADMIN


def can_view_people(actor: Actor, institution: Institution) -> bool:
    """Tell whether ``actor`` may list ``institution``'s people (admins, own coordinators)."""
    return can_manage_institution(actor, institution)


def get_institution_or_404(institution_id: int, *, manage: bool = False) -> Institution:
    """Load an institution the current user may see (or manage), or stop with 404 / 403."""
    institution = db.session.get(Institution, institution_id) or abort(404)
    allowed = can_manage_institution if manage else can_view_institution
    if not allowed(current_user, institution):
        abort(403)
    return institution


def can_manage_partners(actor: Actor, institution: Institution) -> bool:
    """Tell whether ``actor`` may vet or block partners for ``institution`` (as for editing it)."""
    return can_manage_institution(actor, institution)


def get_partner_relation_or_404(institution_id: int, relation_id: int) -> PartnerRelation:
    """Load a partner decision of ``institution_id`` the current user may change, or 404 / 403."""
    relation = db.session.get(PartnerRelation, relation_id)
    if relation is None or relation.institution_id != institution_id:
        abort(404)
    if not can_manage_partners(current_user, relation.institution):
        abort(403)
    return relation
