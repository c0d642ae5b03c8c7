"""Fixtures shared by every test: a migrated database, app, client, auth helper, factories,
and ``emitted``, the Socket.IO events a test sent.

The schema is created once per run by the Alembic migrations (never ``create_all``); each test
then runs against it and the tables are emptied afterwards. ``COIL_TEST_DATABASE_URL`` points
the suite at PostgreSQL, ``COIL_TEST_REDIS_URL`` at Redis; with ``COIL_TEST_REQUIRE_SERVICES=1``
(set by .ci/run) a test that needs a missing service fails instead of skipping.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock, patch

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient
from sqlalchemy import text

# Tests never read the developer's own settings.
for _name in list(os.environ):
    if _name.startswith("COIL_") and not _name.startswith("COIL_TEST_"):
        del os.environ[_name]

from coil import create_app  # noqa: E402
from coil.extensions import db as _db  # noqa: E402
from coil.extensions import limiter  # noqa: E402
from config import TestingConfig  # noqa: E402
from tests.factories import DEFAULT_PASSWORD, Factory  # noqa: E402

REQUIRE_SERVICES = os.environ.get("COIL_TEST_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("COIL_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("COIL_TEST_REDIS_URL", "")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def need(service: str, available: bool) -> None:
    """Skip (or, under .ci/run, fail) a test whose service is not configured."""
    if available:
        return
    message = f"{service} is not configured for this run (see README, Tests)"
    if REQUIRE_SERVICES:
        pytest.fail(message + " but COIL_TEST_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["COIL_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def database_url(instance_path: Path) -> str:
    """Return the URL of a database migrated to head, once per test run."""
    from flask_migrate import upgrade

    url = POSTGRES_URL or f"sqlite:///{instance_path / 'test.sqlite3'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=_normalise(url))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return _normalise(url)


def _normalise(url: str) -> str:
    from config import normalise_database_url

    return normalise_database_url(url)


@contextmanager
def own_app_context() -> Iterator[None]:
    """Hide the test's app context so that the code inside gets a fresh one, as in production."""
    token = _cv_app.set(None)  # type: ignore[arg-type]
    try:
        yield
    finally:
        _cv_app.reset(token)


class IsolatedSocketClient(SocketIOTestClient):
    """Flask-SocketIO's test client, each event handled in its own app context."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with own_app_context():
            super().__init__(*args, **kwargs)

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        with own_app_context():
            return super().connect(*args, **kwargs)

    def disconnect(self, *args: Any, **kwargs: Any) -> Any:
        with own_app_context():
            return super().disconnect(*args, **kwargs)

    def emit(self, *args: Any, **kwargs: Any) -> Any:
        with own_app_context():
            return super().emit(*args, **kwargs)


def socket_client(app: Flask, client: FlaskClient, **kwargs: Any) -> IsolatedSocketClient:
    """Open a Socket.IO test connection that shares ``client``'s log-in cookie."""
    from coil.extensions import socketio

    return IsolatedSocketClient(app, socketio, flask_test_client=client, **kwargs)


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The test body keeps an app context of its own (for factories and assertions); without
    this, Flask would reuse it for requests and share ``g`` and the database session between
    them, hiding bugs that a real server would show.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with own_app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides: Any) -> Flask:
    """Build a test app on the migrated database (and Redis, when the run has it)."""
    settings: dict[str, Any] = {"SQLALCHEMY_DATABASE_URI": database_url}
    if REDIS_URL:
        settings["RATELIMIT_STORAGE_URI"] = REDIS_URL
    settings.update(overrides)
    app = create_app(TestingConfig, **settings)
    app.test_client_class = IsolatedClient
    return app


def _empty_tables() -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture()
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    with app.app_context():
        limiter.reset()
        app.extensions["mailman"].outbox = []
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


@pytest.fixture()
def db(app: Flask) -> Any:
    return _db


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def outbox(app: Flask) -> list[Any]:
    """Mail sent during the test (flask-mailman's in-memory backend)."""
    return app.extensions["mailman"].outbox


@pytest.fixture()
def factory(app: Flask) -> Factory:
    return Factory(_db)


@dataclass(frozen=True)
class Emit:
    """One ``socketio.emit`` call."""

    event: str
    data: Any
    to: str | None
    after_commit: bool  # sent by the after-commit hook (coil.core.events), as a change's must be


class Emitted:
    """The ``socketio.emit`` calls of a test, in order.

    A ``MagicMock`` stands in the middle (``emitted.assert_called_once_with(...)``,
    ``emitted.call_args_list``) and passes every call on to the real ``emit``, so Socket.IO test
    clients still hear them; ``events`` holds them as :class:`Emit` records.
    """

    def __init__(self, mock: MagicMock) -> None:
        self.mock = mock
        self.events: list[Emit] = []

    def __getattr__(self, name: str) -> Any:  # the mock's call records and assertions
        return getattr(self.mock, name)

    def of(self, event: str) -> list[Emit]:
        """Return the emits of one event name."""
        return [e for e in self.events if e.event == event]

    @property
    def before_commit(self) -> list[Emit]:
        """Return the emits not sent by the after-commit hook (none, for stored changes)."""
        return [e for e in self.events if not e.after_commit]

    def clear(self) -> None:
        """Forget what was emitted so far (e.g. while the test set its scene up)."""
        self.events.clear()
        self.mock.reset_mock()


def _in_after_commit_hook() -> bool:
    from coil.core.events import _run_after_commit

    hook = _run_after_commit.__code__
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is hook:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


@pytest.fixture()
def emitted(app: Flask) -> Iterator[Emitted]:
    """Record every ``socketio.emit`` made during the test (it still reaches test clients)."""
    from coil.extensions import socketio

    real = socketio.emit
    recorder: Emitted

    def record(event: str, *args: Any, **kwargs: Any) -> Any:
        data = args[0] if args else kwargs.get("data")
        to = kwargs.get("to", kwargs.get("room"))
        recorder.events.append(Emit(event, data, to, _in_after_commit_hook()))
        return real(event, *args, **kwargs)

    with patch.object(socketio, "emit", side_effect=record) as mock:
        recorder = Emitted(mock)
        yield recorder


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """Fetch a page with a form and return its CSRF token (CSRF stays on in tests)."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


class AuthActions:
    """Log in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD, **extra: Any) -> Any:
        token = csrf_token(self.client, "/login")
        data = {"email": email, "password": password, "csrf_token": token, **extra}
        return self.client.post("/login", data=data)

    def logout(self) -> Any:
        token = csrf_token(self.client, "/")
        return self.client.post("/logout", data={"csrf_token": token})

    def post(self, url: str, data: dict[str, Any], form_url: str | None = None) -> Any:
        """POST a form with the CSRF token taken from ``form_url`` (default: the same URL)."""
        token = csrf_token(self.client, form_url or url)
        return self.client.post(url, data={"csrf_token": token, **data})


@pytest.fixture()
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)
