"""Storing sent messages, many at once: the hot path of live rooms.

:func:`store_messages` takes a batch of sends from any number of people and rooms and, in the
caller's transaction, checks who may post where, finds resends, stores the new messages, tells
mentioned people, and queues one ``message``/``created`` event per new message for after commit.
It costs a fixed handful of queries per batch, not per message: the group-commit writer
(:mod:`coil.chat.writer`) relies on that. Refusals come back per item as ``ServiceError``s with
the same codes as the single-message service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coil.accounts.models import User
from coil.accounts.permissions import is_signed_in
from coil.chat.mentions import notify_mentions
from coil.chat.models import Message, Room
from coil.chat.permissions import posting_rights, require_post
from coil.chat.services import MAX_CLIENT_ID, _clean_body, serialise
from coil.core.channels import room_channel
from coil.core.errors import ServiceError
from coil.core.events import notify
from coil.evidence import kinds
from coil.evidence.backfill import Backfill, backfill_requested
from coil.evidence.services import event_row, participants_in, record_rows
from coil.extensions import db

log = logging.getLogger(__name__)

# A message this soon after another in the same room answers it, for the ledger's
# cross-institution flag (an explicit reply always does).
CONVERSATION_PAUSE = timedelta(minutes=30)


@dataclass(frozen=True)
class Outgoing:
    """One send as the client made it (ids not yet checked)."""

    user_id: int
    room_id: int
    client_id: Any
    body: Any
    reply_to_id: Any = None


Result = tuple[Message, bool] | ServiceError


def _malformed() -> ServiceError:
    return ServiceError(_("The message could not be read."), code="malformed")


def _load(items: list[Outgoing]) -> tuple[dict[int, User], dict[int, Room]]:
    users = db.session.scalars(select(User).where(User.id.in_({i.user_id for i in items})))
    rooms = db.session.scalars(
        select(Room)
        .where(Room.id.in_({i.room_id for i in items}))
        .options(selectinload(Room.exchange))
    )
    return {u.id: u for u in users}, {r.id: r for r in rooms}


def _stored(items: list[Outgoing]) -> dict[tuple[int, str], Message]:
    keys = {(i.user_id, i.client_id) for i in items if isinstance(i.client_id, str)}
    if not keys:
        return {}
    rows = db.session.scalars(
        select(Message).where(
            Message.author_id.in_({user for user, _c in keys}),
            Message.client_id.in_({client for _u, client in keys}),
        )
    )
    return {(m.author_id, m.client_id): m for m in rows if (m.author_id, m.client_id) in keys}  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class _Said:
    """Who said a message, as far as the ledger's cross-institution flag needs to know."""

    room_id: int
    author_id: int | None
    institution_id: int | None
    at: datetime


def _replies(items: list[Outgoing]) -> dict[int, _Said]:
    ids = {i.reply_to_id for i in items if isinstance(i.reply_to_id, int)}
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Message.id, Message.room_id, Message.author_id, User.institution_id, Message.created_at
        )
        .outerjoin(User, User.id == Message.author_id)
        .where(Message.id.in_(ids))
    )
    return {row[0]: _Said(*row[1:]) for row in rows}


def _last_said(room_ids: set[int]) -> dict[int, _Said]:
    """Return the newest stored message of each room (one query for the batch)."""
    newest = (
        select(func.max(Message.id)).where(Message.room_id.in_(room_ids)).group_by(Message.room_id)
    )
    rows = db.session.execute(
        select(Message.room_id, Message.author_id, User.institution_id, Message.created_at)
        .outerjoin(User, User.id == Message.author_id)
        .where(Message.id.in_(newest))
    )
    return {row[0]: _Said(*row) for row in rows}


def _ledger_rows(
    fresh: list[Message], replied: dict[int, _Said], previous: dict[int, _Said]
) -> list[dict[str, Any]]:
    """Return one ``message.posted`` event per new message of a student (one more query).

    A message counts as an interaction across institutions when it replies to, or comes right
    after (within a conversation's pause, in the same room), someone of another institution.
    """
    people = participants_in({m.room.exchange_id for m in fresh}, {m.author_id for m in fresh})  # type: ignore[misc]
    if not people:
        return []
    rows = []
    for message in fresh:
        institution = message.author.institution_id if message.author else None
        before = replied.get(message.reply_to_id) if message.reply_to_id else None
        if before is None:
            last = previous.get(message.room_id)
            if last is not None and message.created_at - last.at <= CONVERSATION_PAUSE:
                before = last
        cross = (
            before is not None
            and before.author_id != message.author_id
            and before.institution_id is not None
            and institution is not None
            and before.institution_id != institution
        )
        previous[message.room_id] = _Said(
            message.room_id, message.author_id, institution, message.created_at
        )
        who = people.get((message.room.exchange_id, message.author_id))  # type: ignore[arg-type]
        if who is None:
            continue  # a lecturer's message: not participation evidence
        rows.append(
            event_row(
                kinds.MESSAGE,
                message.room.exchange_id,
                who,
                subject_id=message.id,
                cross=cross,
                payload={
                    "room": message.room_id,
                    **({"reply": True} if message.reply_to_id else {}),
                },
                occurred_at=message.created_at,
            )
        )
    return rows


