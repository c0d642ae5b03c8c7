"""The realtime protocol against real ``coil serve`` processes (slow): what docs/realtime.md
says about the Origin check on every transport."""

from __future__ import annotations

import base64
import os
import socket

import pytest

from tests.core.test_server import served_env  # noqa: F401 (a fixture)
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
