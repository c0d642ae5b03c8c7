"""Every state change of accounts: sign-up by invitation, log-in records, profiles, resets."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
from datetime import time, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from coil.accounts.models import (
    ApiToken,
    AvailabilitySlot,
    Invitation,
    Role,
    User,
    UserLanguage,
)
from coil.accounts.permissions import can_invite, can_manage_invitation
from coil.core.errors import ServiceError
from coil.core.mail import queue_mail
from coil.core.models import sync_keyed
from coil.core.safety import site_url
from coil.core.time import is_timezone, utcnow
from coil.extensions import db
from coil.institutions.models import Institution

log = logging.getLogger(__name__)
MIN_PASSWORD = 10
MAX_AVAILABILITY_SLOTS = 21
# Not an Argon2 hash: verifying any password against it fails, so the account can only be
# entered after choosing a password through a mailed link.
UNUSABLE_PASSWORD_PREFIX = "!unusable:"


def _hasher() -> PasswordHasher:
    params = current_app.config.get("PASSWORD_HASH_PARAMS") or {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher().hash(password)


def check_password_rules(password: str, email: str = "") -> None:
    """Refuse passwords that are too short or equal to the e-mail address."""
    if len(password) < MIN_PASSWORD:
        raise ServiceError(
            _("Use at least %(n)d characters.", n=MIN_PASSWORD), field="password", code="weak"
        )
    if email and password.strip().lower() == email.strip().lower():
        raise ServiceError(_("Do not use your e-mail address as password."), field="password")


def normalise_email(email: str) -> str:
    """Return the stored form of an e-mail address (trimmed, lower-cased)."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the user with this e-mail address, ignoring case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


_DUMMY_HASH: str | None = None


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose credentials match, else None (in about the same time)."""
    global _DUMMY_HASH
    hasher = _hasher()
    user = find_user_by_email(email)
    if user is None:
        # Verify against a throwaway hash so that unknown addresses take as long as known ones.
        _DUMMY_HASH = _DUMMY_HASH or hasher.hash("not the password")
        with contextlib.suppress(VerificationError):
            hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.is_active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def record_login(user: User) -> None:
    """Note the time of a successful log-in."""
    user.last_login_at = utcnow()
    log.info("user %s logged in", user.id)


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    role: str,
    institution: Institution | None,
    timezone: str | None = None,
    locale: str | None = None,
) -> User:
    """Create an account after checking e-mail uniqueness, password rules and time zone.

    Without a password the account cannot log in until its owner sets one through a mailed
    link (see :func:`password_setup_link`), e.g. for students a lecturer enrols from a roster.
    """
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise ServiceError(
            _(
                "This e-mail address cannot be used for a new account. If it is yours, log in or "
                "reset your password."
            ),
            field="email",
            code="email_taken",
        )
    if password is not None:
        check_password_rules(password, email)
    zone = timezone or (institution.timezone if institution else "UTC")
    if not is_timezone(zone):
        raise ServiceError(_("Choose a time zone from the list."), field="timezone")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=(
            hash_password(password)
            if password is not None
            else UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(16)
        ),
        role=role,
        institution=institution,
        timezone=zone,
        locale=locale if locale in current_app.config["LANGUAGES"] else None,
    )
    db.session.add(user)
    db.session.flush()
    log.info("user %s created as %s at institution %s", user.id, role, user.institution_id)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(
    actor: User,
    *,
    role: str,
    institution: Institution | None,
    email: str | None = None,
    max_uses: int = 1,
    days: int | None = None,
    note: str | None = None,
    course_id: int | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation link; return it with the one-time visible token.

    When an e-mail address is given, the link is mailed there after commit. With ``course_id``
    (a student join link for a course in an exchange, made by ``exchanges.services``),
    accepting it also enrols the new student.
    """
    if not can_invite(actor, role, institution):
        raise ServiceError(_("You cannot invite someone with this role here."), field="role")
    if not 1 <= max_uses <= 500:
        raise ServiceError(_("Allow between 1 and 500 uses."), field="max_uses")
    days = days or current_app.config["INVITATION_DAYS"]
    if not 1 <= days <= 90:
        raise ServiceError(_("Choose between 1 and 90 days."), field="days")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=_token_hash(token),
        role=role,
        institution=institution,
        created_by=actor,
        email=normalise_email(email) if email else None,
        note=(note or "").strip() or None,
        expires_at=utcnow() + timedelta(days=days),
        max_uses=max_uses,
        course_id=course_id,
    )
    db.session.add(invitation)
    db.session.flush()
    if invitation.email:
        queue_mail(
            invitation.email,
            actor.locale,
            "mail/invitation.txt",
            inviter=actor,
            invitation=invitation,
            link=site_url("accounts.join", token=token),
        )
    log.info("user %s created invitation %s for %s", actor.id, invitation.id, role)
    return invitation, token


