"""Live-room events (client to server); docs/realtime.md is the protocol reference.

Every handler checks the user and the room against the database, answers with an ack
(``{"ok": true, ...}`` or ``{"ok": false, "error": {"code", "message"}}``), and leaves the
broadcasting of stored changes to the after-commit hook.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_socketio import emit, join_room
from sqlalchemy import select

from coil.accounts.models import User
from coil.chat import rooms as room_queries
from coil.chat import services
from coil.chat.models import Room
from coil.chat.permissions import (
    can_moderate,
    can_post,
    require_post,
    require_read,
)
from coil.chat.presence import announce_presence, people, presence
from coil.chat.sending import Outgoing
from coil.chat.socket_api import (
    Flag,
    Id,
    Int,
    Text,
    count,
    identifier,
    load_message,
    load_room,
    room_event,
)
from coil.chat.writer import send as send_message
from coil.core.channels import exchange_channel, room_channel
from coil.core.errors import ServiceError
from coil.core.sockets import current_socket_user_id, socket_transaction
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import can_view_exchange
from coil.extensions import db, socketio
from coil.schedule.services import end_room_presence, record_room_presence

log = logging.getLogger(__name__)
HISTORY_PAGE = 50
ROOM = {"room": Id(required=True)}
MESSAGE = {"message": Id(required=True)}
TYPING_INTERVAL = 1.0  # seconds between two typing signals of one connection that are passed on
_last_typing: dict[str, float] = {}


def summary(room: Room, user: User, unread: int | None = None) -> dict[str, Any]:
    """Describe ``room`` for ``user``: names, kind, and what they may do there."""
    data = {
        "id": room.id,
        "kind": room.kind,
        "name": room.name,
        "exchange_id": room.exchange_id,
        "exchange": room.exchange.title,
        "team_id": room.team_id,
        "archived": room.archived_at is not None,
        "can_post": can_post(user, room),
        "can_moderate": can_moderate(user, room),
    }
    if unread is not None:
        data["unread"] = unread
    return data


def _page(user: User, room: Room, messages: list[Any], limit: int) -> dict[str, Any]:
    return {
        "messages": services.serialise_page(messages, user, room),
        "more": len(messages) >= limit,
    }


@room_event("rooms", {"subscribe": Flag()})
def on_rooms(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """List the caller's rooms with unread counts; ``subscribe`` also follows their messages."""
    listed = room_queries.rooms_for(user)
    if payload.get("subscribe") is True:
        for room, _unread in listed:
            join_room(room_channel(room.id))
            join_room(exchange_channel(room.exchange_id))
    return {"rooms": [summary(room, user, unread) for room, unread in listed]}


