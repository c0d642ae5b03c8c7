"""Socket.IO connections authenticated with a personal API token instead of a session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coil.accounts.models import Role
from coil.accounts.sockets import TOKEN_ENVIRON_KEY, current_socket_user
from coil.accounts.tokens import create_api_token, revoke_api_token
from coil.core.events import notify
from coil.core.time import utcnow
from tests.conftest import socket_client


@pytest.fixture()
def token_user(factory, db):
    user = factory.user(Role.STUDENT)
    token, secret = create_api_token(user, "bot")
    db.session.commit()
    return user, token, secret


@pytest.mark.parametrize("how", ["auth", "header"])
def test_a_valid_token_connects_and_gets_its_users_events_after_commit(
    app, client, db, factory, token_user, how
):
    user, token, secret = token_user
    other = factory.user(Role.STUDENT)
    if how == "auth":
        socket = socket_client(app, client, auth={"token": secret})
    else:
        socket = socket_client(app, client, headers={"Authorization": f"Bearer {secret}"})
    assert socket.is_connected()
    notify("notification", "created", {"text": "hi"}, [f"user:{user.id}"])
    notify("notification", "created", {"text": "not for you"}, [f"user:{other.id}"])
    assert socket.get_received() == []  # nothing before commit
    db.session.commit()
    assert [r["args"][0]["text"] for r in socket.get_received()] == ["hi"]
    db.session.expire_all()
    assert token.last_used_at is not None  # the connect handler committed it
    socket.disconnect()


@pytest.mark.parametrize("problem", ["revoked", "expired", "inactive", "garbage", "empty"])
def test_unusable_tokens_are_refused(app, client, db, token_user, problem):
    user, token, secret = token_user
    if problem == "revoked":
        revoke_api_token(user, token)
    elif problem == "expired":
        token.expires_at = utcnow() - timedelta(seconds=1)
    elif problem == "inactive":
        user.active = False
    elif problem == "garbage":
        secret = "coil_" + "A" * 43
    else:
        secret = ""
    db.session.commit()
    socket = socket_client(app, client, auth={"token": secret})
    assert not socket.is_connected()
    header = socket_client(app, client, headers={"Authorization": f"Bearer {secret}"})
    assert not header.is_connected()


def test_a_non_string_token_is_refused(app, client, token_user):
    assert not socket_client(app, client, auth={"token": ["x"]}).is_connected()
    assert not socket_client(app, client, auth="just a string").is_connected()


def test_current_socket_user_follows_the_token_until_it_is_revoked(app, db, token_user):
    user, token, _secret = token_user
    with app.test_request_context(environ_overrides={TOKEN_ENVIRON_KEY: token.id}):
        assert current_socket_user() == user
    revoke_api_token(user, token)
    db.session.commit()
    with app.test_request_context(environ_overrides={TOKEN_ENVIRON_KEY: token.id}):
        assert current_socket_user() is None
    with app.test_request_context():
        assert current_socket_user() is None


def test_a_session_user_wins_over_a_token(app, client, auth, db, factory, token_user):
    token_owner, _token, secret = token_user
    person = factory.user(Role.LECTURER)
    auth.login(person.email)
    socket = socket_client(app, client, auth={"token": secret})
    assert socket.is_connected()
    notify("notification", "created", {"text": "owner"}, [f"user:{token_owner.id}"])
    notify("notification", "created", {"text": "person"}, [f"user:{person.id}"])
    db.session.commit()
    assert [r["args"][0]["text"] for r in socket.get_received()] == ["person"]
    socket.disconnect()