def find_invitation(token: str) -> Invitation:
    """Return the open invitation for ``token`` or raise a ServiceError saying why not."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    if invitation is None:
        raise ServiceError(_("This invitation link is not valid."), code="unknown")
    state = invitation.state()
    if state == "expired":
        raise ServiceError(_("This invitation has expired."), code=state)
    if state == "used":
        raise ServiceError(_("This invitation has already been used."), code=state)
    if state == "revoked":
        raise ServiceError(_("This invitation has been withdrawn."), code=state)
    if invitation.institution is not None and not invitation.institution.is_active:
        raise ServiceError(_("This invitation link is not valid."), code="unknown")
    return invitation


def accept_invitation(
    token: str, *, name: str, email: str, password: str, timezone: str, locale: str | None
) -> User:
    """Create the invited account and use up one use of the invitation, atomically."""
    invitation = find_invitation(token)
    if invitation.email and normalise_email(email) != invitation.email:
        raise ServiceError(
            _("This invitation is for a different e-mail address."), field="email", code="email"
        )
    user = create_user(
        email=email,
        name=name,
        password=password,
        role=invitation.role,
        institution=invitation.institution,
        timezone=timezone,
        locale=locale,
    )
    claim_invitation_use(invitation)
    if invitation.course_id is not None:
        from coil.exchanges.services import enrol_by_invitation

        enrol_by_invitation(user, invitation)
    log.info("invitation %s accepted by user %s", invitation.id, user.id)
    return user


def claim_invitation_use(invitation: Invitation) -> None:
    """Use up one use of an open invitation, or raise a ServiceError when none is left."""
    # A guarded UPDATE: two people racing for the last use cannot both win.
    claimed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.use_count < Invitation.max_uses,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .values(use_count=Invitation.use_count + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise ServiceError(_("This invitation has already been used."), code="used")


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    """Withdraw an invitation so that its link stops working."""
    if not can_manage_invitation(actor, invitation):
        raise ServiceError(_("You cannot withdraw this invitation."))
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        log.info("user %s revoked invitation %s", actor.id, invitation.id)


def update_profile(
    user: User,
    *,
    name: str,
    locale: str | None,
    timezone: str,
    languages: list[tuple[str, str]],
) -> None:
    """Change a user's name, UI language, time zone and spoken languages."""
    if not is_timezone(timezone):
        raise ServiceError(_("Choose a time zone from the list."), field="timezone")
    codes = [code for code, _level in languages]
    if len(codes) != len(set(codes)):
        raise ServiceError(_("List each language once."))
    user.name = name.strip()
    user.locale = locale if locale in current_app.config["LANGUAGES"] else None
    user.timezone = timezone
    sync_keyed(
        user.languages,
        dict(languages),
        "language",
        "level",
        lambda code, level: UserLanguage(language=code, level=level),
    )
    db.session.flush()
    log.info("user %s updated their profile", user.id)


def set_locale(user: User, locale: str) -> None:
    """Remember a user's chosen UI language."""
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale


def change_password(user: User, current: str, new: str) -> None:
    """Change a password after checking the current one."""
    try:
        _hasher().verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ServiceError(_("Your current password is not right."), field="current") from None
    check_password_rules(new, user.email)
    user.password_hash = hash_password(new)
    log.info("user %s changed their password", user.id)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    # Tied to the current hash: once the password changes, every earlier link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _reset_token(user: User, kind: str = "reset") -> str:
    return _reset_serializer().dumps({"uid": user.id, "fp": _fingerprint(user), "kind": kind})


def password_setup_link(user: User) -> str:
    """Return a link for a new account to choose its first password (valid for days)."""
    return site_url("accounts.reset_password", token=_reset_token(user, "setup"))


