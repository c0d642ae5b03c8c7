"""Finding 5: a redirect target with control characters is refused, never a 500."""

from __future__ import annotations

import pytest

from coil.accounts.models import Role
from coil.core.safety import safe_next_url
from tests.conftest import csrf_token
from tests.factories import DEFAULT_PASSWORD

BAD = ["/profile\r\nSet-Cookie: x=1", "/a\nb", "/a\rb", "/a\x00b", "/a\tb", "/a\x7fb", "/a\x85b"]


@pytest.mark.parametrize("target", BAD)
def test_control_characters_are_refused(target):
    assert safe_next_url(target) is None


def test_ordinary_paths_still_pass():
    assert safe_next_url("/exchanges/3?tab=teams#x") == "/exchanges/3?tab=teams#x"
    assert safe_next_url("/ruimtes/café") == "/ruimtes/café"


@pytest.mark.parametrize("target", BAD[:3])
def test_log_in_with_a_crlf_next_lands_on_the_home_page(client, factory, target):
    factory.user(Role.STUDENT, email="st@uni.example")
    token = csrf_token(client, "/login")
    data = {"email": "st@uni.example", "password": DEFAULT_PASSWORD, "csrf_token": token}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(response.headers)


@pytest.mark.parametrize("target", BAD[:3])
def test_the_language_form_with_a_crlf_next_lands_on_the_home_page(client, target):
    token = csrf_token(client, "/login")
    response = client.post("/language", data={"locale": "nl", "next": target, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
