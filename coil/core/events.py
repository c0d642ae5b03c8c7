"""After-commit side effects: live events and mail go out only once the data is durable.

Services call :func:`notify` or :func:`send_mail_after_commit`; nothing leaves the process until
the surrounding transaction commits, and a rollback discards the queue. Every live event has a
``type`` and an ``op``; rooms follow one rule: ``user:{id}``, ``institution:{id}``,
``exchange:{id}``, ``team:{id}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction

log = logging.getLogger(__name__)
_KEY = "coil_after_commit"


def _queue(session: Session) -> list[Callable[[], None]]:
    return session.info.setdefault(_KEY, [])


def after_commit(action: Callable[[], None]) -> None:
    """Run ``action`` once the current transaction of ``db.session`` commits."""
    from coil.extensions import db

    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, too, is an event that clears the queue
    _queue(session).append(action)


def notify(event_type: str, op: str, payload: dict[str, Any], rooms: list[str]) -> None:
    """Queue a Socket.IO event for ``rooms``, sent after commit."""
    from coil.extensions import socketio

    data = {"type": event_type, "op": op, **payload}

    def emit() -> None:
        for room in rooms:
            socketio.emit(event_type, data, to=room)

    after_commit(emit)


def send_mail_after_commit(message: Any) -> None:
    """Queue a flask-mailman message, sent after commit."""

    def send() -> None:
        try:
            message.send()
        except Exception:  # a mail server outage must not undo a committed change
            log.exception("could not send mail to %s", message.to)

    after_commit(send)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    actions = session.info.pop(_KEY, [])
    for action in actions:
        action()


@event.listens_for(Session, "after_soft_rollback")
def _discard_on_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:
        session.info.pop(_KEY, None)
