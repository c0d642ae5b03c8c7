"""Turn an award into its signed credential: resolve URLs and names, build, sign (VC-JWT).

The credential's ``id`` is the award's public badge page; the signing key's ``kid`` is the URL
of its public JWK, so a verifier finds the key from the token alone.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from joserfc import jwt

from coil.core.safety import site_url
from coil.credentials import keys, ob3
from coil.credentials.evidence import evidence_of
from coil.credentials.models import Award, BadgeVersion
from coil.institutions.models import Institution
from coil.rubrics.services import rubric_of
from coil.rubrics.text import localised


def issuer_of(institution: Institution) -> ob3.Issuer:
    """Return ``institution`` as the credential's issuer."""
    return ob3.Issuer(
        id=site_url("credentials.issuer", institution_id=institution.id),
        name=institution.name,
        country=institution.country,
        city=institution.city,
        url=institution.website,
    )


def _salt(award: Award) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, award.uid.encode(), hashlib.sha256).hexdigest()[:16]


def _dimensions(version: BadgeVersion) -> list[ob3.Dimension]:
    rubric = rubric_of(version.badge.exchange)
    names = {dim.key: localised(dim.name, "en") for dim in rubric.dimensions}
    framework = localised(rubric.name, "en")
    url = rubric.source if rubric.source.startswith("https://") else None
    return [
        ob3.Dimension(
            key=key,
            name=names.get(key, key),
            url=url or site_url("credentials.achievement", version_id=version.id, _anchor=key),
            framework=framework,
        )
        for key in version.alignment
    ]


def version_input(version: BadgeVersion) -> ob3.AchievementInput:
    """Return what ``version`` certifies, as plain data."""
    page = site_url("credentials.achievement", version_id=version.id)
    return ob3.AchievementInput(
        issuer=issuer_of(version.badge.institution),
        achievement_id=page,
        name=version.name,
        description=version.description,
        criteria=version.criteria,
        criteria_url=page,
        image_url=site_url("credentials.image", version_id=version.id),
        learning_outcomes=list(version.learning_outcomes),
        ects=version.ects,
        eqf_level=version.eqf_level,
        assessment_type=version.assessment_type,
        participation=version.participation,
        sync_hours=version.sync_hours,
        async_hours=version.async_hours,
        quality_assurance=version.quality_assurance,
        version=version.number,
        language=version.badge.exchange.working_language,
        alignment=_dimensions(version),
    )


def credential_input(award: Award) -> ob3.CredentialInput:
    """Return what ``award``'s credential says, as plain data."""
    institution = award.version.badge.institution
    language = award.exchange.working_language
    if language not in current_app.config["LANGUAGES"]:
        language = "en"
    with force_locale(language):
        evidence = evidence_of(award, language)
    return ob3.CredentialInput(
        id=site_url("credentials.badge_page", uid=award.uid),
        badge=version_input(award.version),
        email=award.student.email,
        salt=_salt(award),
        awarded_at=award.awarded_at,
        valid_until=award.valid_until,
        status_url=site_url("credentials.revocations", institution_id=institution.id),
        did=award.subject_did,
        evidence=evidence,
    )


def credential(award: Award) -> dict:
    """Return ``award``'s unsigned OpenBadgeCredential."""
    return ob3.build_credential(credential_input(award))


def kid_url(institution_id: int, kid: str) -> str:
    """Return the URL that names (and serves) a public key."""
    return site_url("credentials.jwk", institution_id=institution_id, kid=kid)


def sign(document: dict, institution: Institution) -> str:
    """Sign ``document`` as a VC-JWT with the institution's current key (ES256)."""
    key = keys.signing_key(institution)
    subject = document["credentialSubject"]
    claims = dict(
        document,
        iss=document["issuer"]["id"],
        jti=document["id"],
        nbf=_epoch(document["validFrom"]),
        iat=_epoch(document["validFrom"]),
        sub=subject.get("id") or subject["identifier"][0]["identityHash"],
    )
    if "validUntil" in document:
        claims["exp"] = _epoch(document["validUntil"])
    header = {"alg": keys.ALGORITHM, "kid": kid_url(institution.id, key.kid), "typ": "JWT"}
    return jwt.encode(header, claims, keys.private_key(key), algorithms=[keys.ALGORITHM])


def signed(award: Award) -> str:
    """Return ``award``'s credential signed as a VC-JWT."""
    return sign(credential(award), award.version.badge.institution)


def _epoch(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
