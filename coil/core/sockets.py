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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import InterfaceError, OperationalError

from coil.core.errors import ServiceError
from coil.extensions import db, socketio

log = logging.getLogger(__name__)

Ack = dict[str, Any]
Handler = Callable[[Any, dict[str, Any]], Ack]  # (user or user id, payload)
DB_ID_MAX = 2**31 - 1


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


def malformed(what: str | None = None) -> ServiceError:
    """Return the error for a payload that cannot be read."""
    return ServiceError(what or _("The request could not be read."), code="malformed")


def identifier(payload: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    """Return ``payload[key]`` as a database id, or raise ``malformed``."""
    value = payload.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= DB_ID_MAX:
        raise malformed()
    return value


def count(payload: dict[str, Any], key: str, default: int, ceiling: int) -> int:
    """Return a small positive number from ``payload[key]`` (``default`` when absent)."""
    value = payload.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise malformed()
    return min(value, ceiling)


def socket_event(
    name: str, *, by_id: bool = False, before: Callable[[int], None] | None = None
) -> Callable[[Handler], Callable[..., Ack]]:
    """Register ``handler`` for the Socket.IO event ``name`` with the shared ack rules.

    ``before`` runs with the user's id once the user is checked and before the payload is read
    (a rate limit). ``by_id`` handlers get the user's id instead of the loaded user: the check
    against the database is the same, without building a user object.
    """

    def decorate(handler: Handler) -> Callable[..., Ack]:
        @functools.wraps(handler)
        def run(payload: Any = None) -> Ack:
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
                    if not isinstance(payload, dict):
                        raise malformed()
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

        socketio.on_event(name, run)
        return run

    return decorate
