"""What every page shows around its content: the navigation for the viewer's role.

This module sits above the domains (it names their pages) and below the app factory. Badges and
other per-domain values are added by each domain's blueprint: notifications (the unread count),
chat (the Rooms link's unread badge), accounts (the language switch).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import is_signed_in

# (endpoint, label, roles that see it)
NAVIGATION: list[tuple[str, Any, tuple[Role, ...]]] = [
    ("home.index", _l("Home"), tuple(Role)),
    ("courses.index", _l("Courses"), (Role.COORDINATOR, Role.LECTURER)),
    ("pairings.index", _l("Proposals"), (Role.COORDINATOR, Role.LECTURER)),
    ("exchanges.index", _l("Exchanges"), tuple(Role)),
    ("chat.index", _l("Rooms"), (Role.COORDINATOR, Role.LECTURER, Role.STUDENT)),
    ("credentials.wallet", _l("My badges"), (Role.STUDENT,)),
    ("credentials.verify", _l("Verify a badge"), tuple(Role)),
    ("institutions.index", _l("Institutions"), (Role.ADMIN, Role.COORDINATOR, Role.LECTURER)),
    (
        "institutions.invitations",
        _l("Invitations"),
        (Role.ADMIN, Role.COORDINATOR, Role.LECTURER),
    ),
    ("reports.dashboard", _l("Reports"), (Role.ADMIN, Role.COORDINATOR)),
    ("accounts.profile", _l("Profile"), tuple(Role)),
]


def navigation() -> list[tuple[str, Any]]:
    """Return the navigation entries for the current user's role."""
    if not is_signed_in(current_user):
        return []
    return [
        (endpoint, label) for endpoint, label, roles in NAVIGATION if current_user.role in roles
    ]


def install(app: Flask) -> None:
    """Give every page its navigation."""

    @app.context_processor
    def inject() -> dict[str, Any]:
        if not has_request_context():
            return {}
        return {"navigation": navigation(), "Role": Role}
