"""Logging in and out, remember-me, rate limits, and what a wrong attempt reveals."""

from __future__ import annotations

import pytest

from coil.accounts.models import Role
from tests.conftest import csrf_token


def test_login_with_mixed_case_email_records_the_time(client, auth, factory, db):
    user = factory.user(Role.LECTURER, email="ana@uni.example")
    response = auth.login("  Ana@UNI.example ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.refresh(user)
    assert user.last_login_at is not None
    page = client.get("/").get_data(as_text=True)
    assert user.name in page


@pytest.mark.parametrize("email", ["ana@uni.example", "nobody@uni.example"])
def test_wrong_password_and_unknown_address_get_the_same_answer(client, auth, factory, email):
    factory.user(Role.LECTURER, email="ana@uni.example")
    response = auth.login(email, "not the password at all")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "The e-mail address or password is not right." in body
    assert "no account" not in body.lower()


def test_empty_form_shows_field_errors_not_a_crash(client):
    response = client.post("/login", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, factory):
    factory.user(Role.LECTURER, email="ana@uni.example")
    response = client.post("/login", data={"email": "ana@uni.example", "password": "x" * 12})
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True)


def test_remember_me_sets_a_lasting_cookie(client, auth, factory):
    factory.user(Role.STUDENT, email="st@uni.example")
    auth.login("st@uni.example", remember="y")
    assert client.get_cookie("remember_token") is not None


def test_logout_needs_post_and_ends_the_session(client, auth, factory):
    factory.user(Role.STUDENT, email="st@uni.example")
    auth.login("st@uni.example")
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/profile").status_code == 302


def test_deactivated_account_cannot_log_in(auth, factory, db):
    user = factory.user(Role.STUDENT, email="gone@uni.example")
    user.active = False
    db.session.commit()
    assert auth.login("gone@uni.example").status_code == 422


def test_people_of_a_suspended_institution_cannot_log_in(auth, factory, db):
    institution = factory.institution()
    factory.user(Role.LECTURER, institution, email="l@susp.example")
    institution.status = "suspended"
    db.session.commit()
    assert auth.login("l@susp.example").status_code == 422


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/profile", "/profile"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_next_parameter_never_leaves_the_site(client, factory, target, expected):
    factory.user(Role.STUDENT, email="st@uni.example")
    token = csrf_token(client)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "st@uni.example", "password": "correct horse battery", "csrf_token": token},
    )
    assert response.headers["Location"] == expected


def test_login_attempts_are_rate_limited(app, client, factory):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    factory.user(Role.STUDENT, email="st@uni.example")
    token = csrf_token(client)
    statuses = [
        client.post(
            "/login",
            data={"email": "st@uni.example", "password": "wrong password!", "csrf_token": token},
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
    blocked = client.post(
        "/login",
        data={"email": "st@uni.example", "password": "correct horse battery", "csrf_token": token},
    )
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
