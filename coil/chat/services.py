"""Every state change of live rooms; services flush, the caller's transaction commits.

Refusals raise ``ServiceError`` with a stable ``code`` (``not_member``, ``archived``,
``too_long``, ``empty``, ``malformed``, ``not_found``, ``forbidden``) that socket handlers pass
on in their error acknowledgement. Live events go to ``room:{id}`` after commit.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from coil.accounts.models import User
from coil.accounts.permissions import Actor, is_signed_in
from coil.chat.models import Message, Reaction, Room, RoomRead
from coil.chat.permissions import can_moderate, require_post, require_read
from coil.chat.render import render_message
from coil.core.channels import exchange_channel, room_channel, user_channel
from coil.core.errors import ServiceError
from coil.core.events import notify
from coil.core.time import utcnow
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import is_exchange_staff
from coil.exchanges.signals import course_joined
from coil.extensions import db
from coil.teams.signals import teams_published

log = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 4000
MAX_CLIENT_ID = 64
MAX_EMOJI = 16
MAX_PAGE = 500


def notify_unread(user: User, room: Room, unread: int) -> None:
    """Tell all of ``user``'s connections (other tabs, other devices) a room's unread count."""
    notify("unread", "changed", {"room_id": room.id, "unread": unread}, [user_channel(user.id)])


def notify_room_opened(room: Room) -> None:
    """Tell the exchange's subscribed connections that a room was opened."""
    notify(
        "room",
        "created",
        {"id": room.id, "kind": room.kind, "name": room.name, "exchange_id": room.exchange_id},
        [exchange_channel(room.exchange_id)],
    )


def ensure_rooms(exchange: Exchange) -> list[Room]:
    """Create the exchange's room and one room per team where missing; return them all."""
    existing = db.session.scalars(
        select(Room).where(Room.exchange_id == exchange.id, Room.kind.in_(("exchange", "team")))
    ).all()
    by_team = {room.team_id: room for room in existing}
    rooms = []
    for team in [None, *exchange.teams]:
        team_id = None if team is None else team.id
        room = by_team.get(team_id)
        if room is None:
            room = Room(
                exchange=exchange,
                team=team,
                kind="exchange" if team is None else "team",
                name=exchange.title if team is None else (team.name or f"Team {team.number}"),
            )
            db.session.add(room)
        rooms.append(room)
    db.session.flush()
    return rooms


@course_joined.connect
@teams_published.connect
def _rooms_of(exchange: Exchange, **_extra: Any) -> None:
    """Open the exchange's room when it is formed, and the team rooms when teams are published."""
    ensure_rooms(exchange)


def _clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise ServiceError(_("The message could not be read."), code="malformed")
    body = body.strip()
    if not body:
        raise ServiceError(_("Write something first."), code="empty")
    limit = int(current_app.config.get("CHAT_MAX_CHARS", DEFAULT_MAX_CHARS))
    if len(body) > limit:
        raise ServiceError(
            _("Messages can be at most %(limit)d characters.", limit=limit), code="too_long"
        )
    return body


def _is_visible(message: Message) -> bool:
    return message.deleted_at is None and message.removed_by_id is None


def _page_limit(limit: Any, default: int) -> int:
    if limit is None:
        return default
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ServiceError(_("The request could not be read."), code="malformed")
    return min(limit, MAX_PAGE)


def history(
    actor: User, room: Room, before_id: int | None = None, limit: int = 50
) -> list[Message]:
    """Return the newest ``limit`` messages before ``before_id``, oldest first."""
    require_read(actor, room)
    query = select(Message).where(Message.room_id == room.id)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    page = db.session.scalars(query.order_by(Message.id.desc()).limit(_page_limit(limit, 50)))
    return list(reversed(page.all()))


def since(actor: User, room: Room, after_id: int, limit: int = 500) -> list[Message]:
    """Return the messages after ``after_id`` in order, for catching up after a reconnect."""
    require_read(actor, room)
    query = (
        select(Message)
        .where(Message.room_id == room.id, Message.id > after_id)
        .order_by(Message.id)
        .limit(_page_limit(limit, 500))
    )
    return list(db.session.scalars(query))


