"""Finding 2: every response carries a strict CSP and its companions, and no template needs
inline script (which that CSP would block)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coil import ROOT
from coil.accounts.models import Role
from tests.conftest import make_app

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _policy(headers) -> dict[str, str]:
    policy = headers["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in policy.split(";"))
    return {name: value for name, value in directives}


@pytest.mark.parametrize(
    "url", ["/login", "/password/forgot", "/static/js/coil.js", "/no-such-page", "/healthz"]
)
def test_every_response_carries_the_headers(client, url):
    with client.get(url) as response:
        headers = response.headers
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, name
    policy = _policy(headers)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["connect-src"] == "'self' ws://localhost"
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers  # the site is plain HTTP here


def test_the_signed_in_profile_with_its_token_forms_cannot_be_framed(client, auth, factory):
    factory.user(Role.STUDENT, email="st@uni.example")
    auth.login("st@uni.example")
    response = client.get("/profile")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert _policy(response.headers)["frame-ancestors"] == "'none'"


def test_https_sites_get_hsts_and_secure_websockets(database_url):
    app = make_app(database_url, SITE_URL="https://coil.example.org")
    response = app.test_client().get("/login", base_url="https://coil.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert _policy(response.headers)["connect-src"] == "'self' wss://coil.example.org"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=|<style[\s>]", re.I)


# Downloads that carry their own stylesheet (served with a CSP of their own, no script at all).
SELF_CONTAINED = {"templates/portfolio/export.html"}


def _templates() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_handlers_or_styles(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.findall(text), "inline <script>: move it to static/js"
    assert not INLINE_HANDLER.findall(text), "inline on...= handler: bind it in static/js"
    if path.relative_to(ROOT).as_posix() in SELF_CONTAINED:
        return  # a download that must open anywhere: its own CSP allows its <style> only
    assert not STYLE_ATTRIBUTE.findall(text), "inline style: use a class in static/css"