@room_event(
    "join", {"room": Id(required=True), "after": Id(zero=True), "limit": Int(1, services.MAX_PAGE)}
)
def on_join(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Enter a room: recent history (or everything after ``after``), unread count, presence."""
    room = load_room(payload)
    require_read(user, room)  # before subscribing: non-members hear nothing
    after = payload.get("after")
    limit = (
        services.MAX_PAGE
        if after is not None
        else count(payload, "limit", HISTORY_PAGE, services.MAX_PAGE)
    )
    # Subscribe before reading: a message committed after the read below is then broadcast to
    # this connection, and one committed before it is in the page. Reading first would lose a
    # message committed between the read and the subscription (the client's next catch-up
    # starts after the newest id it has, past it).
    join_room(room_channel(room.id))
    if after is not None:
        messages = services.since(user, room, after, limit)
    else:
        messages = services.history(user, room, None, limit)
    presence().enter(room.id, request.sid, user.id)  # type: ignore[attr-defined]
    announce_presence(room.id)
    record_room_presence(user, room.exchange_id, room.team_id)  # attendance, if a session is on
    return {
        "room": summary(room, user),
        **_page(user, room, messages, limit),
        "unread": services.unread_count(user, room),
        "presence": people(presence().users(room.id)),
    }


@room_event("leave", ROOM)
def on_leave(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Leave a room's presence (the connection stays subscribed if ``rooms`` subscribed it)."""
    room = load_room(payload)
    store = presence()
    store.leave(room.id, request.sid)  # type: ignore[attr-defined]
    announce_presence(room.id)
    if user.id not in store.users(room.id):
        end_room_presence(user.id, room.exchange_id, room.team_id)  # attendance minutes
    return {}


@room_event(
    "history", {"room": Id(required=True), "before": Id(), "limit": Int(1, services.MAX_PAGE)}
)
def on_history(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the page of messages before ``before``."""
    room = load_room(payload)
    before = identifier(payload, "before", required=False)
    limit = count(payload, "limit", HISTORY_PAGE, services.MAX_PAGE)
    return _page(user, room, services.history(user, room, before, limit), limit)


@room_event(
    "send",
    {"room": Id(required=True), "client_id": Text(), "body": Text(), "reply_to": Id()},
    limited=True,
    by_id=True,
)
def on_send(user_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Store a message (idempotent per client id); the ack carries the stored message."""
    room_id = identifier(payload, "room")
    assert room_id is not None  # noqa: S101 (identifier() raises for a missing required id)
    item = Outgoing(
        user_id, room_id, payload.get("client_id"), payload.get("body"), payload.get("reply_to")
    )
    return {"message": send_message(item)}


@room_event("edit", {"message": Id(required=True), "body": Text()}, limited=True)
def on_edit(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Replace the text of one's own message."""
    message = services.edit_message(user, load_message(payload), payload.get("body"))
    return {"message": services.serialise(message, user)}


@room_event("delete", MESSAGE)
def on_delete(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Delete one's own message."""
    message = services.delete_message(user, load_message(payload))
    return {"message": services.serialise(message, user)}


@room_event("remove", MESSAGE)
def on_remove(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Hide a message from students (lecturers)."""
    message = services.remove_message(user, load_message(payload))
    return {"message": services.serialise(message, user)}


@room_event("react", {"message": Id(required=True), "emoji": Text(), "on": Flag()}, limited=True)
def on_react(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Add (``on`` true, the default) or take back an emoji reaction."""
    on = payload.get("on", True)
    counts = services.react(user, load_message(payload), payload.get("emoji"), on)
    return {"reactions": counts}


@room_event("read", {"room": Id(required=True), "message": Id(required=True)})
def on_read(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Mark the room read up to ``message``; the caller's other tabs hear the new count."""
    room = load_room(payload)
    services.mark_read(user, room, payload.get("message"))
    unread = services.unread_count(user, room)
    services.notify_unread(user, room, unread)
    return {"unread": unread}


@room_event("typing", {"room": Id(required=True), "typing": Flag()})
def on_typing(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Tell the others in the room that the caller is (or stopped) typing."""
    room = load_room(payload)
    typing = payload.get("typing", True)
    require_post(user, room)
    sid = request.sid  # type: ignore[attr-defined]
    now = time.monotonic()
    if typing and now - _last_typing.get(sid, 0.0) < TYPING_INTERVAL:
        return {"passed_on": False}
    _last_typing[sid] = now
    emit(
        "typing",
        {
            "type": "typing",
            "op": "started" if typing else "stopped",
            "room_id": room.id,
            "user": {"id": user.id, "name": user.name},
        },
        to=room_channel(room.id),
        include_self=False,
    )
    return {"passed_on": True}


@room_event("search", {"room": Id(required=True), "q": Text()})
def on_search(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Find messages in a room containing ``q``, newest first."""
    room = load_room(payload)
    found = room_queries.search(user, room, payload.get("q"))
    return {"messages": services.serialise_page(found, user, room)}


@room_event("archive", ROOM)
def on_archive(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Make a room read-only (lecturers)."""
    room = services.archive_room(user, load_room(payload))
    return {"room": summary(room, user)}


@room_event("topic", {"exchange": Id(required=True), "name": Text()}, limited=True)
def on_topic(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Open a topic room in an exchange (lecturers)."""
    exchange = db.session.get(Exchange, identifier(payload, "exchange"))
    if exchange is None or not can_view_exchange(user, exchange):
        raise ServiceError(_("This exchange does not exist."), code="not_found")
    room = room_queries.create_topic(user, exchange, payload.get("name"))
    services.notify_room_opened(room)
    return {"room": summary(room, user)}


@socketio.on("disconnect")
def on_disconnect(*_args: Any) -> None:
    """Take the connection out of every room's presence and tell those rooms."""
    sid = request.sid  # type: ignore[attr-defined]
    _last_typing.pop(sid, None)
    store = presence()
    left = store.rooms_of(sid)
    for room_id in left:
        store.leave(room_id, sid)
        announce_presence(room_id)
    try:
        with socket_transaction():
            user_id = current_socket_user_id()
            if user_id is None:
                return
            for room in db.session.scalars(select(Room).where(Room.id.in_(left))):
                if user_id not in store.users(room.id):
                    end_room_presence(user_id, room.exchange_id, room.team_id)
    except Exception:  # the attendance minutes must not break a disconnect
        log.exception("could not close the attendance of connection %s", sid)
