"""Finding 1: a password change or reset, a deactivation and "sign out everywhere" end every
other session and remember-me cookie of that person (HTTP and socket), and nothing else."""

from __future__ import annotations

import re

from coil.accounts import services
from coil.accounts.models import Role
from tests.conftest import AuthActions, csrf_token, socket_client
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "a brand new secret"


def _browser(app, email: str, *, remember: bool = False):
    client = app.test_client()
    auth = AuthActions(client)
    response = auth.login(email, **({"remember": "y"} if remember else {}))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/profile").status_code == 200
    return client, auth


def _signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def _only_remember_cookie(app, client):
    """Return a new client holding just ``client``'s remember-me cookie (a reopened browser)."""
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    return fresh


def test_changing_the_password_ends_other_sessions_and_remember_cookies_but_not_this_one(
    app, factory
):
    factory.user(Role.STUDENT, email="st@uni.example")
    other_student = factory.user(Role.STUDENT, email="other@uni.example")
    first, _ = _browser(app, "st@uni.example", remember=True)
    reopened = _only_remember_cookie(app, first)
    assert _signed_in(reopened)
    bystander, _ = _browser(app, other_student.email)
    second, auth = _browser(app, "st@uni.example")

    response = auth.post(
        "/profile/password",
        {"current": DEFAULT_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        form_url="/profile",
    )
    assert response.status_code == 302
    assert _signed_in(second)  # the browser that changed it stays in
    assert not _signed_in(first)
    assert not _signed_in(_only_remember_cookie(app, first))
    assert _signed_in(bystander)  # nobody else is touched


def test_a_password_reset_ends_every_session(app, client, factory, outbox):
    factory.user(Role.STUDENT, email="st@uni.example")
    first, _ = _browser(app, "st@uni.example", remember=True)
    client.post(
        "/password/forgot",
        data={"email": "st@uni.example", "csrf_token": csrf_token(client, "/password/forgot")},
    )
    token = re.search(r"/password/reset/([\w.\-]+)", outbox[-1].body).group(1)
    url = f"/password/reset/{token}"
    response = client.post(
        url,
        data={
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(client, url),
        },
    )
    assert response.status_code == 302
    assert not _signed_in(first)
    assert not _signed_in(_only_remember_cookie(app, first))
    assert AuthActions(app.test_client()).login("st@uni.example", NEW_PASSWORD).status_code == 302


def test_sign_out_everywhere_ends_every_session_of_that_person_only(app, factory, db):
    user = factory.user(Role.STUDENT, email="st@uni.example")
    from coil.accounts.tokens import create_api_token

    _token, secret = create_api_token(user, "bot", days=None)
    db.session.commit()
    first, _ = _browser(app, "st@uni.example", remember=True)
    second, auth = _browser(app, "st@uni.example")
    bot = socket_client(app, app.test_client(), auth={"token": secret})
    assert bot.is_connected()

    response = auth.post("/profile/sessions/end", {}, form_url="/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert not _signed_in(second)
    assert not _signed_in(first)
    assert not _signed_in(_only_remember_cookie(app, first))
    # An API token is a separate credential the person revokes on its own: it keeps working.
    assert socket_client(app, app.test_client(), auth={"token": secret}).is_connected()
    assert AuthActions(app.test_client()).login("st@uni.example").status_code == 302


def test_sign_out_everywhere_needs_a_signed_in_post_with_csrf(app, client, factory):
    assert client.post("/profile/sessions/end").status_code == 400  # no CSRF token
    assert client.get("/profile/sessions/end").status_code == 405
    factory.user(Role.STUDENT, email="st@uni.example")
    signed_in, _ = _browser(app, "st@uni.example")
    assert signed_in.post("/profile/sessions/end").status_code == 400
    assert _signed_in(signed_in)


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(app, factory, db):
    user = factory.user(Role.STUDENT, email="st@uni.example")
    first, _ = _browser(app, "st@uni.example", remember=True)
    services.set_active(user, False)
    db.session.commit()
    assert not _signed_in(first)
    services.set_active(user, True)
    db.session.commit()
    assert not _signed_in(first)
    assert not _signed_in(_only_remember_cookie(app, first))


def test_open_sockets_of_ended_sessions_are_refused_at_their_next_event(app, factory, db):
    user = factory.user(Role.STUDENT, email="st@uni.example")
    first, _ = _browser(app, "st@uni.example")
    socket = socket_client(app, first)
    assert socket.is_connected()
    from coil.core.sockets import current_socket_user_id
    from coil.extensions import socketio

    seen: list[int | None] = []

    @socketio.on("hardening.whoami")
    def whoami(_payload=None):  # a probe event: who does the socket check see now?
        seen.append(current_socket_user_id())
        return {"ok": True}

    try:
        socket.emit("hardening.whoami", {}, callback=True)
        services.end_sessions(user)
        db.session.commit()
        socket.emit("hardening.whoami", {}, callback=True)
    finally:
        socketio.server.handlers["/"].pop("hardening.whoami", None)
    assert seen == [user.id, None]
    # and a new connection with that cookie is refused
    assert not socket_client(app, first).is_connected()
