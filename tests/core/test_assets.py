"""Browser libraries come from npm's node_modules, served by the app, and nothing else does."""

from __future__ import annotations

from pathlib import Path

import pytest

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


def test_socket_io_client_is_served_from_the_npm_package(client):
    if not (NODE_MODULES / "socket.io-client").exists():
        pytest.fail("run `npm ci` first: the README's test command does")
    response = client.get("/vendor/socket.io-client/socket.io.min.js")
    assert response.status_code == 200
    assert response.data == (NODE_MODULES / "socket.io-client/dist/socket.io.min.js").read_bytes()
    response.close()


@pytest.mark.parametrize(
    "url",
    [
        "/vendor/left-pad/index.js",
        "/vendor/socket.io-client/../package.json",
        "/vendor/socket.io-client/%2e%2e/package.json",
        "/vendor/socket.io-client/no-such-file.js",
    ],
)
def test_nothing_else_in_node_modules_is_reachable(client, url):
    assert client.get(url).status_code == 404


def test_pages_load_nothing_from_other_hosts(client):
    body = client.get("/").get_data(as_text=True)
    assert "//cdn" not in body and "https://" not in body.split("<body")[0]
