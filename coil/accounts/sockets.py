"""Who is on the other end of a Socket.IO connection: the connect guard and the user lookup.

Browsers authenticate with their log-in session cookie; other clients (bots, the benchmark, a
mobile app) with a personal API token, sent as the Socket.IO ``auth`` payload
``{"token": "coil_..."}`` or as an ``Authorization: Bearer coil_...`` header. Every connection
joins its user's channel (``user:{id}``). The lookups are registered with
``coil.core.sockets``, whose event wrapper checks the user on every event.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import request
from flask_login import current_user
from flask_socketio import join_room

from coil.accounts.models import User
from coil.accounts.permissions import is_signed_in
from coil.accounts.tokens import api_token_owner_id, use_api_token
from coil.core.channels import user_channel
from coil.core.i18n import SOCKET_LOCALE_KEY
from coil.core.sockets import socket_transaction, socket_user_loader
from coil.extensions import db, socketio

log = logging.getLogger(__name__)

# Where a token-authenticated connection keeps its token's id (never the secret: environs end up
# in error reports). The handshake's WSGI environ lives as long as the connection, and
# Flask-SocketIO builds every later event's request from it; with manage_session=False,
# flask.session is the cookie session, so it cannot hold this. The Socket.IO server's own
# per-connection session (save_session) would do in production but is missing in the test client.
TOKEN_ENVIRON_KEY = "coil.api_token_id"  # noqa: S105 (not a secret)


def _token_secret(auth: Any) -> str | None:
    """Return the API token a client presented in its auth payload or Authorization header."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return str(auth["token"])
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def current_socket_user_id() -> int | None:
    """Return the id of the active user behind the current socket event, or None.

    Checked against the database on every call (a revoked token, a deactivated account or
    institution shuts out open connections at their next event); for tokens this reads a few
    columns, not objects, because it runs for every message.
    """
    if is_signed_in(current_user):
        return int(current_user.id)
    token_id = request.environ.get(TOKEN_ENVIRON_KEY)
    return api_token_owner_id(token_id) if isinstance(token_id, int) else None


def current_socket_user() -> User | None:
    """Return the active user behind the current socket event (session or API token), or None."""
    if is_signed_in(current_user):
        user: User = current_user._get_current_object()
        return user
    user_id = current_socket_user_id()
    return db.session.get(User, user_id) if user_id is not None else None


socket_user_loader(current_socket_user, current_socket_user_id)


@socketio.on("connect")
def on_connect(auth: Any = None) -> bool:
    """Accept signed-in users or valid API tokens; put each connection in its user's channel."""
    with socket_transaction():
        if is_signed_in(current_user):
            join_room(user_channel(current_user.id))
            return True
        secret = _token_secret(auth)
        token = use_api_token(secret) if secret else None
        if token is None:
            if secret:
                log.info("socket connection refused: unusable API token")
            return False
        request.environ[TOKEN_ENVIRON_KEY] = token.id
        # Error messages in the owner's profile language (as of connecting) for every event.
        request.environ[SOCKET_LOCALE_KEY] = token.user.locale
        join_room(user_channel(token.user_id))
        log.info("user %s connected with API token %s", token.user_id, token.id)
        return True
