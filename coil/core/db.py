"""The one place a web request commits: after the view succeeded, before the response leaves."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, Response
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from coil.core.errors import database_unavailable_page, render_error
from coil.extensions import db

log = logging.getLogger(__name__)


def install_request_transaction(app: Flask) -> None:
    """Commit each successful request's work in one transaction; roll back the rest.

    Services only ``flush``; views never commit. A view that answers 4xx or 5xx has its
    changes discarded, so a rejected form never leaves half a record behind.
    """

    @app.after_request
    def commit_or_rollback(response: Response) -> Response:
        session = db.session()
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            log.warning("conflicting write rolled back", exc_info=True)
            body, code = render_error(
                409, _("Someone else changed the same data at the same time. Please try again.")
            )
            return app.make_response((body, code))
        except OperationalError:
            log.error("database unavailable while committing", exc_info=True)
            return app.make_response(database_unavailable_page())
        return response


def rollback() -> None:
    """Discard what the current request flushed (a service refused part of the work)."""
    db.session.rollback()


_WAL_SET: set[str] = set()  # databases this process has switched to WAL (the mode persists)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """Let SQLite readers and the writer work side by side (write-ahead log), and wait for a lock
    rather than fail at once. Durability stays at SQLite's default (synchronous=FULL).

    WAL is a property of the database file, so it is set once per process; the busy timeout
    belongs to each connection.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")
        name = cursor.execute("PRAGMA database_list").fetchone()[2]
        if name not in _WAL_SET:
            cursor.execute("PRAGMA journal_mode=WAL")
            _WAL_SET.add(name)
        cursor.close()
