"""The Socket.IO connection itself: who may connect, and the personal room every user joins.

Domain events (chat, presence) live in their own domain's ``sockets.py``; this module only
decides whether a connection is allowed at all.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_login import current_user
from flask_socketio import join_room

from coil.accounts.permissions import is_signed_in
from coil.extensions import db, socketio

log = logging.getLogger(__name__)


def user_room(user_id: int) -> str:
    """Name the room that reaches every connection of one user."""
    return f"user:{user_id}"


@socketio.on("connect")
def on_connect(auth: Any = None) -> bool:
    """Accept only signed-in, active users; put each in their personal room."""
    try:
        if not is_signed_in(current_user):
            return False
        join_room(user_room(current_user.id))
        return True
    finally:
        db.session.remove()  # Flask's teardown does not run for socket events
