"""Pages and documents anyone may open: badge pages, credentials, issuers, keys, revocations.

Nothing here names a student unless they made the badge public; a credential carries only the
salted hash of their e-mail address.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, jsonify, render_template
from flask_babel import get_locale
from werkzeug.wrappers import Response

from coil.core.markdown import render_markdown
from coil.core.safety import site_url
from coil.credentials import bp, evidence, exports, issuing, keys, queries
from coil.credentials.models import Award, BadgeVersion
from coil.credentials.ob3 import issuer_profile
from coil.extensions import db
from coil.institutions.models import Institution

JSON_LD = "application/ld+json"


def _award(uid: str) -> Award:
    return queries.award_by_uid(uid) or abort(404)


def _version(version_id: int) -> BadgeVersion:
    version = db.session.get(BadgeVersion, version_id)
    if version is None or version.status != "approved":
        abort(404)  # only what a coordinator approved is published
    return version


def _json(document: dict, mimetype: str = JSON_LD, status: int = 200) -> Response:
    response = jsonify(document)
    response.mimetype, response.status_code = mimetype, status
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers elsewhere read these
    return response


def linkedin_link(award: Award) -> str:
    """Return the add-to-LinkedIn-profile link for ``award``."""
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": award.version.name,
        "organizationName": award.version.badge.institution.name,
        "issueYear": award.awarded_at.year,
        "issueMonth": award.awarded_at.month,
        "certUrl": site_url("credentials.badge_page", uid=award.uid),
        "certId": award.uid,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


@bp.context_processor
def _names() -> dict:
    """Let the credentials pages name rubric dimensions in the viewer's language."""
    return {"dimension_names": lambda version: evidence.dimension_names(version, str(get_locale()))}


@bp.get("/badges/c/<uid>")
def badge_page(uid: str) -> str:
    """Show what an awarded badge certifies (the holder's name only if they made it public)."""
    award = _award(uid)
    return render_template(
        "credentials/badge_page.html",
        award=award,
        version=award.version,
        linkedin=linkedin_link(award),
        evidence=evidence.evidence_of(award, str(get_locale())),
    )


@bp.get("/badges/c/<uid>/evidence/<int:entry_id>")
def evidence_page(uid: str, entry_id: int) -> str:
    """Show a portfolio entry the holder made public as evidence for this badge (only those)."""
    award = _award(uid)
    entry = next((e for e in award.evidence if e.id == entry_id), None)
    if entry is None or entry.latest is None:
        abort(404)
    return render_template(
        "credentials/evidence_page.html",
        award=award,
        version=award.version,
        entry=entry,
        title=evidence.entry_title(entry, str(get_locale())),
        markdown=render_markdown,
    )


@bp.get("/badges/c/<uid>/credential.json")
def credential_json(uid: str) -> Response:
    """Return the award's OpenBadgeCredential (unsigned JSON-LD)."""
    award = _award(uid)
    response = _json(issuing.credential(award))
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{uid}.json"'
    return response


@bp.get("/badges/c/<uid>/credential.jwt")
def credential_jwt(uid: str) -> Response:
    """Return the award's credential signed as a VC-JWT."""
    award = _award(uid)
    response = Response(issuing.signed(award), mimetype="application/vc+jwt")
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{uid}.jwt"'
    return response


@bp.get("/badges/c/<uid>/ob2.json")
def ob2_assertion(uid: str) -> Response:
    """Return the Open Badges 2.0 hosted assertion (410 Gone once revoked)."""
    award = _award(uid)
    if award.revoked_at is not None:
        return _json({"revoked": True, "revocationReason": award.revocation_reason}, status=410)
    data = issuing.credential_input(award)
    return _json(
        exports.ob2_assertion(
            data,
            site_url("credentials.ob2_assertion", uid=uid),
            site_url("credentials.ob2_badge_class", version_id=award.version_id),
        )
    )


@bp.get("/badges/c/<uid>/elm.json")
def elm(uid: str) -> Response:
    """Return the award as unsealed ELM 3 JSON-LD, for the institution's EDC issuer."""
    award = _award(uid)
    response = _json(exports.elm(issuing.credential_input(award), uid))
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{uid}-elm.json"'
    return response


@bp.get("/badges/achievements/<int:version_id>")
def achievement(version_id: int) -> str:
    """Show a badge version's criteria and EU elements (the achievement's public page)."""
    version = _version(version_id)
    return render_template("credentials/achievement.html", version=version)


@bp.get("/badges/achievements/<int:version_id>/image.svg")
def image(version_id: int) -> Response:
    """Return the badge version's image."""
    version = _version(version_id)
    if version.image_png:
        response = Response(version.image_png, mimetype="image/png")
    else:
        response = Response(version.image_svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/badges/achievements/<int:version_id>/ob2.json")
def ob2_badge_class(version_id: int) -> Response:
    """Return the Open Badges 2.0 BadgeClass of a badge version."""
    version = _version(version_id)
    institution = version.badge.institution
    return _json(
        exports.ob2_badge_class(
            issuing.version_input(version),
            site_url("credentials.ob2_badge_class", version_id=version.id),
            site_url("credentials.ob2_issuer", institution_id=institution.id),
        )
    )


def _institution(institution_id: int) -> Institution:
    return db.session.get(Institution, institution_id) or abort(404)


@bp.get("/issuers/<int:institution_id>")
def issuer(institution_id: int) -> Response:
    """Return an institution's Open Badges 3.0 issuer Profile."""
    institution = _institution(institution_id)
    return _json(issuer_profile(issuing.issuer_of(institution)))


@bp.get("/issuers/<int:institution_id>/ob2.json")
def ob2_issuer(institution_id: int) -> Response:
    """Return an institution's Open Badges 2.0 issuer Profile."""
    institution = _institution(institution_id)
    url = site_url("credentials.ob2_issuer", institution_id=institution.id)
    return _json(exports.ob2_issuer(issuing.issuer_of(institution), url))


@bp.get("/issuers/<int:institution_id>/jwks.json")
def jwks(institution_id: int) -> Response:
    """Return the institution's public signing keys (retired ones too) as a JWK Set."""
    institution = _institution(institution_id)
    return _json(keys.key_set(institution), "application/jwk-set+json")


@bp.get("/issuers/<int:institution_id>/keys/<kid>.json")
def jwk(institution_id: int, kid: str) -> Response:
    """Return one public key by its ``kid``."""
    key = keys.public_key(kid)
    if key is None or key.institution_id != institution_id:
        abort(404)
    return _json(dict(key.public_jwk), "application/jwk+json")


@bp.get("/issuers/<int:institution_id>/revocations.json")
def revocations(institution_id: int) -> Response:
    """Return the institution's 1EdTech revocation list."""
    institution = _institution(institution_id)
    return _json(
        {
            "id": site_url("credentials.revocations", institution_id=institution.id),
            "issuer": site_url("credentials.issuer", institution_id=institution.id),
            "revokedCredentials": [
                {"id": site_url("credentials.badge_page", uid=uid), "revocationReason": reason}
                for uid, reason in queries.revoked_uids(institution.id)
            ],
        },
        "application/json",
    )
