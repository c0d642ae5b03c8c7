"""Static text assets go out Brotli- or gzip-compressed when accepted; pages never do."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import brotli
import pytest

from coil.cli import cli

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "static/css/coil.css"


def _versioned(client, name: str) -> str:
    page = client.get("/").get_data(as_text=True)
    found = re.search(rf'(?:href|src)="(/(?:static|vendor)/[^"]*{re.escape(name)}\?v=[^"]+)"', page)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("br;q=0, gzip;q=1", "gzip", gzip.decompress),
    ],
)
def test_the_stylesheet_is_sent_compressed_and_still_cached_for_a_year(
    client, accept, encoding, decode
):
    url = _versioned(client, "coil.css")
    response = client.get(url, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.vary
    assert response.mimetype == "text/css"
    assert decode(response.data) == CSS.read_bytes()
    assert len(response.data) < CSS.stat().st_size / 2
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    response.close()


def test_without_accept_encoding_the_file_goes_as_it_is(client):
    response = client.get("/static/css/coil.css")
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.vary  # a shared cache keeps the two apart
    assert response.data == CSS.read_bytes()
    response.close()


def test_a_vendor_library_is_compressed_and_revalidates_by_its_own_etag(client):
    url = "/vendor/socket.io-client/socket.io.min.js"
    original = (ROOT / "node_modules/socket.io-client/dist/socket.io.min.js").read_bytes()
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    assert brotli.decompress(first.data) == original
    etag = first.headers["ETag"]
    first.close()
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304
    again.close()
    plain = client.get(url, headers={"If-None-Match": etag})  # not the identity copy's tag
    assert plain.status_code == 200 and plain.data == original
    plain.close()


def test_pages_are_not_compressed(client):
    response = client.get("/login", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_small_files_are_sent_as_they_are(client):
    response = client.get("/favicon.ico", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    response.close()


def test_compress_assets_makes_the_copies_ahead(app, instance_path, tmp_path):
    dist = tmp_path / "socket.io-client" / "dist"  # one small library, so the test stays quick
    dist.mkdir(parents=True)
    (dist / "client.js").write_text("function connect() { return 'socket'; }\n" * 200)
    app.config["NODE_MODULES"] = str(tmp_path)
    result = app.test_cli_runner().invoke(cli, ["compress-assets"])
    assert result.exit_code == 0, result.output
    total, br, gz = (int(n) for n in re.findall(r"\d+", result.output)[:3])
    assert br < gz < total
    assert any((instance_path / "compressed").glob("*.br"))
    assert "client.js" not in result.output  # totals only


def test_a_file_that_does_not_shrink_goes_as_it_is(app, client, tmp_path):
    dist = tmp_path / "socket.io-client" / "dist"
    dist.mkdir(parents=True)
    noise = os.urandom(4096)  # random bytes do not compress
    (dist / "noise.js").write_bytes(noise)
    app.config["NODE_MODULES"] = str(tmp_path)
    for _ in range(2):  # the second time from the remembered verdict
        response = client.get(
            "/vendor/socket.io-client/noise.js", headers={"Accept-Encoding": "br"}
        )
        assert "Content-Encoding" not in response.headers and response.data == noise
        response.close()
