"""The realtime protocol against real ``coil serve`` processes (slow): what docs/realtime.md
says about the Origin check on every transport."""

from __future__ import annotations

import base64
import gc
import os
import re
import signal
import socket
import threading
import time
import uuid
import warnings

import pytest
import requests
import socketio

from tests.conftest import REDIS_URL, need
from tests.core.test_server import DEMO_USER, _login, served_env  # noqa: F401 (a fixture)
from tests.servers import Server

pytestmark = pytest.mark.slow


def _upgrade_status(server: Server, origin: str) -> str:
    """Ask for a websocket upgrade with ``origin``; return the response's status line."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(request.encode())
        return conn.recv(4096).decode("latin-1").split("\r\n")[0]


@pytest.mark.parametrize("mode", ["gevent", "threading"])
def test_a_disallowed_origin_is_refused_before_the_websocket_upgrade(served_env, mode):  # noqa: F811
    server = Server(served_env, mode)
    try:
        assert " 400 " in _upgrade_status(server, "https://evil.example")
        assert " 101 " in _upgrade_status(server, server.url)
    finally:
        server.stop()


# -- conformance: a client written from docs/realtime.md alone ------------------------------------
# Everything below uses only what the document states: the path, the auth payload, the events,
# their payloads, ack fields and error codes. If the server drifts from the document, this fails.


def _token(server: Server, session: requests.Session) -> str:
    """Create a personal API token on the profile page, as the document says a person does."""
    page = session.get(server.url + "/profile").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    shown = session.post(
        server.url + "/profile/tokens",
        data={"csrf_token": csrf, "token-name": "conformance bot", "token-days": "1"},
    ).text
    return re.search(r'value="(coil_[A-Za-z0-9_-]{43})"', shown).group(1)


def _client(server: Server, **connect: object) -> socketio.Client:
    sio = socketio.Client(reconnection=False)
    heard: list[dict] = []
    sio.on("message", heard.append)
    sio.heard = heard  # type: ignore[attr-defined]
    sio.connect(server.url, transports=["websocket"], wait_timeout=5, **connect)
    return sio


def _error(ack: dict) -> str:
    assert ack["ok"] is False and set(ack["error"]) == {"code", "message"}, ack
    assert isinstance(ack["error"]["message"], str) and ack["error"]["message"]
    return ack["error"]["code"]


MESSAGE_FIELDS = {
    "id", "room_id", "client_id", "author", "body", "html", "reply_to_id", "created_at",
    "edited", "deleted", "removed", "reactions",
}  # fmt: skip


def test_the_protocol_does_what_docs_realtime_md_says(served_env):  # noqa: F811
    server = Server(served_env, "gevent", COIL_CHAT_MAX_CHARS="50")
    clients: list[socketio.Client] = []
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):  # anonymous: refused
            _client(server)
        session = _login(server)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        browser = _client(server, headers={"Cookie": cookie})
        bot = _client(server, auth={"token": _token(server, session)})
        clients += [browser, bot]
        with pytest.raises(socketio.exceptions.ConnectionError):  # an unusable token: refused
            _client(server, auth={"token": "coil_" + "A" * 43})

        listed = browser.call("rooms", {}, timeout=5)
        assert listed["ok"]
        room = next(r for r in listed["rooms"] if r["can_post"] and not r["archived"])
        assert {"id", "kind", "name", "exchange_id", "exchange", "team_id", "unread"} <= set(room)

        joined = bot.call("join", {"room": room["id"]}, timeout=5)
        assert joined["ok"] and joined["room"]["id"] == room["id"]
        assert {"messages", "more", "unread", "presence"} <= set(joined)
        newest = joined["messages"][-1]["id"] if joined["messages"] else 0
        assert browser.call("join", {"room": room["id"]}, timeout=5)["ok"]

        # send, ack after commit, resend with the same client_id: one message, one broadcast
        client_id = str(uuid.uuid4())
        payload = {"room": room["id"], "client_id": client_id, "body": "Tuesday **08:00**?"}
        sent = browser.call("send", payload, timeout=5)
        assert sent["ok"] and set(sent["message"]) >= MESSAGE_FIELDS
        message = sent["message"]
        assert message["client_id"] == client_id and "<strong>08:00</strong>" in message["html"]
        again = browser.call("send", payload, timeout=5)
        assert again["ok"] and again["message"]["id"] == message["id"]
        time.sleep(0.5)
        created = [m for m in bot.heard if m.get("id") == message["id"]]
        assert [m["op"] for m in created] == ["created"] and created[0]["type"] == "message"

        # catch-up: join with after = the last id the client had
        caught = bot.call("join", {"room": room["id"], "after": newest}, timeout=5)
        assert [m["id"] for m in caught["messages"]] == [message["id"]]

        edited = browser.call("edit", {"message": message["id"], "body": "Wednesday"}, timeout=5)
        assert (
            edited["ok"]
            and edited["message"]["edited"]
            and edited["message"]["body"] == ("Wednesday")
        )
        read = bot.call("read", {"room": room["id"], "message": message["id"]}, timeout=5)
        assert read["ok"] and isinstance(read["unread"], int)

        # the error codes of the document's table
        def ask(event: str, data: object) -> str:
            return _error(bot.call(event, data, timeout=5))

        assert ask("join", {"room": 2**31 - 1}) == "not_found"
        assert ask("join", {"room": -1}) == "malformed"
        assert ask("join", {"room": 2**63}) == "malformed"
        assert ask("join", {"room": room["id"], "limit": 501}) == "malformed"
        assert ask("join", ["not", "an", "object"]) == "malformed"
        assert ask("read", {"room": room["id"], "message": -1}) == "malformed"
        base = {"room": room["id"], "client_id": str(uuid.uuid4())}
        assert ask("send", {**base, "body": "x" * 51}) == "too_long"
        assert ask("send", {**base, "body": "   "}) == "empty"
        assert ask("send", {**base, "body": "\ud800"}) == "malformed"
        assert ask("send", {**base, "body": "hi", "reply_to": -5}) == "malformed"
        assert ask("no.such.event", {}) == "unknown_event"
        assert bot.connected and browser.connected  # no refusal closed a connection
    finally:
        for sio in clients:
            sio.disconnect()
        server.stop()


# -- a deploy: SIGTERM ---------------------------------------------------------------------------


@pytest.fixture()
def lost_sockets_collected():
    """The python-socketio client leaves its socket to the garbage collector after a lost
    transport: collect it here, in this test, not in whichever test runs when the collector
    next runs (where its ResourceWarning would fail an unrelated test)."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


