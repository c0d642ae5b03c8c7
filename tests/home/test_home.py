"""Each role gets a home page that fits it, in English and in Dutch, with local times."""

from __future__ import annotations

import re

import pytest

from coil.accounts.models import Role

# (role, English marker, Dutch marker)
HOMES = [
    (Role.ADMIN, "Administration", "Beheer"),
    (Role.COORDINATOR, "International office overview", "Overzicht internationaal bureau"),
    (Role.LECTURER, "Your courses", "Je cursussen"),
    (Role.STUDENT, "Your exchanges", "Je uitwisselingen"),
]


@pytest.mark.parametrize(("role", "english", "dutch"), HOMES)
def test_role_home_in_english_and_dutch(client, auth, factory, db, role, english, dutch):
    institution = factory.institution(name="Hogeschool Test")
    user = factory.user(role, None if role == Role.ADMIN else institution)
    auth.login(user.email)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert english in page and '<html lang="en">' in page
    user.locale = "nl"
    db.session.commit()
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert dutch in page and '<html lang="nl">' in page


def test_visitors_get_their_browser_language_and_can_switch(client):
    page = client.get("/", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    assert '<html lang="nl">' in page.get_data(as_text=True)
    from tests.conftest import csrf_token

    response = client.post(
        "/language",
        data={"locale": "en", "next": "/login", "csrf_token": csrf_token(client, "/")},
        headers={"Accept-Language": "nl"},
    )
    assert response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_coordinator_home_shows_partner_local_time(client, auth, factory):
    institution = factory.institution(timezone="Asia/Jakarta", country="ID", city="Surabaya")
    coordinator = factory.user(Role.COORDINATOR, institution)
    auth.login(coordinator.email)
    page = client.get("/").get_data(as_text=True)
    assert "Surabaya" in page and "Indonesia" in page


def test_times_are_shown_in_the_viewers_zone(client, auth, factory, db):
    from datetime import UTC, datetime

    user = factory.user(Role.LECTURER, timezone="Asia/Tokyo")
    user.last_login_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    db.session.commit()
    # Log in through the form would overwrite last_login_at; use the session directly.
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    page = client.get("/profile").get_data(as_text=True)
    assert re.search(r"Mar 2, 2026, 8:30:00\W*AM", page), "UTC 23:30 is 08:30 next day in Tokyo"
    user.timezone = "America/Mexico_City"
    db.session.commit()
    page = client.get("/profile").get_data(as_text=True)
    assert re.search(r"Mar 1, 2026, 5:30:00\W*PM", page)
    assert "Times are shown in America/Mexico_City." in page
