"""Finding 3: behind a proxy each visitor has their own log-in limit, and one account under
attack from many addresses slows down by a short, growing delay instead of locking its owner
out."""

from __future__ import annotations

import time

import pytest

from coil.accounts.models import Role
from coil.accounts.throttle import account_delay
from config import ConfigError, TestingConfig
from tests.conftest import csrf_token, make_app
from tests.factories import DEFAULT_PASSWORD


def _login(client, email, password, address):
    headers = {"X-Forwarded-For": address}
    token = csrf_token(client, "/login")
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data, headers=headers)


@pytest.fixture()
def proxied(database_url, factory):
    """An app behind one trusted proxy, with 3 log-ins per minute per address."""
    app = make_app(database_url, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        yield app


def test_behind_a_trusted_proxy_each_visitor_has_their_own_address_limit(proxied, factory):
    for n in range(4):
        factory.user(Role.STUDENT, email=f"s{n}@uni.example")
    client = proxied.test_client()
    statuses = [
        _login(client, f"s{n}@uni.example", "wrong", "203.0.113.7").status_code for n in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    # another visitor behind the same proxy is not affected
    other = proxied.test_client()
    assert _login(other, "s0@uni.example", DEFAULT_PASSWORD, "198.51.100.9").status_code == 302


def test_without_trusted_proxies_the_forwarded_header_is_ignored(database_url, factory):
    app = make_app(database_url, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    spoofed = [
        _login(client, "x@uni.example", "wrong", f"192.0.2.{n}").status_code for n in range(4)
    ]
    assert spoofed == [422, 422, 422, 429]  # a forged header does not buy a fresh limit


def test_the_proxy_setting_is_checked():
    import os

    os.environ["COIL_TRUSTED_PROXIES"] = "-1"
    try:
        with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
            TestingConfig()
    finally:
        del os.environ["COIL_TRUSTED_PROXIES"]


@pytest.mark.parametrize(
    ("failures", "delay"), [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (10, 32), (11, 60), (40, 60)]
)
def test_the_account_delay_grows_and_stays_short(failures, delay):
    assert account_delay(failures, free=5, longest=60) == delay


def test_many_addresses_guessing_one_account_slow_it_down_briefly(proxied, factory):
    factory.user(Role.STUDENT, email="target@uni.example")
    client = proxied.test_client()
    # five free failures, from five addresses (each far under its own limit)
    for n in range(5):
        assert _login(client, "TARGET@uni.example", "wrong", f"203.0.113.{n}").status_code == 422
    # the fifth set a one-second wait: even the right password waits, with a clear message
    response = _login(client, "target@uni.example", DEFAULT_PASSWORD, "198.51.100.1")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert "Try again in 1 second" in response.get_data(as_text=True)
    # another account is not slowed down
    factory.user(Role.STUDENT, email="bystander@uni.example")
    assert (
        _login(proxied.test_client(), "bystander@uni.example", "wrong", "203.0.113.50").status_code
        == 422
    )
    time.sleep(1.1)
    assert _login(client, "target@uni.example", DEFAULT_PASSWORD, "198.51.100.1").status_code == 302


def test_unknown_addresses_are_slowed_down_like_known_ones(proxied):
    client = proxied.test_client()
    for n in range(5):
        assert _login(client, "nobody@uni.example", "wrong", f"203.0.113.{n}").status_code == 422
    assert _login(client, "nobody@uni.example", "wrong", "203.0.113.9").status_code == 429


def test_a_successful_log_in_forgets_earlier_failures(proxied, factory):
    factory.user(Role.STUDENT, email="st@uni.example")
    client = proxied.test_client()
    for n in range(4):
        _login(client, "st@uni.example", "wrong", f"203.0.113.{n}")
    assert _login(client, "st@uni.example", DEFAULT_PASSWORD, "203.0.113.20").status_code == 302
    fresh = proxied.test_client()
    assert _login(fresh, "st@uni.example", "wrong", "203.0.113.21").status_code == 422
    assert _login(fresh, "st@uni.example", "wrong", "203.0.113.22").status_code == 422  # 2 of 5
