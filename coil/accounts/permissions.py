"""Who may do what with accounts and invitations: named predicates and loader-checkers.

Every predicate answers no for an anonymous or inactive user.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard, TypeVar

from flask import abort
from flask_login import AnonymousUserMixin, current_user

from coil.accounts.models import Invitation, Role, User
from coil.extensions import db

if TYPE_CHECKING:
    from coil.institutions.models import Institution

F = TypeVar("F", bound=Callable[..., Any])

#: Whoever is asking: a signed-in user, or Flask-Login's anonymous visitor (``current_user``
#: is either). Predicates take an ``Actor`` and answer no for anonymous or inactive ones;
#: services, which act, take a ``User``.
Actor: TypeAlias = User | AnonymousUserMixin

# Who may invite whom: admins bring in coordinators, coordinators lecturers, lecturers students.
INVITES: dict[str, tuple[Role, ...]] = {
    Role.ADMIN: (Role.COORDINATOR, Role.ADMIN),
    Role.COORDINATOR: (Role.LECTURER, Role.COORDINATOR),
    Role.LECTURER: (Role.STUDENT,),
    Role.STUDENT: (),
}


def is_signed_in(actor: Actor | None) -> TypeGuard[User]:
    """Tell whether ``actor`` is a logged-in, active user."""
    return (
        actor is not None
        and bool(getattr(actor, "is_authenticated", False))
        and bool(actor.is_active)
    )


def invitable_roles(actor: Actor) -> tuple[Role, ...]:
    """Return the roles ``actor`` may invite."""
    return INVITES.get(actor.role, ()) if is_signed_in(actor) else ()


def can_invite(actor: Actor, role: str, institution: Institution | None) -> bool:
    """Tell whether ``actor`` may invite someone as ``role`` at ``institution``."""
    if role not in invitable_roles(actor):
        return False
    if role == Role.ADMIN:
        return institution is None
    if institution is None or not institution.is_active:
        return False
    return actor.role == Role.ADMIN or actor.institution_id == institution.id


def can_manage_invitation(actor: Actor, invitation: Invitation) -> bool:
    """Tell whether ``actor`` may see and revoke ``invitation``."""
    if not is_signed_in(actor):
        return False
    if actor.role == Role.ADMIN or invitation.created_by_id == actor.id:
        return True
    return actor.role == Role.COORDINATOR and invitation.institution_id == actor.institution_id


def get_invitation_or_404(invitation_id: int) -> Invitation:
    """Load an invitation the current user may manage, or stop with 404 / 403."""
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    if not can_manage_invitation(current_user, invitation):
        abort(403)
    return invitation


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let only signed-in users with one of ``roles`` through (others get 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not is_signed_in(current_user):
                from coil.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
