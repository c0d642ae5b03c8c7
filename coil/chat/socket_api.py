"""The shape every live-room event shares: one transaction, a checked user, an ack, never a raise.

A handler decorated with :func:`room_event` receives the signed-in (or token) user and the
payload as a dict, runs inside :func:`coil.core.sockets.socket_transaction`, and returns the
fields of a successful ack. Refusals raise ``ServiceError`` and become
``{"ok": false, "error": {"code", "message"}}``; anything unexpected is logged and becomes the
``server_error`` code: a malformed payload never escapes a handler.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from coil.chat.models import Message, Room
from coil.chat.ratelimit import check_rate
from coil.core.errors import ServiceError
from coil.core.sockets import current_socket_user, current_socket_user_id, socket_transaction
from coil.extensions import db, socketio

log = logging.getLogger(__name__)

Ack = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], Ack]  # (user or user id, payload)


def failure(code: str, message: str) -> Ack:
    """Return the error acknowledgement for ``code`` with a human ``message``."""
    return {"ok": False, "error": {"code": code, "message": message}}


def malformed(what: str | None = None) -> ServiceError:
    """Return the error for a payload that cannot be read."""
    return ServiceError(what or _("The request could not be read."), code="malformed")


def identifier(payload: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    """Return ``payload[key]`` as a database id, or raise ``malformed``."""
    value = payload.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 2**31 - 1:
        raise malformed()
    return value


def count(payload: dict[str, Any], key: str, default: int, ceiling: int) -> int:
    """Return a small positive number from ``payload[key]`` (``default`` when absent)."""
    value = payload.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise malformed()
    return min(value, ceiling)


def load_room(payload: dict[str, Any], key: str = "room") -> Room:
    """Return the room ``payload[key]`` names, or raise ``not_found``."""
    room = db.session.get(Room, identifier(payload, key))
    if room is None:
        raise ServiceError(_("This room does not exist."), code="not_found")
    return room


def load_message(payload: dict[str, Any], key: str = "message") -> Message:
    """Return the message ``payload[key]`` names, or raise ``not_found``."""
    message = db.session.get(Message, identifier(payload, key))
    if message is None:
        raise ServiceError(_("This message is no longer there."), code="not_found")
    return message


def room_event(
    name: str, *, limited: bool = False, by_id: bool = False
) -> Callable[[Handler], Callable[..., Ack]]:
    """Register ``handler`` for the Socket.IO event ``name`` with the shared ack rules.

    ``limited`` events count against the sender's rate limit before anything is read.
    ``by_id`` handlers get the user's id instead of the loaded user: the check against the
    database is the same, without building a ``User`` object (``send``, the hot path, needs
    only the id; the writer checks the rest for the whole batch).
    """

    def decorate(handler: Handler) -> Callable[..., Ack]:
        @functools.wraps(handler)
        def run(payload: Any = None) -> Ack:
            try:
                # Settle the language while the user is loaded: an error message may be
                # translated after the transaction has closed and detached the user.
                get_locale()
                with socket_transaction():
                    user = current_socket_user_id() if by_id else current_socket_user()
                    if user is None:
                        return failure("unauthorized", _("Please log in again."))
                    if by_id:
                        # Checked: give the connection back before anything can wait.
                        db.session.commit()
                    if not isinstance(payload, dict):
                        raise malformed()
                    if limited:
                        check_rate(user if isinstance(user, int) else user.id)
                    result = handler(user, payload)
                return {"ok": True, **result}
            except ServiceError as error:
                return failure(error.code, error.message)
            except Exception:
                log.exception("socket event %s failed", name)
                return failure("server_error", _("Something went wrong on our side. Try again."))

        socketio.on_event(name, run)
        return run

    return decorate
