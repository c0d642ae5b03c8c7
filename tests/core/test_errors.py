"""Errors reach people as friendly pages (or JSON problems), never as stack traces."""

from __future__ import annotations

import pytest

from tests.conftest import make_app


@pytest.fixture()
def broken_app(database_url):
    app = make_app(database_url)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    return app


def test_404_is_a_friendly_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body and 'href="/"' in body


def test_404_as_json_problem(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {"type": "about:blank", "title": "Page not found", "status": 404}


def test_500_hides_the_details(broken_app):
    with broken_app.app_context():
        response = broken_app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_error_pages_are_translated(client):
    response = client.get("/nope", headers={"Accept-Language": "nl"})
    assert '<html lang="nl">' in response.get_data(as_text=True)


def test_garbage_in_ids_is_a_404_not_a_crash(client, auth, factory):
    from coil.accounts.models import Role

    auth.login(factory.user(Role.ADMIN).email)
    for url in ["/institutions/abc", "/institutions/99999999999999999999", "/join/%00"]:
        assert client.get(url).status_code in (404, 410), url
