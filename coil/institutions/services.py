"""Every state change of institutions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.core.reference import is_country, is_language
from coil.core.time import is_timezone
from coil.extensions import db
from coil.institutions.models import STATUSES, Institution
from coil.institutions.permissions import (
    can_change_status,
    can_create_institution,
    can_manage_institution,
)

log = logging.getLogger(__name__)


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


def _check(data: InstitutionData, existing: Institution | None) -> None:
    if not is_country(data.country):
        raise ServiceError(_("Choose a country from the list."), field="country")
    if not is_timezone(data.timezone):
        raise ServiceError(_("Choose a time zone from the list."), field="timezone")
    if not data.languages or not all(is_language(code) for code in data.languages):
        raise ServiceError(_("Choose at least one language from the list."), field="languages")
    if data.status not in STATUSES:
        raise ServiceError(_("Choose a status from the list."), field="status")
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
    db.session.flush()
    log.info("user %s updated institution %s", actor.id, institution.id)