# The python-socketio client leaves its socket to the garbage collector after a lost transport.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.usefixtures("lost_sockets_collected")
def test_sigterm_answers_the_sends_in_hand_and_clients_resend_elsewhere(served_env):  # noqa: F811
    limits = {"COIL_CHAT_RATE_LIMIT": "1000 per 1 second"}
    first = Server(served_env, "gevent", **limits)
    session = _login(first)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    sender = _client(first, headers={"Cookie": cookie})
    closed = threading.Event()
    reasons: list[str] = []
    sender.on("disconnect", lambda reason=None: (reasons.append(reason), closed.set()))
    room = next(r for r in sender.call("rooms", {}, timeout=5)["rooms"] if r["can_post"])
    assert sender.call("join", {"room": room["id"]}, timeout=5)["ok"]

    client_ids = [str(uuid.uuid4()) for _ in range(60)]
    acks: dict[str, dict] = {}
    for number, client_id in enumerate(client_ids):
        payload = {"room": room["id"], "client_id": client_id, "body": f"deploy {number}"}
        sender.emit("send", payload, callback=lambda ack, c=client_id: acks.__setitem__(c, ack))
        if number == 20:
            first.process.send_signal(signal.SIGTERM)  # mid-stream, sends in hand
    assert closed.wait(15), "the server did not close the connection"
    assert first.process.wait(30) == 0
    first.stop()
    # A lost transport, not "server disconnect" (after which Socket.IO clients never reconnect).
    assert reasons and reasons[0] != sender.reason.SERVER_DISCONNECT, reasons
    assert "Traceback" not in first.output, first.output
    assert "events all answered: True" in first.output and "INFO coil.server: stopped" in (
        first.output
    )
    assert acks, "no send in hand was answered before the connections closed"
    assert all(a["ok"] or a["error"]["code"] == "busy" for a in acks.values()), acks

    second = Server(served_env, "gevent", **limits)  # where the client reconnects
    try:
        again = _client(second, headers={"Cookie": cookie})
        for number, client_id in enumerate(client_ids):  # the outbox: everything not acked ok
            if not acks.get(client_id, {}).get("ok"):
                payload = {"room": room["id"], "client_id": client_id, "body": f"deploy {number}"}
                assert again.call("send", payload, timeout=10)["ok"]
        page = again.call("join", {"room": room["id"], "limit": 500}, timeout=5)["messages"]
        stored = [m for m in page if m["client_id"] in set(client_ids)]
        assert sorted(m["client_id"] for m in stored) == sorted(client_ids)  # once each
        by_client = {m["client_id"]: m["id"] for m in stored}
        for client_id, ack in acks.items():
            if ack["ok"]:  # acknowledged before the stop: stored, and that very message
                assert by_client[client_id] == ack["message"]["id"]
        again.disconnect()
    finally:
        second.stop()


