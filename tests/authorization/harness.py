"""The authorization matrix's harness: the columns, rows, and how one cell is checked.

A **row** is one request: a method, a path template whose ``{names}`` are objects of the
matrix world (tests/authorization/world.py), and form data; it expects one outcome per
**column**, the people who ask. A **cell** is one (row, column) pair and one pytest item.

Outcomes are exact: a status code, or ``LOGIN`` (a redirect to the log-in page). Refused is
403 (or 404 where the app hides that an object exists); allowed is the page (200), the
redirect after a change (302), or a form error (422, which still proves the request passed
authorization). A 500 never matches.

Each cell runs against one world built once for the whole package. Writes are watched at the
engine: when a request changed the database, the harness puts the world back as it was (and
the stored files with it), so the order of cells never matters; and a *refused* request that
changed anything fails its cell, whatever its status.

A domain module declares ``ROWS`` and parametrizes one test over ``cells(ROWS)``; the coverage
test (test_coverage.py) fails for any route of the app without a row, so a new domain's routes
must come with rows.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, select

from coil.extensions import db, limiter

# -- columns -------------------------------------------------------------------------------------

ANON = "anon"
STUDENT = "student"  # a student of the exchange, in team 1 ("Team Kopi")
OUT_STUDENT = "out_student"  # a student of an unrelated institution
LECTURER = "lecturer"  # a lecturer of the exchange
OUT_LECTURER = "out_lecturer"  # a lecturer of an unrelated institution (with a course)
COORD = "coord"  # a coordinator of a member institution
OUT_COORD = "out_coord"  # a coordinator of an unrelated institution
ADMIN = "admin"
OTHER_TEAM = "other_team"  # live events only: a student of the exchange in team 2
DROPPED = "dropped"  # live events only: a student who dropped out of team 1
COLUMNS = (ANON, STUDENT, OUT_STUDENT, LECTURER, OUT_LECTURER, COORD, OUT_COORD, ADMIN)
SIGNED_IN = COLUMNS[1:]
STAFF = (LECTURER, COORD, ADMIN)  # who runs or follows the exchange

LOGIN = "login"  # sent to log in first: a redirect to the log-in page that names the page asked
REFUSED = (403, 404, 400, LOGIN)


def allow(status: int | str, *who: str, refused: int | str = 403, **exceptions: int | str):
    """Expect ``status`` for the columns ``who``, ``refused`` for the other signed-in ones and
    ``LOGIN`` for anonymous people; ``exceptions`` override single columns (``anon=200``)."""
    unknown = set(who) - set(COLUMNS) or set(exceptions) - set(COLUMNS)
    assert not unknown, unknown
    expected: dict[str, int | str] = {column: refused for column in SIGNED_IN}
    expected[ANON] = LOGIN
    expected.update(dict.fromkeys(who, status))
    expected.update(exceptions)
    return expected


def everyone(status: int | str, **exceptions: int | str) -> dict[str, int | str]:
    """Expect ``status`` from every signed-in column (and ``LOGIN`` from anonymous people)."""
    return allow(status, *SIGNED_IN, **exceptions)


# -- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One request and the outcome expected for each column."""

    method: str
    path: str  # "/spaces/{space}": names resolved in the matrix world's ``ids``
    expect: Mapping[str, int | str]
    data: Mapping[str, Any] = field(default_factory=dict)  # form fields (csrf_token added)
    files: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)  # field: (body, name)
    fresh: bool = False  # the request changes the session (log in or out): a client of its own
    csrf: bool = True
    note: str = ""  # tells apart two rows of one path (different data)
    # nothing may change even where allowed (a foreign object in the data): True, or the columns
    unchanged: bool | tuple[str, ...] = False

    def __post_init__(self) -> None:
        assert set(self.expect) == set(COLUMNS), (self.path, set(COLUMNS) ^ set(self.expect))

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}" + (f" ({self.note})" if self.note else "")


def get(path: str, expect: Mapping[str, int | str], **options: Any) -> Row:
    return Row("GET", path, expect, **options)


