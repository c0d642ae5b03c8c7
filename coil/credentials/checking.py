"""The verifier's resolvers: our own keys and revocations from the database, other issuers'
over the network through :mod:`coil.credentials.fetch` (only what that allows)."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from coil.core.safety import site_url
from coil.credentials import issuing, keys, queries
from coil.credentials.fetch import FetchRefused, fetch_json
from coil.credentials.verify import Verdict, verify_token
from coil.extensions import db
from coil.institutions.models import Institution

_OURS = re.compile(r"/issuers/(\d+)/(?:keys/([A-Za-z0-9_-]+)\.json|revocations\.json)$")


def _site() -> str:
    return str(current_app.config["SITE_URL"]).rstrip("/") + "/"


def _trusted() -> list[str]:
    return list(current_app.config.get("CREDENTIALS_TRUSTED_ISSUERS") or [])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def resolve_key(kid: str) -> tuple[dict, str] | None:
    """Return the public JWK ``kid`` names and the issuer id (prefix) that owns it."""
    if kid.startswith(_site()):
        match = _OURS.search(kid)
        key = keys.public_key(match.group(2)) if match and match.group(2) else None
        if key is None or match is None or key.institution_id != int(match.group(1)):
            return None
        return dict(key.public_jwk), site_url(
            "credentials.issuer", institution_id=key.institution_id
        )
    try:
        jwk = fetch_json(kid, _trusted())
    except FetchRefused:
        return None
    if not isinstance(jwk, dict) or jwk.get("kty") not in ("EC", "RSA") or "d" in jwk:
        return None
    return jwk, _origin(kid)


def resolve_status(url: str, credential_id: str) -> tuple[bool, str | None] | None:
    """Return whether the list at ``url`` revokes ``credential_id``, and why."""
    if url.startswith(_site()):
        match = _OURS.search(url)
        institution = db.session.get(Institution, int(match.group(1))) if match else None
        if institution is None:
            return None
        revoked = {
            site_url("credentials.badge_page", uid=uid): reason
            for uid, reason in queries.revoked_uids(institution.id)
        }
        return (credential_id in revoked, revoked.get(credential_id))
    try:
        listing = fetch_json(url, _trusted())
    except FetchRefused:
        return None
    entries = listing.get("revokedCredentials") if isinstance(listing, dict) else None
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, dict) and entry.get("id") == credential_id:
            return True, str(entry.get("revocationReason") or "") or None
    return False, None


def verify(text: str, now: datetime | None = None) -> Verdict:
    """Verify ``text`` (a VC-JWT, or the address of one of this site's badge pages)."""
    page = site_url("credentials.badge_page", uid="")
    if text.strip().startswith(page):
        award = queries.award_by_uid(text.strip()[len(page) :].split("/")[0].split("?")[0])
        if award is None:
            return Verdict().fail("format", _("There is no badge at this address."))
        text = issuing.signed(award)
    return verify_token(text, resolve_key=resolve_key, resolve_status=resolve_status, now=now)
