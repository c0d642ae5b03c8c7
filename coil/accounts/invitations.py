"""Sign-up by invitation: invitation links, their uses, accepting and withdrawing them.

An invitation carries a role and an institution (and may be tied to one e-mail address or, for
a student join link, to a course in an exchange); only its token's digest is stored. Accepting
one creates the account through ``services.create_user``. Services flush and never commit; the
request around them commits once.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update

from coil.accounts.models import Invitation, User
from coil.accounts.permissions import can_invite, can_manage_invitation
from coil.accounts.services import create_user, hash_token, normalise_email
from coil.accounts.signals import InvitationUse, invitation_used
from coil.core.errors import ServiceError
from coil.core.mail import queue_mail
from coil.core.safety import site_url
from coil.core.time import utcnow
from coil.extensions import db

if TYPE_CHECKING:
    from coil.institutions.models import Institution

log = logging.getLogger(__name__)


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
    (a student join link for a course in an exchange, made by ``exchanges.enrolling``),
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
        token_hash=hash_token(token),
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
        select(Invitation).where(Invitation.token_hash == hash_token(token))
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
    invitation_used.send(user, invitation=invitation)
    log.info("invitation %s accepted by user %s", invitation.id, user.id)
    return user


def follow_course_link(user: User, token: str) -> InvitationUse:
    """Let a signed-in person take up a course join link; count a use only if it changed anything.

    The domain that owns courses in exchanges acts on it (see ``signals.invitation_used``).
    """
    invitation = find_invitation(token)
    if invitation.course_id is None:
        raise ServiceError(_("This link is for a new account, not for joining a course."))
    uses = [use for _receiver, use in invitation_used.send(user, invitation=invitation) if use]
    if not uses:
        raise ServiceError(_("This invitation link is not valid."), code="unknown")
    if uses[0].new:
        claim_invitation_use(invitation)
    return uses[0]


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
