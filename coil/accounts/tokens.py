"""Personal API tokens: creating, listing and revoking them, and signing in with one.

A token's secret is shown once; only its digest (``services.hash_token``) and first characters
are stored. A token works until it is revoked or expires, and only while its owner's account is
active. Services flush and never commit; the request around them commits once.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, or_, select

from coil.accounts.models import ApiToken, User
from coil.accounts.services import hash_token
from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.extensions import db

log = logging.getLogger(__name__)

MAX_API_TOKENS = 10
API_TOKEN_PREFIX = "coil_"  # noqa: S105 (not a secret)
API_TOKEN_MAX_DAYS = 365
# Recording every use would mean a write per socket connect; once a minute is precise enough.
API_TOKEN_TOUCH_SECONDS = 60


def _count_active_api_tokens(user: User) -> int:
    now = utcnow()
    query = select(func.count(ApiToken.id)).where(
        ApiToken.user_id == user.id,
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )
    return db.session.scalar(query) or 0


def api_tokens_of(user: User) -> list[ApiToken]:
    """Return a user's API tokens, newest first, revoked and expired ones included."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create_api_token(user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with the secret, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the token a name."), field="name")
    if len(name) > 80:
        raise ServiceError(_("Use at most %(n)d characters.", n=80), field="name")
    if days is not None and not 1 <= days <= API_TOKEN_MAX_DAYS:
        raise ServiceError(
            _("Choose between 1 and %(n)d days.", n=API_TOKEN_MAX_DAYS), field="days"
        )
    if _count_active_api_tokens(user) >= MAX_API_TOKENS:
        raise ServiceError(
            _("You have %(n)d active tokens already; revoke one first.", n=MAX_API_TOKENS),
            code="limit",
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[:8],
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    log.info("user %s created API token %s", user.id, token.id)
    return token, secret


def revoke_api_token(user: User, token: ApiToken) -> None:
    """Revoke one of the user's own API tokens; it stops working at once."""
    if token.user_id != user.id:
        raise ServiceError(_("You cannot revoke this token."), code="forbidden")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        log.info("user %s revoked API token %s", user.id, token.id)


def _usable(token: ApiToken | None) -> ApiToken | None:
    if token is None or token.state() != "active" or not token.user.is_active:
        return None
    return token


def api_token_for_secret(secret: object) -> ApiToken | None:
    """Return the usable token for ``secret`` (not revoked or expired, active owner), else None."""
    if not isinstance(secret, str) or not secret.startswith(API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_token(secret)
    # Looked up by its SHA-256: response time can reveal at most how much of a hash matched,
    # which says nothing about any secret. The compare below only guards against collation.
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return _usable(token)


@cache
def _owner_of_usable_token() -> Select[int]:
    """Build the statement once, on first use: constructing it costs more than running it (it
    runs per event), and at import time not every mapped class may be loaded yet."""
    return (
        select(ApiToken.user_id)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.id == bindparam("token_id"),
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
            User.active.is_(True),
            or_(User.institution_id.is_(None), User.institution.has(status="active")),
        )
    )


def api_token_owner_id(token_id: int) -> int | None:
    """Return the owner's id if the token with this id still works, else None.

    Socket events call this on every event, so it reads one column with one prepared query
    instead of loading the token, the user and the institution as objects: not revoked, not
    expired, the owner active and their institution (if any) active, as
    :func:`api_token_for_secret` checks.
    """
    found: int | None = db.session.scalar(
        _owner_of_usable_token(), {"token_id": token_id, "now": utcnow()}
    )
    return found


def use_api_token(secret: object) -> ApiToken | None:
    """Return the usable token for ``secret`` and note that it was used (at most once a minute)."""
    token = api_token_for_secret(secret)
    if token is None:
        return None
    now = utcnow()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() >= API_TOKEN_TOUCH_SECONDS:
        token.last_used_at = now
    return token


def user_for_api_token(secret: object) -> User | None:
    """Return the active user a usable API token belongs to, noting when it was last used."""
    token = use_api_token(secret)
    return token.user if token is not None else None
