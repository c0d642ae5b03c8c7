"""Verify an Open Badges 3.0 credential signed as a VC-JWT, step by step, in plain words.

Following the specification's verification steps: the token's form, the algorithm (only
ES256 and RS256: ``none`` and HMAC are refused, so a public key cannot be used as a shared
secret), the key named by ``kid`` (found by the caller's resolver, which decides whom to
trust), the signature, the claims against the credential, the official JSON Schema, the
validity period and the revocation list. Every step is one :class:`Check`; nothing raises.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

MAX_SIZE = 256 * 1024  # bytes of pasted or uploaded text
MAX_DEPTH = 32  # nesting of JSON objects and arrays
ALGORITHMS = ("ES256", "RS256")
JWT_CLAIMS = ("iss", "jti", "nbf", "iat", "sub", "exp")
SCHEMA_FILE = Path(__file__).parent / "schema" / "ob_v3p0_achievementcredential_schema.json"

#: kid -> (public JWK, the issuer id that owns it, or the site prefix ending in "/" whose
#: issuers own it), or None when unknown or untrusted
KeyResolver = Callable[[str], "tuple[dict, str] | None"]
#: (status list URL, credential id) -> (revoked, reason), or None when it cannot be read
StatusResolver = Callable[[str, str], "tuple[bool, str | None] | None"]


@dataclass
class Check:
    """One verification step and how it went."""

    step: str
    ok: bool
    message: str


@dataclass
class Verdict:
    """The outcome: ``valid``, ``invalid``, ``revoked``, ``expired`` or ``not_yet_valid``."""

    status: str = "valid"
    checks: list[Check] = field(default_factory=list)
    credential: dict | None = None

    def add(self, step: str, ok: bool, message: str) -> bool:
        self.checks.append(Check(step, ok, message))
        return ok

    def fail(self, step: str, message: str, status: str = "invalid") -> Verdict:
        self.add(step, False, message)
        self.status = status
        return self

    def as_json(self) -> dict[str, Any]:
        """Return the verdict for the JSON endpoint."""
        return {
            "status": self.status,
            "checks": [vars(check) for check in self.checks],
            "credential": self.credential,
        }


@cache
def validator() -> jsonschema_rs.Draft201909Validator:
    """Return the official OB 3.0 AchievementCredential schema's validator (loaded once).

    jsonschema-rs: the pure-Python validator takes about 5 ms a credential, this one
    microseconds (the tests check issued credentials with the pure-Python one as well).
    """
    return jsonschema_rs.Draft201909Validator(json.loads(SCHEMA_FILE.read_text()))


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Tell whether JSON ``text`` nests deeper than ``limit`` (scanned before parsing)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            escaped = not escaped and char == "\\"
            if char == '"' and not escaped:
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _segment(part: str) -> Any:
    if too_deep(decoded := base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()):
        raise ValueError("too deep")
    return json.loads(decoded)


def _moment(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def verify_token(
    text: str,
    *,
    resolve_key: KeyResolver,
    resolve_status: StatusResolver,
    now: datetime | None = None,
) -> Verdict:
    """Verify a pasted or uploaded credential (a VC-JWT) and say what was checked."""
    verdict, now = Verdict(), now or datetime.now(UTC)
    if len(text.encode()) > MAX_SIZE:
        return verdict.fail("format", _("The credential is larger than 256 KB: refused."))
    token = text.strip()
    if token.startswith("{"):
        return verdict.fail(
            "format",
            _("This is credential JSON without a signature we can check: paste the signed .jwt."),
        )
    parts = token.split(".")
    if len(parts) != 3:
        return verdict.fail("format", _("This is not a signed credential (a VC-JWT)."))
    try:
        header, claims = _segment(parts[0]), _segment(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return verdict.fail("format", _("The token's header or content is not readable JSON."))
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return verdict.fail("format", _("The token's header or content is not a JSON object."))
    verdict.add("format", True, _("The token is a well-formed JWT."))
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        return verdict.fail(
            "algorithm", _("Algorithm %(alg)s is not accepted (only ES256 or RS256).", alg=alg)
        )
    verdict.add("algorithm", True, _("Signed with %(alg)s.", alg=alg))
    kid = header.get("kid")
    found = resolve_key(kid) if isinstance(kid, str) and len(kid) < 2048 else None
    if found is None:
        return verdict.fail(
            "key", _("The signing key is unknown, or its issuer is not trusted here.")
        )
    jwk, owner = found
    verdict.add("key", True, _("The key was found at %(kid)s.", kid=kid))
    try:
        # the header names the key by URL, the JWK by thumbprint: import it without its kid
        key = JWKRegistry.import_key({k: v for k, v in jwk.items() if k != "kid"})
        decoded = jwt.decode(token, key, algorithms=[alg])
    except (JoseError, ValueError, TypeError):
        return verdict.fail("signature", _("The signature does not match: it was changed."))
    claims = decoded.claims
    verdict.add("signature", True, _("The signature matches the issuer's key."))
    return _check_content(verdict, claims, owner, now, resolve_status)


def _check_content(
    verdict: Verdict,
    claims: dict,
    owner: str,
    now: datetime,
    resolve_status: StatusResolver,
) -> Verdict:
    document = {k: v for k, v in claims.items() if k not in JWT_CLAIMS}
    verdict.credential = document
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if claims.get("iss") != issuer_id or claims.get("jti") != document.get("id"):
        return verdict.fail("claims", _("The token's claims do not match the credential."))
    # a key of ours belongs to one issuer exactly; another site's key to the issuers on its site
    owned = issuer_id == owner or (owner.endswith("/") and str(issuer_id).startswith(owner))
    if not owned:
        return verdict.fail("claims", _("The key does not belong to the credential's issuer."))
    verdict.add("claims", True, _("Issued by %(issuer)s.", issuer=issuer_id))
    errors = list(validator().iter_errors(document))
    if errors:
        where = "/".join(str(p) for p in errors[0].instance_path) or "/"
        return verdict.fail(
            "schema",
            _("It does not follow the Open Badges 3.0 schema (at %(where)s).", where=where),
        )
    verdict.add("schema", True, _("It follows the official Open Badges 3.0 schema."))
    start, end = _moment(document.get("validFrom")), _moment(document.get("validUntil"))
    if start is None or start > now:
        verdict.fail("period", _("It is not valid yet."), "not_yet_valid")
    elif end is not None and end <= now:
        verdict.fail("period", _("It expired on %(day)s.", day=document["validUntil"]), "expired")
    else:
        verdict.add("period", True, _("It is within its validity period."))
    return _check_status(verdict, document, resolve_status)


def _check_status(verdict: Verdict, document: dict, resolve: StatusResolver) -> Verdict:
    status = document.get("credentialStatus")
    if not status:
        verdict.add("status", True, _("It has no revocation list (it cannot be revoked)."))
        return verdict
    if not isinstance(status, dict) or status.get("type") != "1EdTechRevocationList":
        return verdict.fail("status", _("Its revocation status method is not supported."))
    answer = resolve(str(status.get("id")), str(document.get("id")))
    if answer is None:
        return verdict.fail("status", _("The revocation list could not be read."))
    revoked, reason = answer
    if revoked:
        message = _("The issuer revoked it: %(reason)s", reason=reason or _("no reason given"))
        return verdict.fail("status", message, "revoked")
    verdict.add("status", True, _("The issuer has not revoked it."))
    return verdict
