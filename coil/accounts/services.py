"""Every state change of accounts: log-in records, new accounts, profiles, passwords, resets.

Also a person's weekly availability. Sign-up by invitation is in ``invitations.py``, personal
API tokens in ``tokens.py``; both store their secrets as :func:`hash_token` digests.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from datetime import time
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from coil.accounts.models import AvailabilitySlot, Role, User, UserLanguage
from coil.core.errors import ServiceError
from coil.core.mail import queue_mail
from coil.core.models import sync_keyed
from coil.core.safety import site_url
from coil.core.time import is_timezone, utcnow
from coil.extensions import db

if TYPE_CHECKING:
    from coil.institutions.models import Institution

log = logging.getLogger(__name__)
MIN_PASSWORD = 10
MAX_AVAILABILITY_SLOTS = 21
# Not an Argon2 hash: verifying any password against it fails, so the account can only be
# entered after choosing a password through a mailed link.
UNUSABLE_PASSWORD_PREFIX = "!unusable:"  # noqa: S105 (not a secret)


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


def hash_token(token: str) -> str:
    """Return the stored form of an invitation or API token secret: its SHA-256 in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


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
    end_sessions(user)
    log.info("user %s changed their password", user.id)


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of ``user`` (API tokens stay valid).

    Each takes effect at that browser's next request or socket event, when the user loader
    finds an older session version; a view that keeps its own browser signed in logs in again.
    """
    user.session_version += 1
    log.info("user %s: every session ended", user.id)


def set_active(user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivating ends its sessions for good."""
    if user.active and not active:
        end_sessions(user)
    user.active = active
    log.info("user %s %s", user.id, "reactivated" if active else "deactivated")


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
    end_sessions(user)
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