def _refusal(user: User | None, room: Room | None) -> ServiceError:
    """Return the precise reason ``user`` may not post in ``room`` (the rare path)."""
    if user is None or not is_signed_in(user):
        return ServiceError(_("Please log in again."), code="unauthorized")
    if room is None:
        return ServiceError(_("This room does not exist."), code="not_found")
    try:
        require_post(user, room)
    except ServiceError as error:
        return error
    return ServiceError(_("You are not a member of this room."), code="not_member")


def store_messages(items: list[Outgoing]) -> list[Result]:
    """Store a batch of sends in the current transaction; return one result per item.

    A result is ``(message, created)``: ``created`` is false for a resend of a client id the
    author used before (in an earlier batch or earlier in this one), which returns the stored
    message and is not broadcast again.
    """
    users, rooms = _load(items)
    rights = posting_rights(
        {
            (users[i.user_id], rooms[i.room_id])
            for i in items
            if i.user_id in users and i.room_id in rooms
        }
    )
    stored = _stored(items)
    replied = _replies(items)
    results: list[Result] = []
    fresh: list[Message] = []
    for item in items:
        user, room = users.get(item.user_id), rooms.get(item.room_id)
        if (item.user_id, item.room_id) not in rights:
            results.append(_refusal(user, room))
            continue
        if user is None or room is None:  # posting rights imply both; this tells the checker
            results.append(_refusal(user, room))
            continue
        if not isinstance(item.client_id, str) or not 0 < len(item.client_id) <= MAX_CLIENT_ID:
            results.append(_malformed())
            continue
        previous = stored.get((user.id, item.client_id))
        if previous is not None:
            # Not flushed yet when resent within this batch: compare through the relationship.
            same_room = (previous.room_id or previous.room.id) == room.id
            results.append((previous, False) if same_room else _malformed())
            continue
        try:
            text = _clean_body(item.body)
            reply_to = item.reply_to_id
            if reply_to is not None:
                if not isinstance(reply_to, int) or isinstance(reply_to, bool):
                    raise _malformed()
                if reply_to not in replied or replied[reply_to].room_id != room.id:
                    raise ServiceError(_("The message you reply to is not here."), code="not_found")
        except ServiceError as error:
            results.append(error)
            continue
        message = Message(
            room=room, author=user, client_id=item.client_id, body=text, reply_to_id=reply_to
        )
        stored[(user.id, item.client_id)] = message
        fresh.append(message)
        results.append((message, True))
    if fresh:
        # Take the rooms' row locks before the ids are drawn, in a fixed order: another process
        # writing to the same room waits for this commit, so within a room ids grow in commit
        # order and a catch-up "after the newest id I have" cannot skip a late commit.
        # (PostgreSQL; SQLite has one writer at a time anyway and ignores FOR UPDATE.)
        if db.session.get_bind().dialect.name != "sqlite":
            locked = sorted({message.room.id for message in fresh})
            db.session.execute(
                select(Room.id).where(Room.id.in_(locked)).order_by(Room.id).with_for_update()
            )
        said_before = _last_said({message.room.id for message in fresh})
        db.session.add_all(fresh)
        db.session.flush()
        record_rows(_ledger_rows(fresh, replied, said_before))
        for message in fresh:
            if "@" in message.body:
                notify_mentions(message)
            payload = serialise(message, None, staff=False, reactions={})
            notify("message", "created", payload, [room_channel(message.room_id)])
        log.info("stored %d messages (%d sends)", len(fresh), len(items))
    return results


def post_message(
    actor: User, room: Room, client_id: Any, body: Any, reply_to_id: Any = None
) -> tuple[Message, bool]:
    """Store a message once per (author, client id); a resend returns the stored one.

    One send through the batch path of :func:`store_messages`.
    """
    if not isinstance(actor, User) or not is_signed_in(actor):
        raise ServiceError(_("Please log in again."), code="unauthorized")
    (result,) = store_messages([Outgoing(actor.id, room.id, client_id, body, reply_to_id)])
    if isinstance(result, ServiceError):
        raise result
    return result


@backfill_requested.connect
def _backfill_messages(_sender: Any, *, into: Backfill, **_extra: Any) -> None:
    """Add the ledger events of messages posted before the ledger existed."""
    done = into.recorded(kinds.MESSAGE)
    last: dict[int, _Said] = {}
    rows = db.session.execute(
        select(Message, Room.exchange_id, User.institution_id)
        .join(Room, Room.id == Message.room_id)
        .outerjoin(User, User.id == Message.author_id)
        .order_by(Message.room_id, Message.id)
    )
    said: dict[int, _Said] = {}
    for message, exchange_id, institution in rows:
        before = said.get(message.reply_to_id) if message.reply_to_id else None
        if before is None:
            previous = last.get(message.room_id)
            if previous and message.created_at - previous.at <= CONVERSATION_PAUSE:
                before = previous
        cross = (
            before is not None
            and before.author_id != message.author_id
            and None not in (before.institution_id, institution)
            and before.institution_id != institution
        )
        current = _Said(message.room_id, message.author_id, institution, message.created_at)
        said[message.id] = last[message.room_id] = current
        if message.id not in done:
            into.add(
                kinds.MESSAGE,
                exchange_id,
                message.author_id,
                subject_id=message.id,
                occurred_at=message.created_at,
                cross=cross,
                payload={"room": message.room_id, "reply": message.reply_to_id is not None},
            )
