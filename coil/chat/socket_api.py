"""What every live-room event shares: the core event wrapper with the send limit, and loaders.

``room_event`` is :func:`coil.core.sockets.socket_event`; with ``limited`` the event counts
against the sender's rate limit before anything is read. The loaders turn ids in a payload into
rooms and messages, or raise ``not_found``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from coil.chat.models import Message, Room
from coil.chat.ratelimit import check_rate
from coil.core.errors import ServiceError
from coil.core.payloads import Fields, Flag, Id, Ids, Int, Text
from coil.core.sockets import Ack, Handler, count, identifier, malformed, socket_event
from coil.extensions import db

__all__ = [
    "Flag",
    "Id",
    "Ids",
    "Int",
    "Text",
    "count",
    "identifier",
    "load_message",
    "load_room",
    "malformed",
    "room_event",
]


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
    name: str, fields: Fields, *, limited: bool = False, by_id: bool = False
) -> Callable[[Handler], Callable[..., Ack]]:
    """Register a live-room handler for ``name`` (see :func:`coil.core.sockets.socket_event`).

    ``fields`` declares the payload fields the handler reads, checked before it runs.
    ``limited`` events count against the sender's rate limit before anything is read.
    ``by_id`` handlers get the user's id instead of the loaded user (``send``, the hot path,
    needs only the id; the writer checks the rest for the whole batch).
    """
    return socket_event(name, fields=fields, by_id=by_id, before=check_rate if limited else None)
