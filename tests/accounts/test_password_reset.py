"""Password reset by mailed link: never reveals accounts, links die after use or time."""

from __future__ import annotations

import re

from itsdangerous import URLSafeTimedSerializer

from coil.accounts.models import Role
from tests.conftest import csrf_token


def _ask(client, email):
    return client.post(
        "/password/forgot",
        data={"email": email, "csrf_token": csrf_token(client, "/password/forgot")},
    )


def _link(outbox):
    match = re.search(r"http://[^\s]+/password/reset/([\w.\-]+)", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def test_known_and_unknown_addresses_get_the_same_page(client, factory, outbox):
    factory.user(Role.STUDENT, email="st@uni.example")
    known = _ask(client, "ST@uni.example")
    unknown = _ask(client, "nobody@uni.example")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r, e: r.get_data(as_text=True).replace(e, "").replace(e.lower(), "")  # noqa: E731
    csrf = re.compile(r'value="[^"]{40,}"')
    assert csrf.sub("", strip(known, "ST@uni.example")) == csrf.sub(
        "", strip(unknown, "nobody@uni.example")
    )
    assert len(outbox) == 1 and outbox[0].to == ["st@uni.example"]


def test_reset_link_sets_a_new_password_once(client, auth, factory, outbox):
    factory.user(Role.STUDENT, email="st@uni.example")
    _ask(client, "st@uni.example")
    token = _link(outbox)
    url = f"/password/reset/{token}"
    response = client.post(
        url,
        data={
            "password": "brand new secret",
            "confirm": "brand new secret",
            "csrf_token": csrf_token(client, url),
        },
    )
    assert response.status_code == 302
    assert auth.login("st@uni.example", "brand new secret").status_code == 302
    auth.logout()
    reused = client.get(url)
    assert reused.status_code == 410
    assert "not valid" in reused.get_data(as_text=True)
    assert auth.login("st@uni.example").status_code == 422  # old password no longer works


def test_mail_links_use_the_configured_site_not_the_host_header(client, factory, outbox, app):
    app.config["SITE_URL"] = "https://coil.university.example"
    factory.user(Role.STUDENT, email="st@uni.example")
    evil = {"Host": "evil.example"}
    form = client.get("/password/forgot", headers=evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = client.post(
        "/password/forgot", headers=evil, data={"email": "st@uni.example", "csrf_token": token}
    )
    assert response.status_code == 200
    assert "https://coil.university.example/password/reset/" in outbox[-1].body
    assert "evil.example" not in outbox[-1].body


def test_expired_and_tampered_links_are_refused(client, factory, app):
    user = factory.user(Role.STUDENT, email="st@uni.example")
    app.config["PASSWORD_RESET_SECONDS"] = -1
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="password-reset")
    expired = serializer.dumps({"uid": user.id, "fp": "whatever"})
    assert "expired" in client.get(f"/password/reset/{expired}").get_data(as_text=True)
    forged = URLSafeTimedSerializer("another key", salt="password-reset").dumps({"uid": user.id})
    response = client.get(f"/password/reset/{forged}")
    assert response.status_code == 410
    assert "not valid" in response.get_data(as_text=True)


def test_weak_new_password_is_explained(client, factory, outbox):
    factory.user(Role.STUDENT, email="st@uni.example")
    _ask(client, "st@uni.example")
    url = f"/password/reset/{_link(outbox)}"
    response = client.post(
        url,
        data={
            "password": "st@uni.example",
            "confirm": "st@uni.example",
            "csrf_token": csrf_token(client, url),
        },
    )
    assert response.status_code == 422
    assert "Do not use your e-mail address" in response.get_data(as_text=True)
