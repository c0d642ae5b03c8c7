"""Browser libraries come from npm's node_modules, served by the app, and nothing else does."""

from __future__ import annotations

import hashlib
import re
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


def _asset_urls(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/(?:static|vendor)/[^"]+)"', page)


def test_asset_urls_name_the_files_content_and_are_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    urls = _asset_urls(page)
    assert any("/static/css/coil.css?v=" in url for url in urls)
    css = Path(__file__).resolve().parents[2] / "static/css/coil.css"
    digest = hashlib.sha256(css.read_bytes()).hexdigest()[:12]
    assert f"/static/css/coil.css?v={digest}" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cache_control.max_age == 365 * 24 * 3600, url
        assert response.cache_control.immutable, url
        response.close()


@pytest.mark.parametrize(
    "url",
    ["/static/css/coil.css", "/static/css/coil.css?v=0123456789ab", "/static/js/room/main.js"],
)
def test_unversioned_or_stale_asset_urls_are_revalidated(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.cache_control.no_cache and not response.cache_control.immutable
    assert response.headers.get("ETag")
    response.close()


def test_the_favicon_exists_where_browsers_look(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
    response.close()
