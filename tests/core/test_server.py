"""``coil serve`` really serves, in every async mode, with Nagle off and across processes.

These start real server processes on loopback ports; they are the slow tests of this package.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import socketio

from coil.server import make_listener
from tests.conftest import REDIS_URL, need
from tests.servers import COIL, Server

pytestmark = pytest.mark.slow
DEMO_USER = ("daan@amstelland.example", "coil-demo-2026")


def test_accepted_sockets_inherit_tcp_nodelay():
    listener = make_listener("127.0.0.1", 0)
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _addr = listener.accept()
    try:
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        for s in (accepted, client, listener):
            s.close()


@pytest.fixture(scope="module")
def served_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An instance folder with a migrated database and the demo people."""
    instance = tmp_path_factory.mktemp("served")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COIL_")}
    env.update(
        {
            "COIL_INSTANCE_PATH": str(instance),
            "PYTHONUNBUFFERED": "1",
            "COIL_LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*COIL, *args], env=env, check=True, capture_output=True, timeout=120)
    return env


def _login(server: Server) -> requests.Session:
    session = requests.Session()
    page = session.get(server.url + "/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = session.post(
        server.url + "/login",
        allow_redirects=False,
        data={"email": DEMO_USER[0], "password": DEMO_USER[1], "csrf_token": token},
    )
    assert response.status_code == 302, response.text[:300]
    return session


def _connect(server: Server, session: requests.Session | None) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    headers = {}  # the websocket client sends the page's Origin itself
    if session is not None:
        headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    client.connect(server.url, headers=headers, transports=["websocket"], wait_timeout=5)
    return client


@pytest.fixture(params=["threading", "gevent", "eventlet"])
def server(request: pytest.FixtureRequest, served_env: dict[str, str]) -> Iterator[Server]:
    extra = {"COIL_MESSAGE_QUEUE": REDIS_URL} if REDIS_URL else {}
    running = Server(served_env, request.param, **extra)
    yield running
    running.stop()


def test_each_async_mode_serves_pages_and_live_connections(server: Server):
    assert "COIL" in requests.get(server.url + "/login", timeout=5).text
    with pytest.raises(socketio.exceptions.ConnectionError):
        _connect(server, None)  # anonymous: refused
    client = _connect(server, _login(server))
    assert client.connected
    client.disconnect()


def test_foreign_origins_are_refused(server: Server):
    client = socketio.Client(reconnection=False)
    session = _login(server)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            server.url,
            headers={"Origin": "https://evil.example", "Cookie": cookie},
            transports=["polling"],
            wait_timeout=5,
        )
    allowed = socketio.Client(reconnection=False)
    allowed.connect(
        server.url,
        headers={"Origin": server.url, "Cookie": cookie},
        transports=["polling"],
        wait_timeout=5,
    )
    assert allowed.connected
    allowed.disconnect()


def test_a_client_without_a_browser_connects_with_an_api_token(served_env):
    running = Server(served_env, "threading")
    try:
        session = _login(running)
        page = session.get(running.url + "/profile").text
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        created = session.post(
            running.url + "/profile/tokens", data={"token-name": "bot", "csrf_token": csrf}
        ).text
        secret = re.search(r'id="new-token"[^>]*value="(coil_[^"]+)"', created).group(1)
        bot = socketio.Client(reconnection=False)  # no cookie, and polling sends no Origin
        bot.connect(running.url, auth={"token": secret}, transports=["polling"], wait_timeout=5)
        assert bot.connected
        bot.disconnect()
        with pytest.raises(socketio.exceptions.ConnectionError):
            socketio.Client(reconnection=False).connect(
                running.url, auth={"token": secret + "x"}, transports=["polling"], wait_timeout=5
            )
    finally:
        running.stop()


def test_events_from_another_process_arrive_through_redis(server: Server):
    need("Redis", bool(REDIS_URL))
    from flask_socketio import SocketIO

    received: list[dict] = []
    client = _connect(server, _login(server))
    client.on("notification", received.append)
    user_id = 1 + [line.split()[1] for line in _demo_emails()].index(DEMO_USER[0])
    writer = SocketIO(message_queue=REDIS_URL, async_mode="threading")  # a second process
    deadline = time.monotonic() + 5
    while not received and time.monotonic() < deadline:
        writer.emit("notification", {"type": "notification", "op": "created"}, to=f"user:{user_id}")
        time.sleep(0.2)
    client.disconnect()
    assert received and received[0]["op"] == "created"


def _demo_emails() -> list[str]:
    """Return the demo accounts in creation order as 'role email' lines."""
    from coil.demo.seed import ADMIN, INSTITUTIONS

    people = [ADMIN, *[p for i in INSTITUTIONS for p in i.people]]
    return [f"{p.role.value} {p.email}" for p in people]


def test_demo_database_file_lives_in_the_instance_folder(served_env: dict[str, str]):
    assert (Path(served_env["COIL_INSTANCE_PATH"]) / "coil.sqlite3").exists()


def test_login_rate_limit_is_shared_by_two_processes_through_redis(served_env):
    need("Redis", bool(REDIS_URL))
    extra = {
        "COIL_MESSAGE_QUEUE": REDIS_URL,
        "COIL_LOGIN_RATE_LIMIT": "2 per minute",
        "COIL_RATELIMIT_STORAGE_URL": urlunsplit(urlsplit(REDIS_URL)._replace(path="/5")),
    }
    first, second = (
        Server(served_env, "threading", **extra),
        Server(served_env, "threading", **extra),
    )
    try:
        import redis

        redis.Redis.from_url(extra["COIL_RATELIMIT_STORAGE_URL"]).flushdb()
        statuses = []
        for server in (first, second, first):
            session = requests.Session()
            page = session.get(server.url + "/login").text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            statuses.append(
                session.post(
                    server.url + "/login",
                    allow_redirects=False,
                    data={
                        "email": DEMO_USER[0],
                        "password": "wrong password",
                        "csrf_token": token,
                    },
                ).status_code
            )
        assert statuses == [422, 422, 429]
    finally:
        first.stop()
        second.stop()
