"""Every state change of institutions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.core.reference import is_country, is_language
from coil.core.time import is_timezone, utcnow
from coil.extensions import db
from coil.institutions.models import PARTNER_KINDS, STATUSES, Institution, PartnerRelation
from coil.institutions.permissions import (
    can_change_status,
    can_create_institution,
    can_manage_institution,
    can_manage_partners,
)

log = logging.getLogger(__name__)
REASON_MAX = 1000


@dataclass(frozen=True, slots=True)
class InstitutionData:
    """The editable fields of an institution, already parsed."""

    name: str
    country: str
    city: str
    timezone: str
    languages: list[str]
    website: str | None = None
    status: str = "active"
    latitude: float | None = None
    longitude: float | None = None


def _check(data: InstitutionData, existing: Institution | None) -> None:
    if not is_country(data.country):
        raise ServiceError(_("Choose a country from the list."), field="country")
    if not is_timezone(data.timezone):
        raise ServiceError(_("Choose a time zone from the list."), field="timezone")
    if not data.languages or not all(is_language(code) for code in data.languages):
        raise ServiceError(_("Choose at least one language from the list."), field="languages")
    if data.status not in STATUSES:
        raise ServiceError(_("Choose a status from the list."), field="status")
    if (data.latitude is None) != (data.longitude is None):
        raise ServiceError(_("Give both latitude and longitude, or neither."), field="latitude")
    clash = db.session.scalar(
        select(Institution.id).where(func.lower(Institution.name) == data.name.strip().lower())
    )
    if clash is not None and (existing is None or clash != existing.id):
        raise ServiceError(_("An institution with this name already exists."), field="name")


def create_institution(actor: User, data: InstitutionData) -> Institution:
    """Add an institution (admins only)."""
    if not can_create_institution(actor):
        raise ServiceError(_("Only administrators can add institutions."))
    _check(data, None)
    institution = Institution(
        name=data.name.strip(),
        country=data.country,
        city=data.city.strip(),
        timezone=data.timezone,
        languages=list(data.languages),
        website=data.website or None,
        status=data.status,
        latitude=data.latitude,
        longitude=data.longitude,
    )
    db.session.add(institution)
    db.session.flush()
    log.info("user %s created institution %s", actor.id, institution.id)
    return institution


def update_institution(actor: User, institution: Institution, data: InstitutionData) -> None:
    """Edit an institution; only admins change its status."""
    if not can_manage_institution(actor, institution):
        raise ServiceError(_("You cannot edit this institution."))
    if data.status != institution.status and not can_change_status(actor, institution):
        raise ServiceError(_("Only administrators can change the status."), field="status")
    _check(data, institution)
    institution.name = data.name.strip()
    institution.country = data.country
    institution.city = data.city.strip()
    institution.timezone = data.timezone
    institution.languages = list(data.languages)
    institution.website = data.website or None
    institution.status = data.status
    institution.latitude, institution.longitude = data.latitude, data.longitude
    db.session.flush()
    log.info("user %s updated institution %s", actor.id, institution.id)


def set_partner_relation(
    actor: User, institution: Institution, partner: Institution, kind: str, reason: str
) -> PartnerRelation:
    """Record or change ``institution``'s decision about ``partner``: vetted, or not for pairing.

    A changed decision is signed and dated anew, so the list says who decided it as it stands.
    """
    if not can_manage_partners(actor, institution):
        raise ServiceError(_("You cannot manage this institution's partners."))
    if partner.id == institution.id:
        raise ServiceError(_("Choose another institution than your own."), field="partner_id")
    if not partner.is_active:
        raise ServiceError(_("Choose an active institution from the list."), field="partner_id")
    if kind not in PARTNER_KINDS:
        raise ServiceError(_("Choose “vetted partner” or “not for pairing”."), field="kind")
    reason = reason.strip()
    if kind == "block" and not reason:
        raise ServiceError(_("Say why you do not pair with this institution."), field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(
            _("Keep the reason under %(max)d characters.", max=REASON_MAX), field="reason"
        )
    relation = db.session.scalar(
        select(PartnerRelation).where(
            PartnerRelation.institution_id == institution.id,
            PartnerRelation.partner_id == partner.id,
        )
    )
    if relation is None:
        relation = PartnerRelation(
            institution_id=institution.id,
            partner_id=partner.id,
            kind=kind,
            reason=reason,
            created_by_id=actor.id,
        )
        db.session.add(relation)
    elif (relation.kind, relation.reason) != (kind, reason):
        relation.kind = kind
        relation.reason = reason
        relation.created_by_id = actor.id
        relation.created_at = utcnow()
    db.session.flush()
    log.info(
        "user %s set partner %s of institution %s to %s",
        actor.id,
        partner.id,
        institution.id,
        kind,
    )
    return relation


def remove_partner_relation(actor: User, relation: PartnerRelation) -> None:
    """Withdraw a partner decision, so the two institutions are neither vetted nor blocked."""
    if not can_manage_partners(actor, relation.institution):
        raise ServiceError(_("You cannot manage this institution's partners."))
    db.session.delete(relation)
    db.session.flush()
    log.info(
        "user %s removed the %s of partner %s by institution %s",
        actor.id,
        relation.kind,
        relation.partner_id,
        relation.institution_id,
    )