def _own_message(actor: User, message: Message) -> None:
    require_post(actor, message.room)
    if not _is_visible(message):
        raise ServiceError(_("This message is no longer there."), code="not_found")
    if message.author_id != actor.id:
        raise ServiceError(_("You can only change your own messages."), code="forbidden")


def edit_message(actor: User, message: Message, body: Any) -> Message:
    """Replace the text of the actor's own message."""
    _own_message(actor, message)
    text = _clean_body(body)
    if text != message.body:
        message.body = text
        message.edited_at = utcnow()
        db.session.flush()
        log.info("message %s edited by user %s", message.id, actor.id)
        notify("message", "updated", serialise(message, None), [room_channel(message.room_id)])
    return message


def delete_message(actor: User, message: Message) -> Message:
    """Delete the actor's own message; others see that it was deleted."""
    _own_message(actor, message)
    message.deleted_at = utcnow()
    db.session.flush()
    log.info("message %s deleted by user %s", message.id, actor.id)
    notify("message", "deleted", serialise(message, None), [room_channel(message.room_id)])
    return message


def remove_message(actor: User, message: Message) -> Message:
    """Hide a message from students as a lecturer; it is kept for the record."""
    if not can_moderate(actor, message.room):
        raise ServiceError(
            _("Only the exchange's lecturers can remove messages."), code="forbidden"
        )
    if message.removed_by_id is None:
        message.removed_by_id = actor.id
        db.session.flush()
        log.info("message %s removed by user %s", message.id, actor.id)
        notify("message", "removed", serialise(message, None), [room_channel(message.room_id)])
    return message


def mark_read(actor: User, room: Room, message_id: Any) -> RoomRead:
    """Record that ``actor`` has read ``room`` up to ``message_id`` (never moving back)."""
    require_read(actor, room)
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise ServiceError(_("The request could not be read."), code="malformed")
    message = db.session.get(Message, message_id)
    if message is None or message.room_id != room.id:
        raise ServiceError(_("This message is no longer there."), code="not_found")
    marker = db.session.scalar(
        select(RoomRead).where(RoomRead.room_id == room.id, RoomRead.user_id == actor.id)
    )
    if marker is None:
        marker = RoomRead(room_id=room.id, user_id=actor.id, last_read_message_id=0)
        db.session.add(marker)
    marker.last_read_message_id = max(marker.last_read_message_id, message_id)
    db.session.flush()
    return marker


def unread_count(actor: User, room: Room) -> int:
    """Count the visible messages by others that ``actor`` has not read in ``room``."""
    require_read(actor, room)
    last = db.session.scalar(
        select(RoomRead.last_read_message_id).where(
            RoomRead.room_id == room.id, RoomRead.user_id == actor.id
        )
    )
    query = select(func.count(Message.id)).where(
        Message.room_id == room.id,
        Message.id > (last or 0),
        Message.deleted_at.is_(None),
        Message.removed_by_id.is_(None),
        (Message.author_id != actor.id) | Message.author_id.is_(None),
    )
    return db.session.scalar(query) or 0


def reaction_counts(message_ids: list[int]) -> dict[int, dict[str, int]]:
    """Return ``{message id: {emoji: count}}`` for ``message_ids``."""
    counts: dict[int, dict[str, int]] = {}
    if not message_ids:
        return counts
    rows = db.session.execute(
        select(Reaction.message_id, Reaction.emoji, func.count(Reaction.id))
        .where(Reaction.message_id.in_(message_ids))
        .group_by(Reaction.message_id, Reaction.emoji)
        .order_by(Reaction.message_id, Reaction.emoji)
    )
    for message_id, emoji, count in rows:
        counts.setdefault(message_id, {})[emoji] = count
    return counts