def _login_as(server: Server, email: str) -> str:
    """Log ``email`` (a demo account) in; return the cookie header."""
    session = requests.Session()
    page = session.get(server.url + "/login").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"email": email, "password": DEMO_USER[1], "csrf_token": csrf}
    assert session.post(server.url + "/login", data=data, allow_redirects=False).status_code == 302
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


# The python-socketio client leaves its socket to the garbage collector after a lost transport.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.usefixtures("lost_sockets_collected")
def test_sigterm_takes_the_process_people_out_of_presence_at_once(served_env):  # noqa: F811
    need("Redis", bool(REDIS_URL))
    # A long heartbeat: leaving presence through it would take a minute, not a moment.
    extra = {"COIL_MESSAGE_QUEUE": REDIS_URL, "COIL_PRESENCE_TTL_SECONDS": "60"}
    first, second = Server(served_env, "gevent", **extra), Server(served_env, "gevent", **extra)
    try:
        daan = _client(first, headers={"Cookie": _login_as(first, DEMO_USER[0])})
        diego = _client(second, headers={"Cookie": _login_as(second, "diego@utvalle.example")})
        seen: list[dict] = []
        diego.on("presence", seen.append)
        rooms = {r["id"] for r in daan.call("rooms", {}, timeout=5)["rooms"]}
        shared = next(
            r["id"] for r in diego.call("rooms", {}, timeout=5)["rooms"] if r["id"] in rooms
        )
        assert diego.call("join", {"room": shared}, timeout=5)["ok"]
        daan_id = daan.call("join", {"room": shared}, timeout=5)["presence"]
        assert len(daan_id) == 2
        time.sleep(0.5)
        seen.clear()
        stopped_at = time.monotonic()
        first.process.send_signal(signal.SIGTERM)
        while time.monotonic() - stopped_at < 10 and not seen:
            time.sleep(0.05)
        assert seen, "no presence event reached the other process"
        assert len(seen[-1]["users"]) == 1  # only Diego is left
        assert time.monotonic() - stopped_at < 5  # at once, not after the 60 s heartbeat
        assert first.process.wait(30) == 0
        diego.disconnect()
    finally:
        first.stop()
        second.stop()
