"""Personal API tokens: created on the profile page, shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coil.accounts.models import ApiToken, Role
from coil.accounts.tokens import (
    MAX_API_TOKENS,
    create_api_token,
    revoke_api_token,
    user_for_api_token,
)
from coil.core.errors import ServiceError
from coil.core.time import utcnow

SECRET_RE = re.compile(r'id="new-token"[^>]*value="(coil_[^"]+)"')


def _create(auth, name="load test bot", days=""):
    return auth.post("/profile/tokens", {"token-name": name, "token-days": days}, "/profile")


def _tokens(db, user):
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))


def test_creating_a_token_shows_the_secret_once_and_stores_only_its_hash(client, auth, factory, db):
    user = factory.user(Role.STUDENT, timezone="Asia/Tokyo")
    auth.login(user.email)
    response = _create(auth, days="30")
    assert response.status_code == 200
    secret = SECRET_RE.search(response.get_data(as_text=True)).group(1)
    [token] = _tokens(db, user)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    assert token.name == "load test bot"
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    assert secret not in {token.name, token.prefix, token.token_hash}
    page = client.get("/profile").get_data(as_text=True)
    assert secret not in page
    assert "load test bot" in page and f"{token.prefix}…" in page
    assert user_for_api_token(secret) == user


def test_the_owner_revokes_a_token_and_it_stops_working(client, auth, factory, db):
    user = factory.user(Role.LECTURER)
    token, secret = create_api_token(user, "bot")
    db.session.commit()
    auth.login(user.email)
    response = auth.post(f"/profile/tokens/{token.id}/revoke", {}, "/profile")
    assert response.status_code == 302
    db.session.expire_all()
    assert token.revoked_at is not None
    assert user_for_api_token(secret) is None
    assert "revoked" in client.get("/profile").get_data(as_text=True)


def test_another_user_cannot_revoke_your_token(client, auth, factory, db):
    owner, other = factory.user(Role.STUDENT), factory.user(Role.ADMIN)
    token, secret = create_api_token(owner, "bot")
    db.session.commit()
    auth.login(other.email)
    response = auth.post(f"/profile/tokens/{token.id}/revoke", {}, "/profile")
    assert response.status_code == 404
    db.session.expire_all()
    assert token.revoked_at is None
    with pytest.raises(ServiceError):
        revoke_api_token(other, token)
    assert user_for_api_token(secret) == owner


def test_expired_tokens_and_inactive_owners_are_refused(factory, db):
    user = factory.user(Role.STUDENT)
    token, secret = create_api_token(user, "bot", days=1)
    db.session.commit()
    assert user_for_api_token(secret) == user
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert user_for_api_token(secret) is None
    _fresh, other_secret = create_api_token(user, "other")
    user.active = False
    db.session.commit()
    assert user_for_api_token(other_secret) is None


@pytest.mark.parametrize(
    "secret", ["", "coil_", "coil_nonsense", "not-a-token", "coil_" + "x" * 500]
)
def test_unknown_secrets_find_no_user(factory, db, secret):
    create_api_token(factory.user(Role.STUDENT), "bot")
    assert user_for_api_token(secret) is None


def test_last_use_is_recorded_at_most_once_a_minute(factory, db):
    user = factory.user(Role.STUDENT)
    token, secret = create_api_token(user, "bot")
    assert token.last_used_at is None
    user_for_api_token(secret)
    first = token.last_used_at
    assert first is not None
    user_for_api_token(secret)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    user_for_api_token(secret)
    assert token.last_used_at > first - timedelta(minutes=2)


def test_at_most_ten_active_tokens(client, auth, factory, db):
    user = factory.user(Role.STUDENT)
    made = [create_api_token(user, f"bot {n}")[0] for n in range(MAX_API_TOKENS)]
    db.session.commit()
    auth.login(user.email)
    response = _create(auth, name="one too many")
    assert response.status_code == 422
    assert "revoke one first" in response.get_data(as_text=True)
    assert len(_tokens(db, user)) == MAX_API_TOKENS
    revoke_api_token(user, made[0])
    db.session.commit()
    assert _create(auth, name="now it fits").status_code == 200


@pytest.mark.parametrize(
    ("name", "days"),
    [("", ""), ("   ", ""), ("x" * 81, ""), ("bot", "0"), ("bot", "366"), ("bot", "soon")],
)
def test_bad_input_is_refused_and_creates_nothing(auth, factory, db, name, days):
    user = factory.user(Role.STUDENT)
    auth.login(user.email)
    response = _create(auth, name=name, days=days)
    assert response.status_code == 422
    assert SECRET_RE.search(response.get_data(as_text=True)) is None
    assert _tokens(db, user) == []


def test_token_routes_need_a_log_in_and_a_csrf_token(client, auth, factory, db):
    anonymous = auth.post("/profile/tokens", {"token-name": "bot"}, "/login")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    user = factory.user(Role.STUDENT)
    auth.login(user.email)
    response = client.post("/profile/tokens", data={"token-name": "bot"})
    assert response.status_code == 400
    assert _tokens(db, user) == []
