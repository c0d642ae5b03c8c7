"""Which browser sessions are still valid: Flask-Login's user loader, with session versions.

``User.get_id()`` is ``"<user id>.<session version>"`` and is what Flask-Login keeps in the
session and in the remember-me cookie. Raising the version (:func:`services.end_sessions`: on a
password change or reset, a deactivation, "sign out everywhere") makes every older session and
cookie load no user at its next request or socket event (socket events load their user through
Flask-Login too, see ``coil/accounts/sockets.py``). API tokens are separate credentials with
their own revocation and are not affected.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import login_user

from coil.accounts.models import User
from coil.extensions import db, login_manager

MAX_DIGITS = 10  # a database integer


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the logged-in user for Flask-Login (None logs a stale session out)."""
    user_id, _dot, version = session_id.partition(".")
    if not all(p.isascii() and p.isdigit() and len(p) <= MAX_DIGITS for p in (user_id, version)):
        return None  # includes sessions from before session versions existed: log in again
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def stay_signed_in(user: User) -> None:
    """Move this browser's session (and remember-me cookie) onto the user's new version."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=bool(request.cookies.get(cookie)))
