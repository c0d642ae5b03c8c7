"""Error messages on a socket follow the profile language, for token clients as for cookies."""

from __future__ import annotations

from coil.accounts.models import Role
from coil.accounts.tokens import create_api_token
from tests.conftest import AuthActions, socket_client

DUTCH = "Het verzoek kon niet worden verwerkt."


def test_a_dutch_token_client_reads_its_errors_in_dutch(app, client, db, factory):
    user = factory.user(Role.STUDENT)
    user.locale = "nl"
    english = factory.user(Role.STUDENT, email="en@example.org")
    _token, secret = create_api_token(user, "bot")
    _other, english_secret = create_api_token(english, "bot")
    db.session.commit()

    by_token = socket_client(app, client, auth={"token": secret})
    ack = by_token.emit("join", {"room": -1}, callback=True)
    assert ack["error"] == {"code": "malformed", "message": DUTCH}

    other = socket_client(app, app.test_client(), auth={"token": english_secret})
    ack = other.emit("join", {"room": -1}, callback=True)
    assert ack["error"]["message"] == "The request could not be read."

    browser = app.test_client()
    AuthActions(browser).login(user.email)
    by_cookie = socket_client(app, browser)
    assert by_cookie.emit("join", {"room": -1}, callback=True)["error"]["message"] == DUTCH