def _token_max_age(kind: object) -> int:
    if kind == "setup":
        return int(current_app.config["INVITATION_DAYS"]) * 24 * 3600
    return int(current_app.config["PASSWORD_RESET_SECONDS"])


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        log.info("password reset asked for an address without an active account")
        return
    token = _reset_token(user)
    queue_mail(
        user.email,
        user.locale,
        "mail/password_reset.txt",
        user=user,
        link=site_url("accounts.reset_password", token=token),
        minutes=current_app.config["PASSWORD_RESET_SECONDS"] // 60,
    )


def user_for_reset_token(token: str) -> User:
    """Return the user a reset token is for, or raise a ServiceError if it is not usable."""
    try:
        data: Any = _reset_serializer().loads(token, max_age=_token_max_age("setup"))
        # A first-password link lives for days; a reset link only for minutes.
        kind = data.get("kind") if isinstance(data, dict) else None
        if kind != "setup":
            data = _reset_serializer().loads(token, max_age=_token_max_age(kind))
    except SignatureExpired:
        raise ServiceError(
            _("This reset link has expired. Ask for a new one."), code="expired"
        ) from None
    except BadSignature:
        raise ServiceError(
            _("This reset link is not valid. Ask for a new one."), code="invalid"
        ) from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user):
        raise ServiceError(_("This reset link is not valid. Ask for a new one."), code="invalid")
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password through a reset link; the link then stops working."""
    user = user_for_reset_token(token)
    check_password_rules(new, user.email)
    user.password_hash = hash_password(new)
    log.info("user %s reset their password", user.id)
    return user


def count_users_by_role(institution_id: int | None = None) -> dict[str, int]:
    """Count active accounts per role, for one institution or all."""
    query = select(User.role, func.count()).where(User.active.is_(True)).group_by(User.role)
    if institution_id is not None:
        query = query.where(User.institution_id == institution_id)
    counts = {role.value: 0 for role in Role}
    counts.update({role: n for role, n in db.session.execute(query)})
    return counts


def set_availability(user: User, slots: list[tuple[int, time, time]]) -> None:
    """Replace a person's weekly availability (weekday, start, end in their own time zone)."""
    if len(slots) > MAX_AVAILABILITY_SLOTS:
        raise ServiceError(
            _("Give at most %(n)d time slots.", n=MAX_AVAILABILITY_SLOTS), field="slots"
        )
    for weekday, start, end in slots:
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ServiceError(_("Choose a day from the list."), field="slots")
        if end <= start:
            raise ServiceError(
                _(
                    "A time slot must end after it starts, on the same day. For a slot past "
                    "midnight, add one row for each day."
                ),
                field="slots",
            )
    if len(set(slots)) != len(slots):
        raise ServiceError(_("List each time slot once."), field="slots")
    db.session.execute(delete(AvailabilitySlot).where(AvailabilitySlot.user_id == user.id))
    db.session.add_all(
        AvailabilitySlot(user_id=user.id, weekday=weekday, start_time=start, end_time=end)
        for weekday, start, end in sorted(slots)
    )
    db.session.flush()
    log.info("user %s set %d availability slots", user.id, len(slots))


def availability_of(user: User) -> list[AvailabilitySlot]:
    """Return a person's weekly availability slots, by weekday and time."""
    return list(
        db.session.scalars(
            select(AvailabilitySlot)
            .where(AvailabilitySlot.user_id == user.id)
            .order_by(AvailabilitySlot.weekday, AvailabilitySlot.start_time)
        )
    )


MAX_API_TOKENS = 10
API_TOKEN_PREFIX = "coil_"
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
        token_hash=_token_hash(secret),
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
    digest = _token_hash(secret)
    # Looked up by its SHA-256: response time can reveal at most how much of a hash matched,
    # which says nothing about any secret. The compare below only guards against collation.
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return _usable(token)


def usable_api_token(token_id: int) -> ApiToken | None:
    """Return the token with this id if it still works (checked again on later socket events).

    One query with the owner and their institution: it runs on every socket event.
    """
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.id == token_id)
        .options(joinedload(ApiToken.user).joinedload(User.institution))
    )
    return _usable(token)


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
