"""Who is in a room right now, correct across server processes and after one of them dies.

One process keeps presence in memory. With a Redis message queue, every process writes its
connections into a Redis hash per room (``sid -> "user:process"``) and keeps a heartbeat key
``coil:presence:process:{id}`` alive; entries of a process whose heartbeat expired are dropped
by whoever reads them next, and the sweeper (:func:`sweep_forever`, started by ``coil serve``)
tells the rooms concerned. Only ids are kept here: names come from the database when sent.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import select

from coil.accounts.models import User
from coil.chat.models import Room
from coil.core.channels import room_channel
from coil.core.sockets import socket_transaction
from coil.extensions import db, socketio
from coil.schedule.services import close_finished_stretches, close_stretches

log = logging.getLogger(__name__)
_KEY = "coil_chat_presence"
_MAKING = threading.Lock()
PREFIX = "coil:presence"


class Presence(Protocol):
    """The presence store every process uses."""

    def enter(self, room_id: int, sid: str, user_id: int) -> None:
        """Note that connection ``sid`` of ``user_id`` is in ``room_id``."""

    def leave(self, room_id: int, sid: str) -> None:
        """Note that connection ``sid`` left ``room_id``."""

    def rooms_of(self, sid: str) -> list[int]:
        """Return the rooms connection ``sid`` (of this process) is in."""

    def users(self, room_id: int) -> set[int]:
        """Return the ids of the people present in ``room_id``."""

    def sweep(self) -> list[int]:
        """Drop the entries of dead processes; return the rooms whose presence changed."""


class MemoryPresence:
    """Presence for a single server process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rooms: dict[int, dict[str, int]] = {}
        self._sids: dict[str, set[int]] = {}

    def enter(self, room_id: int, sid: str, user_id: int) -> None:
        with self._lock:
            self._rooms.setdefault(room_id, {})[sid] = user_id
            self._sids.setdefault(sid, set()).add(room_id)

    def leave(self, room_id: int, sid: str) -> None:
        with self._lock:
            self._rooms.get(room_id, {}).pop(sid, None)
            if not self._rooms.get(room_id):
                self._rooms.pop(room_id, None)
            self._sids.get(sid, set()).discard(room_id)
            if not self._sids.get(sid):
                self._sids.pop(sid, None)

    def rooms_of(self, sid: str) -> list[int]:
        with self._lock:
            return sorted(self._sids.get(sid, ()))

    def users(self, room_id: int) -> set[int]:
        with self._lock:
            return set(self._rooms.get(room_id, {}).values())

    def entries(self) -> dict[int, dict[str, int]]:
        """Return a copy of every room's connections (``sid -> user id``)."""
        with self._lock:
            return {room_id: dict(sids) for room_id, sids in self._rooms.items()}

    def sweep(self) -> list[int]:
        return []