def post(path: str, expect: Mapping[str, int | str], **options: Any) -> Row:
    return Row("POST", path, expect, **options)


def cells(rows: Iterable[Row]) -> list[Any]:
    """Parametrize a test over every (row, column) of ``rows``, one pytest item each."""
    return [
        pytest.param(row, column, id=f"{row.name} {column}") for row in rows for column in COLUMNS
    ]


# -- the world's state, kept and put back -------------------------------------------------------


class WriteWatch:
    """Notice every INSERT, UPDATE or DELETE the engine runs."""

    def __init__(self, engine: Engine) -> None:
        self.wrote = False
        self.paused = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not self.paused and statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.wrote = True


class Snapshot:
    """Every row of every table (and the stored files), to compare with and to restore."""

    def __init__(self, engine: Engine, storage: Path) -> None:
        self.engine = engine
        self.storage = storage
        self.tables = db.metadata.sorted_tables
        self.rows = self._dump()
        self.files = storage.with_name(storage.name + "-snapshot")
        if self.files.exists():
            shutil.rmtree(self.files)
        if storage.exists():
            shutil.copytree(storage, self.files)

    def _dump(self) -> dict[str, list[tuple[Any, ...]]]:
        with self.engine.connect() as connection:
            return {
                table.name: [
                    tuple(r)
                    for r in connection.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in self.tables
            }

    def changes(self) -> list[str]:
        """Name the tables whose rows differ from the snapshot."""
        now = self._dump()
        return [name for name, rows in self.rows.items() if now[name] != rows]

    def restore(self) -> None:
        with self.engine.begin() as connection:
            for table in reversed(self.tables):
                connection.execute(table.delete())
            for table in self.tables:
                rows = self.rows[table.name]
                if rows:
                    keys = [column.key for column in table.columns]
                    connection.execute(
                        table.insert(), [dict(zip(keys, r, strict=True)) for r in rows]
                    )
        if self.storage.exists():
            shutil.rmtree(self.storage)
        if self.files.exists():
            shutil.copytree(self.files, self.storage)


# -- the matrix ----------------------------------------------------------------------------------


@dataclass
class MatrixWorld:
    """The people of each column (their e-mail addresses) and the objects rows name (ids).

    An id may differ per column (each person's own notification): then it is a dict.
    """

    emails: dict[str, str]
    ids: dict[str, Any]
    password: str


class Matrix:
    """Run cells against the package's world: one signed-in client per column."""

    def __init__(self, app: Flask, world: MatrixWorld, storage: Path) -> None:
        self.app = app
        self.world = world
        self.watch = WriteWatch(db.engine)
        self.snapshot = Snapshot(db.engine, storage)
        self.clients: dict[str, FlaskClient] = {}
        self.tokens: dict[str, str] = {}
        self.restores = 0  # how often a request changed the world and it was put back
        self.sockets: dict[str, Any] = {}

    def refresh_snapshot(self, storage: Path) -> None:
        """Take the snapshot again after a module added objects of its own."""
        self.snapshot = Snapshot(db.engine, storage)
        self.watch.wrote = False

    # clients

    def login(self, column: str) -> FlaskClient:
        from tests.conftest import AuthActions

        client = self.app.test_client()
        if column != ANON:
            response = AuthActions(client).login(self.world.emails[column], self.world.password)
            assert response.status_code == 302, f"{column} cannot log in"
        return client

    def client(self, column: str) -> FlaskClient:
        if column not in self.clients:
            self.clients[column] = self.login(column)
        return self.clients[column]

    def token(self, column: str, client: FlaskClient) -> str:
        from tests.conftest import csrf_token

        if column not in self.tokens:
            self.tokens[column] = csrf_token(client, "/password/forgot")
        return self.tokens[column]

    # cells

    def url(self, template: str, column: str) -> str:
        values = {
            name: value.get(column, value[None]) if isinstance(value, dict) else value
            for name, value in self.world.ids.items()
        }
        return template.format(**values)

    def request(self, row: Row, column: str) -> Any:
        """Send ``row`` as ``column``; return the response (the world is put back after)."""
        client = self.login(column) if row.fresh else self.client(column)
        token = (_fresh(client) if row.fresh else self.token(column, client)) if row.csrf else ""
        self.settle()  # logging in writes (the time of the last log-in): not the cell's doing
        url = self.url(row.path, column)
        limiter.reset()
        if row.method == "GET":
            return client.get(url)
        data: dict[str, Any] = dict(row.data)
        if row.csrf:
            data["csrf_token"] = token
        for name, (body, filename) in row.files.items():
            data[name] = (BytesIO(body), filename)
        data = {
            self.url(k, column): self.url(v, column) if isinstance(v, str) else v
            for k, v in data.items()
        }
        content_type = "multipart/form-data" if row.files else None
        return client.open(url, method=row.method, data=data, content_type=content_type)

    def check(self, row: Row, column: str) -> None:
        expected = row.expect[column]
        response = self.request(row, column)
        outcome = outcome_of(response)
        body = response.get_data(as_text=True)[:400] if outcome != expected else ""
        response.close()  # a download streams a file that stays open until then
        changed = self.settle()
        assert outcome == expected, f"{row.name} as {column}: {outcome}, not {expected}\n{body}"
        if expected in REFUSED or row.unchanged is True or column in (row.unchanged or ()):
            assert not changed, f"{row.name} as {column} was refused but changed {changed}"

    def socket(self, column: str) -> Any:
        """Return ``column``'s Socket.IO connection (made on first use, with their log-in)."""
        from tests.conftest import socket_client

        if column not in self.sockets:
            socket = socket_client(self.app, self.client(column))
            assert socket.is_connected(), f"{column} cannot connect"
            self.sockets[column] = socket
        return self.sockets[column]

    def check_socket(self, row: SocketRow, column: str) -> None:
        expected = row.expect[column]
        socket = self.socket(column)
        self.settle()
        ack = socket.emit(row.event, resolve(row.payload, self.world.ids), callback=True)
        socket.get_received()  # the events it heard are not the cell's concern
        changed = self.settle()
        outcome = ack_of(ack)
        assert outcome == expected, f"{row.name} as {column}: {ack}, not {expected}"
        if expected != "ok":
            assert not changed, f"{row.name} as {column} was refused but changed {changed}"

    def close(self) -> None:
        for socket in self.sockets.values():
            if socket.is_connected():
                socket.disconnect()

    def settle(self) -> list[str]:
        """Put the world back if the last request changed it; return the tables it changed."""
        if not self.watch.wrote:
            return []
        self.watch.paused = True
        try:
            changed = self.snapshot.changes()
            if changed:
                self.snapshot.restore()
                self.restores += 1
        finally:
            self.watch.paused = False
            self.watch.wrote = False
        return changed


def outcome_of(response: Any) -> int | str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/login?next="):
        return LOGIN
    return int(response.status_code)


def _fresh(client: FlaskClient) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/password/forgot")


# -- Socket.IO -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SocketRow:
    """One Socket.IO event and the ack expected per person: "ok" or the error code."""

    event: str
    payload: Mapping[str, Any]  # string values "{name}" are resolved in the world's ids
    expect: Mapping[str, str]

    @property
    def name(self) -> str:
        shown = ",".join(f"{k}={v}" for k, v in self.payload.items())
        return f"{self.event}({shown})"


def resolve(payload: Mapping[str, Any], ids: Mapping[str, Any]) -> dict[str, Any]:
    """Replace "{name}" values with the world's ids (kept as ints)."""
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            value = ids[value[1:-1]]
        elif isinstance(value, list):
            value = [ids[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v for v in value]
        out[key] = value
    return out


def socket_cells(rows: Iterable[SocketRow], columns: Iterable[str]) -> list[Any]:
    columns = list(columns)
    return [
        pytest.param(row, column, id=f"{row.name} {column}") for row in rows for column in columns
    ]


def ack_of(ack: Any) -> str:
    assert isinstance(ack, dict), ack
    return "ok" if ack.get("ok") else str(ack["error"]["code"])
