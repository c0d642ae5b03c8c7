"""Faults: while the database is unreachable people get a clear 503 page (HTTP) or a ``busy``
ack (socket), and the app recovers by itself once the database is back."""

from __future__ import annotations

import gc
import socket
import warnings
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from coil.accounts.models import Role
from coil.extensions import db as _db
from tests.conftest import POSTGRES_URL, AuthActions, csrf_token, make_app, need, socket_client
from tests.factories import DEFAULT_PASSWORD


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when this returns: nothing listens


@pytest.fixture()
def outage(database_url):
    """An app whose PostgreSQL server is down (nothing listens on its port)."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/coil"
    app = make_app(database_url, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app
        _db.engine.dispose()


def test_pages_that_need_the_database_answer_503_with_a_clear_page(outage):
    client = outage.test_client()
    token = csrf_token(client, "/login")  # the log-in form itself needs no database
    data = {"email": "st@uni.example", "password": DEFAULT_PASSWORD, "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "The service is briefly unavailable" in page
    assert "Traceback" not in page
    assert int(response.headers["Retry-After"]) > 0


@contextmanager
def database_down(app):
    """Point ``app`` at a PostgreSQL server that is not there, then back at the real one."""
    engines = app.extensions["sqlalchemy"]._app_engines[app]
    real = engines[None]
    dead = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/coil")
    engines[None] = dead
    try:
        yield
    finally:
        engines[None] = real
        dead.dispose()


def test_signed_in_pages_and_socket_events_answer_busy_then_recover(app, client, factory):
    factory.user(Role.STUDENT, email="st@uni.example")
    AuthActions(client).login("st@uni.example")
    live = socket_client(app, client)
    assert live.is_connected()
    _db.session.remove()
    with database_down(app):
        page = client.get("/profile")
        assert page.status_code == 503
        assert "The service is briefly unavailable" in page.get_data(as_text=True)
        problem = client.get("/profile", headers={"Accept": "application/json"})
        assert (problem.status_code, problem.get_json()["status"]) == (503, 503)
        ack = live.emit("join", {"room": 1}, callback=True)
        assert ack["error"]["code"] == "busy"
    # back by itself: no restart
    assert client.get("/profile").status_code == 200
    ack = live.emit("join", {"room": 1}, callback=True)
    assert ack["error"]["code"] not in ("busy", "server_error", "unauthorized")


@pytest.mark.postgres
def test_the_pool_recovers_after_postgres_drops_every_connection(database_url, factory, app):
    need("PostgreSQL", POSTGRES_URL.startswith("postgres"))
    factory.user(Role.STUDENT, email="st@uni.example")
    _db.session.commit()
    client = app.test_client()
    assert AuthActions(client).login("st@uni.example").status_code == 302
    assert client.get("/profile").status_code == 200
    # a restart, as the pool sees it: every connection of this database is cut
    with _db.engine.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    _db.session.remove()
    assert client.get("/profile").status_code == 200  # pool_pre_ping replaced dead connections
    # The connections PostgreSQL cut are garbage now; psycopg warns when it collects an
    # unclosed one. Collect them here, where that is expected, not in whichever test runs next.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
