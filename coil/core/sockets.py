"""The shape of every Socket.IO event: one transaction, a checked user, an ack, never a raise.

Core knows nothing of accounts: the domain that owns people registers how to find the user
behind an event (:func:`socket_user_loader`, as Flask-Login's ``user_loader``); the connect
guard lives with it (``coil/accounts/sockets.py``). Live domains (chat, dialogue) declare their
handlers with :func:`socket_event`, usually through a thin wrapper of their own.

A handler receives the user (or, with ``by_id``, the user's id) and the payload as a dict, runs
inside :func:`socket_transaction`, and returns the fields of a successful ack. Refusals raise
``ServiceError`` and become ``{"ok": false, "error": {"code", "message"}}``; anything unexpected
is logged and becomes the ``server_error`` code: a malformed payload never escapes a handler.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import InterfaceError, OperationalError

from coil.core.errors import ServiceError
from coil.core.payloads import DB_ID_MAX, Field, Fields, check_payload, malformed
from coil.extensions import db, socketio

log = logging.getLogger(__name__)

Ack = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], Ack]  # (user or user id, payload)
__all__ = ["DB_ID_MAX", "EVENTS", "Field", "count", "identifier", "malformed", "socket_event"]

# Every registered event and the fields it declares (the payload boundary, and its tests).
EVENTS: dict[str, Fields] = {}


class _Drain:
    """Events running now, and whether the process is shutting down (then new ones are busy)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.draining = False

    def enter(self) -> bool:
        with self.lock:
            if self.draining:
                return False
            self.running += 1
            return True

    def leave(self) -> None:
        with self.lock:
            self.running -= 1


_drain = _Drain()


def drain_events(timeout: float) -> bool:
    """Refuse new events (``busy``: resend elsewhere) and wait for the running ones to answer.

    Returns whether every running event finished within ``timeout`` seconds. A send in the
    group-commit writer's batch is a running event: its ack leaves once the batch committed.
    """
    with _drain.lock:
        _drain.draining = True
    deadline = time.monotonic() + timeout
    while _drain.running and time.monotonic() < deadline:
        socketio.sleep(0.05)
    return _drain.running == 0


def _nobody() -> None:
    return None


# How to find the user behind the current event; set once, at import, by the accounts domain.
_loaders: dict[str, Callable[[], Any]] = {"user": _nobody, "user_id": _nobody}


def socket_user_loader(user: Callable[[], Any], user_id: Callable[[], int | None]) -> None:
    """Register how to load the active user (and just their id) behind the current event."""
    _loaders.update(user=user, user_id=user_id)


def current_socket_user() -> Any:
    """Return the active user behind the current socket event, or None."""
    return _loaders["user"]()


def current_socket_user_id() -> int | None:
    """Return the id of the active user behind the current socket event, or None."""
    user_id: int | None = _loaders["user_id"]()
    return user_id


@contextmanager
def socket_transaction() -> Iterator[None]:
    """Commit a socket event's writes if it succeeds, roll back if not, and free the session.

    Flask's teardown and the request commit hook do not run for socket events.
    """
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        db.session.remove()


def failure(code: str, message: str) -> Ack:
    """Return the error acknowledgement for ``code`` with a human ``message``."""
    return {"ok": False, "error": {"code": code, "message": message}}


def identifier(payload: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    """Return ``payload[key]`` as a database id, or raise ``malformed``."""
    value = payload.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= DB_ID_MAX:
        raise malformed()
    return value


def count(payload: dict[str, Any], key: str, default: int, ceiling: int) -> int:
    """Return a number from 1 to ``ceiling`` from ``payload[key]`` (``default`` when absent).

    Beyond ``ceiling`` is ``malformed``, not quietly capped: the client asked for something
    the protocol does not offer.
    """
    value = payload.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
        raise malformed()
    return value


def socket_event(
    name: str,
    *,
    fields: Fields,
    by_id: bool = False,
    before: Callable[[int], None] | None = None,
) -> Callable[[Handler], Callable[..., Ack]]:
    """Register ``handler`` for the Socket.IO event ``name`` with the shared ack rules.

    ``fields`` declares every payload field the handler reads (:mod:`coil.core.payloads`); the
    payload is checked against it before the handler runs, so a wrong type, an out-of-range
    number or an unstorable text is ``malformed`` and never reaches the database.
    ``before`` runs with the user's id once the user is checked and before the payload is read
    (a rate limit). ``by_id`` handlers get the user's id instead of the loaded user: the check
    against the database is the same, without building a user object.
    """

    def decorate(handler: Handler) -> Callable[..., Ack]:
        @functools.wraps(handler)
        def run(payload: Any = None) -> Ack:
            if not _drain.enter():
                return failure("busy", _("The server is busy. Your message will be sent again."))
            try:
                return answer(payload)
            finally:
                _drain.leave()

        def answer(payload: Any) -> Ack:
            try:
                # Settle the language while the user is loaded: an error message may be
                # translated after the transaction has closed and detached the user.
                get_locale()
                with socket_transaction():
                    user = current_socket_user_id() if by_id else current_socket_user()
                    if user is None:
                        return failure("unauthorized", _("Please log in again."))
                    if by_id:
                        # Checked: give the connection back before anything can wait.
                        db.session.commit()
                    check_payload(payload, fields)
                    if before is not None:
                        before(user if isinstance(user, int) else user.id)
                    result = handler(user, payload)
                return {"ok": True, **result}
            except ServiceError as error:
                return failure(error.code, error.message)
            except (OperationalError, InterfaceError) as error:
                log.error("socket event %s: database unavailable: %s", name, error)
                g._login_user = AnonymousUserMixin()  # choose the language without the database
                return failure("busy", _("The server is briefly unavailable. Try again."))
            except Exception:
                log.exception("socket event %s failed", name)
                return failure("server_error", _("Something went wrong on our side. Try again."))

        EVENTS[name] = fields
        socketio.on_event(name, run)
        return run

    return decorate


@socketio.on("*")
def on_unknown_event(event: Any, *_args: Any) -> Ack:
    """Answer an event the protocol does not have, so that a client waiting for its ack hears."""
    try:
        get_locale()
        with socket_transaction():
            if current_socket_user_id() is None:
                return failure("unauthorized", _("Please log in again."))
        log.info("unknown socket event %.60r", event)
        return failure("unknown_event", _("The server does not know this event."))
    except Exception:
        log.exception("unknown socket event %.60r failed", event)
        return failure("server_error", _("Something went wrong on our side. Try again."))


class _OneLineForBrokenFrames(logging.Filter):
    """Engine.IO logs a frame it cannot decode (broken JSON, nesting too deep for the parser, an
    unknown packet type) with a full traceback; that is the client's fault, so say it in one
    line. Engine.IO drops such a frame and keeps the connection open."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.msg == "message handler error":
            error = record.exc_info[1]
            record.msg = "socket frame dropped: %s: %.120s"
            record.args = (type(error).__name__, str(error))
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


logging.getLogger("engineio.server").addFilter(_OneLineForBrokenFrames())
