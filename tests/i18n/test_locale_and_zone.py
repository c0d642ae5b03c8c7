"""Spanish is a full interface language, and the browser's zone is used from the first page."""

from __future__ import annotations

import re

import pytest

from coil.accounts.forms import LocaleForm, ProfileForm
from coil.accounts.models import Role
from coil.core.i18n import TZ_COOKIE
from tests.conftest import csrf_token

TZ_META = re.compile(r'<meta name="coil-tz-cookie" content="coil_tz"( data-unknown)?>')


def test_a_spanish_browser_gets_the_spanish_interface(client):
    page = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    body = page.get_data(as_text=True)
    assert '<html lang="es">' in body
    assert "Iniciar sesión" in body and "Log in" not in body
    assert '<option value="es" selected lang="es">Español</option>' in body


def test_the_footer_switches_to_spanish(client):
    response = client.post(
        "/language",
        data={"locale": "es", "next": "/login", "csrf_token": csrf_token(client, "/login")},
    )
    assert response.status_code == 302
    assert '<html lang="es">' in client.get("/login").get_data(as_text=True)


def test_a_user_can_choose_spanish_in_their_profile(app):
    with app.test_request_context():
        assert ("es", "Español") in [(c.value, c.label) for c in LocaleForm().locale.choices]
        profile = ProfileForm(formdata=None)
        assert "es" in [c.value for c in profile.locale.choices]


def test_a_spanish_user_reads_spanish_whatever_the_browser_says(client, auth, factory, db):
    institution = factory.institution(name="Universidad Test")
    user = factory.user(Role.STUDENT, institution)
    user.locale = "es"
    db.session.commit()
    auth.login(user.email)
    body = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="es">' in body and "Tus intercambios" in body


def test_a_first_visit_is_marked_so_the_browser_can_send_its_zone_before_reading(client):
    body = client.get("/login").get_data(as_text=True)
    assert TZ_META.search(body).group(1) == " data-unknown"
    assert "Times are shown in UTC." in body
    # the script runs from <head>, before any time in the body is read, and blocks it
    head = body.split("</head>")[0]
    assert re.search(r'<script src="/static/js/tz\.js[^"]*"></script>', head)
    script = client.get("/static/js/tz.js")
    assert script.status_code == 200
    script.close()


def test_with_the_browser_zone_known_the_page_shows_local_times_and_asks_nothing(client):
    client.set_cookie(TZ_COOKIE, "America/Mexico_City")
    body = client.get("/login").get_data(as_text=True)
    assert TZ_META.search(body).group(1) is None
    assert "Times are shown in America/Mexico_City." in body


def test_a_zone_that_is_not_a_zone_counts_as_unknown(client):
    client.set_cookie(TZ_COOKIE, "Mars/Olympus_Mons")
    body = client.get("/login").get_data(as_text=True)
    assert TZ_META.search(body).group(1) == " data-unknown"  # tz.js reloads only once per tab
    assert "Times are shown in UTC." in body


def test_a_form_answer_is_never_fetched_again(client):
    # a POST answer (a form with errors) must not be reloaded: that would lose what was typed
    body = client.post("/login", data={"email": "x"}).get_data(as_text=True)
    assert TZ_META.search(body).group(1) is None


def test_a_logged_in_user_has_their_profile_zone(client, auth, factory):
    user = factory.user(Role.LECTURER, factory.institution(), timezone="Asia/Tokyo")
    auth.login(user.email)
    body = client.get("/").get_data(as_text=True)
    assert TZ_META.search(body).group(1) is None
    assert "Times are shown in Asia/Tokyo." in body


@pytest.mark.parametrize(
    ("cookie", "zone"), [("America/Mexico_City", "America/Mexico_City"), (None, "Europe/Amsterdam")]
)
def test_sign_up_suggests_the_browser_zone_before_the_institutions(client, factory, cookie, zone):
    institution = factory.institution()  # Europe/Amsterdam
    lecturer = factory.user(Role.LECTURER, institution)
    _invitation, token = factory.invitation(lecturer, Role.STUDENT, institution, max_uses=3)
    if cookie:
        client.set_cookie(TZ_COOKIE, cookie)
    body = client.get(f"/join/{token}").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="timezone"[^>]*>', body)
    assert field is not None and f'value="{zone}"' in field.group(0)


@pytest.mark.parametrize(
    ("role", "marker"),
    [
        (Role.ADMIN, "Administración"),
        (Role.COORDINATOR, "Resumen de la oficina internacional"),
        (Role.LECTURER, "Tus cursos"),
        (Role.STUDENT, "Tus intercambios"),
    ],
)
def test_every_role_home_in_spanish(client, auth, factory, db, role, marker):
    institution = factory.institution(name="Universidad Test")
    user = factory.user(role, None if role == Role.ADMIN else institution)
    user.locale = "es"
    db.session.commit()
    auth.login(user.email)
    body = client.get("/profile").get_data(as_text=True) + client.get("/").get_data(as_text=True)
    assert marker in body and '<html lang="es">' in body
    assert "Idioma del sitio" in body  # the profile form, labelled in Spanish
