"""Two real server processes on PostgreSQL and Redis share live rooms, and survive one dying.

A client on each process: messages, typing, presence and unread counts cross between them.
Then one process is killed; its client reconnects to the other and catches up with nothing lost
and nothing stored twice.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import socketio
from sqlalchemy import func, select

from coil.accounts.tokens import create_api_token
from coil.chat.models import Message
from tests.conftest import POSTGRES_URL, REDIS_URL, need
from tests.servers import Server

pytestmark = pytest.mark.slow
MODE = "gevent"  # the default (config.DEFAULT_ASYNC_MODE)


class Peer:
    """A python-socketio client that records every event it receives."""

    def __init__(self, server: Server, token: str) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(
            server.url, auth={"token": token}, transports=["websocket"], wait_timeout=10
        )

    def _record(self, event: str, data: Any = None) -> None:
        with self.lock:
            self.events.append((event, data))

    def call(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        ack = self.client.call(event, payload, timeout=10)
        assert isinstance(ack, dict)
        return ack

    def mark(self) -> int:
        """Return a bookmark: ``wait_for(..., after=mark)`` ignores what came before it."""
        with self.lock:
            return len(self.events)

    def wait_for(
        self,
        event: str,
        test: Callable[[dict[str, Any]], bool],
        timeout: float = 10,
        after: int = 0,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for name, data in self.events[after:]:
                    if name == event and test(data):
                        return data
            time.sleep(0.02)
        raise AssertionError(f"no {event} event matched within {timeout} s: {self.events[-10:]}")

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


@pytest.fixture()
def servers(world: Any, database_url: str) -> Iterator[tuple[Server, Server]]:
    need("PostgreSQL", bool(POSTGRES_URL))
    need("Redis", bool(REDIS_URL))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COIL_")}
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "COIL_DATABASE_URL": database_url,  # the test's database, holding the world
            "COIL_MESSAGE_QUEUE": REDIS_URL,
            "COIL_PRESENCE_TTL_SECONDS": "2",  # a dead process is noticed within seconds
            "COIL_SECRET_KEY": "scale-out-test-secret-key-of-some-length",
        }
    )
    first = Server(env, MODE)
    second = Server(env, MODE)
    yield first, second
    for server in (first, second):
        if server.process.poll() is None:
            server.stop()


def names(presence: dict[str, Any]) -> set[str]:
    return {user["name"] for user in presence["users"]}


def test_two_processes_share_a_room_and_survive_one_dying(world, db, servers):
    first, second = servers
    anna_token = create_api_token(world.member, "scale-out")[1]
    dewi_token = create_api_token(world.teammate, "scale-out")[1]
    db.session.commit()
    room = world.room_a.id
    anna = Peer(first, anna_token)
    dewi = Peer(second, dewi_token)
    dewi_elsewhere = Peer(first, dewi_token)  # Dewi's other tab, on the other process
    try:
        assert anna.call("join", {"room": room})["ok"]
        assert dewi.call("join", {"room": room})["ok"]
        assert dewi_elsewhere.call("rooms", {"subscribe": True})["ok"]

        # Presence crosses processes.
        anna.wait_for("presence", lambda p: names(p) == {"Anna", "Dewi"})

        # Messages cross both ways, stored once, in one order for everyone.
        sent = anna.call("send", {"room": room, "client_id": "a-1", "body": "Hallo Dewi"})
        dewi.wait_for("message", lambda m: m["id"] == sent["message"]["id"])
        answer = dewi.call("send", {"room": room, "client_id": "d-1", "body": "Halo Anna"})
        anna.wait_for("message", lambda m: m["id"] == answer["message"]["id"])

        # Typing crosses; unread counts reach the reader's other tab on the other process.
        assert dewi.call("typing", {"room": room})["passed_on"]
        anna.wait_for("typing", lambda t: t["user"]["name"] == "Dewi")
        dewi_elsewhere.wait_for("message", lambda m: m["id"] == sent["message"]["id"])
        assert dewi.call("read", {"room": room, "message": sent["message"]["id"]})["unread"] == 0
        dewi_elsewhere.wait_for("unread", lambda u: u["room_id"] == room and u["unread"] == 0)

        # The second process dies mid-conversation: a send of Dewi's was stored, but she never
        # saw the ack (as if it was lost with the process).
        in_flight = {"room": room, "client_id": "d-2", "body": "Did this arrive?"}
        stored = dewi.call("send", in_flight)["message"]
        last_seen = stored["id"]
        before_death = anna.mark()
        second.kill()
        anna.wait_for("presence", lambda p: names(p) == {"Anna"}, timeout=15, after=before_death)
        missed = [
            anna.call("send", {"room": room, "client_id": f"a-gap-{k}", "body": f"gap {k}"})
            for k in range(5)
        ]
        assert all(ack["ok"] for ack in missed)

        # Dewi's client reconnects to the surviving process, resends what it was not sure
        # of, and catches up after the last message it saw.
        dewi.close()
        before_return = anna.mark()
        dewi = Peer(first, dewi_token)
        resent = dewi.call("send", in_flight)
        assert resent["message"]["id"] == stored["id"]
        back = dewi.call("join", {"room": room, "after": last_seen})
        assert [m["body"] for m in back["messages"]] == [f"gap {k}" for k in range(5)]
        assert [m["id"] for m in back["messages"]] == [ack["message"]["id"] for ack in missed]
        anna.wait_for("presence", lambda p: names(p) == {"Anna", "Dewi"}, after=before_return)
    finally:
        for peer in (anna, dewi, dewi_elsewhere):
            peer.close()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Message.id))) == 8
    bodies = db.session.scalars(select(Message.client_id).order_by(Message.id)).all()
    assert bodies == ["a-1", "d-1", "d-2", *[f"a-gap-{k}" for k in range(5)]]