def react(actor: User, message: Message, emoji: Any, on: bool) -> dict[str, int]:
    """Add (``on``) or take back the actor's ``emoji`` on ``message``; return the counts."""
    require_post(actor, message.room)
    if not _is_visible(message):
        raise ServiceError(_("This message is no longer there."), code="not_found")
    if not isinstance(emoji, str) or not 0 < len(emoji.strip()) <= MAX_EMOJI:
        raise ServiceError(_("The reaction could not be read."), code="malformed")
    emoji = emoji.strip()
    existing = db.session.scalar(
        select(Reaction).where(
            Reaction.message_id == message.id,
            Reaction.user_id == actor.id,
            Reaction.emoji == emoji,
        )
    )
    changed = False
    if on and existing is None:
        db.session.add(Reaction(message_id=message.id, user_id=actor.id, emoji=emoji))
        changed = True
    elif not on and existing is not None:
        db.session.delete(existing)
        changed = True
    db.session.flush()
    counts = reaction_counts([message.id]).get(message.id, {})
    if changed:
        notify(
            "message",
            "reacted",
            {"id": message.id, "room_id": message.room_id, "reactions": counts},
            [room_channel(message.room_id)],
        )
    return counts


def archive_room(actor: User, room: Room) -> Room:
    """Close ``room`` for writing as one of the exchange's lecturers; it stays readable."""
    if not can_moderate(actor, room):
        raise ServiceError(_("Only the exchange's lecturers can archive a room."), code="forbidden")
    if room.archived_at is None:
        room.archived_at = utcnow()
        db.session.flush()
        log.info("room %s archived by user %s", room.id, actor.id)
        notify("room", "archived", {"id": room.id}, [room_channel(room.id)])
    return room


def serialise(
    message: Message,
    viewer: Actor | None,
    *,
    staff: bool | None = None,
    reactions: dict[str, int] | None = None,
    mine: list[str] | None = None,
) -> dict[str, Any]:
    """Return ``message`` as the event payload ``viewer`` may see (``None``: as a student).

    Students see neither the text of a deleted message nor of one a lecturer removed; staff
    (the exchange's lecturers and coordinators) still do. Pass ``staff`` and ``reactions`` when
    serialising a page, to avoid a query per message; ``mine`` (the viewer's own emoji) is
    included when given, as pages do, and left out of broadcasts.
    """
    if staff is None:
        staff = viewer is not None and is_exchange_staff(viewer, message.room.exchange)
    if reactions is None:
        reactions = reaction_counts([message.id]).get(message.id, {})
    author = message.author
    hidden = not _is_visible(message) and not staff
    data = {
        "id": message.id,
        "room_id": message.room_id,
        "client_id": message.client_id,
        "author": None if author is None else {"id": author.id, "name": author.name},
        "body": None if hidden else message.body,
        "html": None if hidden else render_message(message.body),
        "reply_to_id": message.reply_to_id,
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "deleted": message.deleted_at is not None,
        "removed": message.removed_by_id is not None,
        "reactions": reactions,
    }
    if mine is not None:
        data["mine"] = mine
    return data


def own_reactions(viewer: Actor | None, message_ids: list[int]) -> dict[int, list[str]]:
    """Return ``{message id: [emoji]}`` of ``viewer``'s own reactions among ``message_ids``."""
    if not message_ids or not is_signed_in(viewer):
        return {}
    mine: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(Reaction.message_id, Reaction.emoji)
        .where(Reaction.user_id == viewer.id, Reaction.message_id.in_(message_ids))
        .order_by(Reaction.message_id, Reaction.emoji)
    )
    for message_id, emoji in rows:
        mine.setdefault(message_id, []).append(emoji)
    return mine


def serialise_page(
    messages: list[Message], viewer: Actor | None, room: Room
) -> list[dict[str, Any]]:
    """Serialise a page of ``room``'s messages for ``viewer``: two queries, not two per message."""
    staff = is_exchange_staff(viewer, room.exchange)
    ids = [m.id for m in messages]
    counts, own = reaction_counts(ids), own_reactions(viewer, ids)
    return [
        serialise(m, viewer, staff=staff, reactions=counts.get(m.id, {}), mine=own.get(m.id, []))
        for m in messages
    ]