class RedisPresence:
    """Presence shared by every process through Redis, robust to a process dying."""

    def __init__(self, client: Any, ttl: int) -> None:
        self.redis = client
        self.ttl = ttl
        self.process = uuid.uuid4().hex
        self._local = MemoryPresence()  # this process's own connections, for rooms_of
        self._announce_again: list[int] = []

    def _room_key(self, room_id: int) -> str:
        return f"{PREFIX}:room:{room_id}"

    def _process_key(self, process: str) -> str:
        return f"{PREFIX}:process:{process}"

    def heartbeat(self) -> list[int]:
        """Tell other processes that this one is alive for another ``ttl`` seconds.

        If the heartbeat was gone (Redis restarted and lost everything, or this process stalled
        past its ttl), write this process's connections back and return their rooms.
        """
        previous = self.redis.set(self._process_key(self.process), "1", ex=self.ttl, get=True)
        return [] if previous is not None else self._republish()

    def _republish(self) -> list[int]:
        entries = self._local.entries()
        if not entries:
            return []
        pipe = self.redis.pipeline()
        for room_id, sids in entries.items():
            values = {sid: f"{user_id}:{self.process}" for sid, user_id in sids.items()}
            pipe.hset(self._room_key(room_id), mapping=values)  # type: ignore[arg-type]
            pipe.sadd(f"{PREFIX}:rooms", room_id)
        pipe.execute()
        log.info("presence: rewrote this process's connections in %d rooms", len(entries))
        return sorted(entries)

    def enter(self, room_id: int, sid: str, user_id: int) -> None:
        self._local.enter(room_id, sid, user_id)
        pipe = self.redis.pipeline()
        pipe.set(self._process_key(self.process), "1", ex=self.ttl)
        pipe.hset(self._room_key(room_id), sid, f"{user_id}:{self.process}")
        pipe.sadd(f"{PREFIX}:rooms", room_id)
        pipe.execute()

    def leave(self, room_id: int, sid: str) -> None:
        self._local.leave(room_id, sid)
        self.redis.hdel(self._room_key(room_id), sid)

    def rooms_of(self, sid: str) -> list[int]:
        return self._local.rooms_of(sid)

    def _alive_entries(self, room_id: int) -> tuple[set[int], bool]:
        """Return the users of live processes in ``room_id`` and whether dead ones were dropped."""
        entries = {
            _text(sid): _text(value).split(":", 1)
            for sid, value in self.redis.hgetall(self._room_key(room_id)).items()
        }
        processes = sorted({process for _user, process in entries.values()})
        alive = dict(
            zip(
                processes,
                self.redis.mget([self._process_key(p) for p in processes]) if processes else [],
                strict=True,
            )
        )
        dead = [sid for sid, (_user, process) in entries.items() if alive.get(process) is None]
        if dead:
            self.redis.hdel(self._room_key(room_id), *dead)
            log.info("presence: dropped %d connections of stopped processes", len(dead))
        users = {
            int(user) for sid, (user, process) in entries.items() if alive.get(process) is not None
        }
        return users, bool(dead)

    def users(self, room_id: int) -> set[int]:
        return self._alive_entries(room_id)[0]

    def sweep(self) -> list[int]:
        # Rooms rewritten after a Redis restart are announced now and once more at the next
        # sweep: the other processes' subscriptions may not be back yet for the first one.
        rewritten = self.heartbeat()
        changed = [*rewritten, *(r for r in self._announce_again if r not in rewritten)]
        self._announce_again = rewritten
        for raw in self.redis.smembers(f"{PREFIX}:rooms"):
            room_id = int(_text(raw))
            users, dropped = self._alive_entries(room_id)
            if dropped and room_id not in changed:
                changed.append(room_id)
            if not users and not self.redis.hlen(self._room_key(room_id)):
                self.redis.srem(f"{PREFIX}:rooms", room_id)
        return changed


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def make_presence(app: Flask) -> Presence:
    """Choose the store: Redis when the message queue is Redis, memory otherwise."""
    queue = app.config.get("MESSAGE_QUEUE") or ""
    if queue.startswith(("redis://", "rediss://", "unix://")):
        import redis

        store = RedisPresence(redis.Redis.from_url(queue), app.config["PRESENCE_TTL_SECONDS"])
        store.heartbeat()
        return store
    return MemoryPresence()


def presence() -> Presence:
    """Return the application's presence store, made on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_KEY)
    if found is None:
        with _MAKING:  # two first connections at once must share one store
            found = app.extensions.get(_KEY)
            if found is None:
                found = app.extensions[_KEY] = make_presence(app)
    return found  # type: ignore[no-any-return]


def sweep_forever(app: Flask) -> None:
    """Keep this process's heartbeat and announce rooms that lost a dead process's people.

    Runs as a Socket.IO background task (a thread or a green thread, per async mode).
    """
    interval = max(1.0, app.config["PRESENCE_TTL_SECONDS"] / 3)
    while True:
        socketio.sleep(interval)
        try:
            with app.app_context(), socket_transaction():
                store = presence()
                swept = store.sweep()
                for room_id in swept:
                    announce_presence(room_id)
                for room in db.session.scalars(select(Room).where(Room.id.in_(swept))):
                    close_stretches(room.exchange_id, room.team_id, store.users(room.id))
                close_finished_stretches()
        except Exception:  # Redis restarting must not end the sweeper
            log.exception("presence sweep failed")


def people(user_ids: set[int]) -> list[dict[str, Any]]:
    """Return ``[{"id", "name"}]`` for ``user_ids``, by name."""
    if not user_ids:
        return []
    rows = db.session.execute(
        select(User.id, User.name).where(User.id.in_(user_ids)).order_by(User.name, User.id)
    )
    return [{"id": user_id, "name": name} for user_id, name in rows]


def announce_presence(room_id: int) -> None:
    """Tell everyone in ``room_id`` who is there now (every process's connections)."""
    socketio.emit(
        "presence",
        {
            "type": "presence",
            "op": "changed",
            "room_id": room_id,
            "users": people(presence().users(room_id)),
        },
        to=room_channel(room_id),
    )
