"""Faults: Redis restarts under two server processes. Live rooms recover by themselves:
broadcasts flow across processes again, presence is rebuilt, and no acknowledged message is
lost (a client that missed broadcasts gets them through catch-up).

The Redis here is a private ``redis-server`` on a free port, so stopping it disturbs nobody.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from coil.accounts.tokens import create_api_token
from tests.chat.test_scale_out import MODE, Peer, names
from tests.conftest import POSTGRES_URL, need
from tests.servers import Server, free_port

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


class PrivateRedis:
    """A throwaway redis-server without persistence: a restart loses everything, as a crash."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture()
def private_redis() -> Iterator[PrivateRedis]:
    need("redis-server", shutil.which("redis-server") is not None)
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def servers(world: Any, database_url: str, private_redis: PrivateRedis) -> Iterator[Any]:
    need("PostgreSQL", bool(POSTGRES_URL))
    env = {k: v for k, v in os.environ.items() if not k.startswith("COIL_")}
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "COIL_DATABASE_URL": database_url,
            "COIL_MESSAGE_QUEUE": private_redis.url,
            "COIL_PRESENCE_TTL_SECONDS": "2",
            "COIL_SECRET_KEY": "redis-restart-test-secret-key-of-some-length",
        }
    )
    first, second = Server(env, MODE), Server(env, MODE)
    yield first, second
    for server in (first, second):
        if server.process.poll() is None:
            server.stop()


def test_a_redis_restart_heals_by_itself(world, db, servers, private_redis):
    first, second = servers
    anna_token = create_api_token(world.member, "redis")[1]
    dewi_token = create_api_token(world.teammate, "redis")[1]
    db.session.commit()
    room = world.room_a.id
    anna, dewi = Peer(first, anna_token), Peer(second, dewi_token)
    try:
        assert anna.call("join", {"room": room})["ok"]
        assert dewi.call("join", {"room": room})["ok"]
        anna.wait_for("presence", lambda p: names(p) == {"Anna", "Dewi"})
        hello = anna.call("send", {"room": room, "client_id": "a-1", "body": "before"})
        dewi.wait_for("message", lambda m: m["id"] == hello["message"]["id"])

        mark_restart = anna.mark()
        private_redis.stop()
        during = anna.call("send", {"room": room, "client_id": "a-2", "body": "during"})
        private_redis.start()

        # no acknowledged message is lost: Dewi catches up on what the outage kept from her
        if during["ok"]:
            back = dewi.call("join", {"room": room, "after": hello["message"]["id"]})
            assert [m["body"] for m in back["messages"]] == ["during"]
        else:
            assert during["error"]["code"] in ("busy", "server_error")

        # broadcasts flow across processes again, within seconds, without a restart
        deadline = time.monotonic() + 20
        delivered = False
        k = 0
        while not delivered and time.monotonic() < deadline:
            k += 1
            mark = dewi.mark()
            ack = anna.call("send", {"room": room, "client_id": f"a-after-{k}", "body": "after"})
            if ack["ok"]:
                sent_id = ack["message"]["id"]
                try:
                    dewi.wait_for("message", lambda m, i=sent_id: m["id"] == i, 1.5, after=mark)
                    delivered = True
                except AssertionError:
                    pass
            else:
                time.sleep(0.5)
        assert delivered, (first.process.poll(), second.process.poll())
        # presence is rebuilt by each process (its sweeper notices its lost heartbeat), without
        # anyone joining again
        anna.wait_for("presence", lambda p: names(p) == {"Anna", "Dewi"}, 15, after=mark_restart)
        dewi.wait_for("presence", lambda p: names(p) == {"Anna", "Dewi"}, 15, after=mark_restart)
    except AssertionError:
        for server in servers:
            server.stop()
            print(server.output[-6000:])
        raise
    finally:
        anna.close()
        dewi.close()
