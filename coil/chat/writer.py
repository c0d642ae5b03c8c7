"""Group commit for sends: many people's messages stored in one transaction, then acknowledged.

A ``send`` handler hands its message to the process's :class:`Writer` and waits. The writer's
background task takes everything that queued up while the previous batch was committing (up to
``MAX_BATCH``), stores it with :func:`coil.chat.sending.store_messages` in one transaction,
commits, and only then releases the waiting handlers, whose acks carry the stored messages; the
broadcasts go out from the commit hook, so nobody hears of a message before it is durable.
Under light load a batch is one message and nothing waits for company; under heavy load a
commit (and its fsync) is shared by dozens of messages.

If a batch cannot commit (say, another process stored the same client id a moment earlier),
each send is retried alone, so one bad send never fails its neighbours. With
``CHAT_BATCH_WRITES`` off (the test configuration), sends are stored in the handler's own
transaction instead.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_babel import gettext as _

from coil.chat.sending import Outgoing, Result, store_messages
from coil.chat.services import serialise
from coil.core.errors import ServiceError
from coil.extensions import db

log = logging.getLogger(__name__)
MAX_BATCH = 200
MAX_QUEUED = 2000  # sends waiting for a commit; beyond this, refuse with busy
WAIT_SECONDS = 15.0
_KEY = "coil_chat_writer"
_MAKING = threading.Lock()

Stored = dict[str, Any] | ServiceError  # the serialised message, or why it was refused


@dataclass
class _Waiting:
    item: Outgoing
    done: threading.Event = field(default_factory=threading.Event)
    result: Stored | None = None


def _outcome(result: Result) -> Stored:
    if isinstance(result, ServiceError):
        return result
    message, created = result
    return serialise(message, None, staff=False, reactions={} if created else None)


def _failed() -> ServiceError:
    return ServiceError(_("Something went wrong on our side. Try again."), code="server_error")


class Writer:
    """One per process: a queue of sends and the background task that commits them in batches."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue[_Waiting] = queue.Queue()
        self.started = False
        self.batches = 0
        self.stored = 0

    def submit(self, item: Outgoing) -> Stored:
        """Queue ``item`` and wait until its batch has committed; return its outcome."""
        from coil.extensions import socketio

        if not self.started:
            with _MAKING:
                if not self.started:
                    socketio.start_background_task(self.run)
                    self.started = True
        if self.queue.qsize() >= MAX_QUEUED:
            # Overloaded: say so at once rather than let every send wait and time out, so that
            # clients back off and resend (same client id) instead of piling on.
            return ServiceError(
                _("The server is busy. Your message will be sent again."), code="busy"
            )
        waiting = _Waiting(item)
        self.queue.put(waiting)
        if not waiting.done.wait(WAIT_SECONDS) or waiting.result is None:
            # The client resends with the same client id; if the batch did commit, it gets the
            # stored message back then.
            return ServiceError(
                _("The server is busy. Your message will be sent again."), code="busy"
            )
        return waiting.result

    def run(self) -> None:
        """Commit batches forever (a Socket.IO background task)."""
        while True:
            batch = [self.queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            with self.app.app_context():
                try:
                    outcomes = self.write([w.item for w in batch])
                except Exception:
                    log.exception("chat writer: a batch of %d failed", len(batch))
                    outcomes = [_failed()] * len(batch)
            for waiting, outcome in zip(batch, outcomes, strict=True):
                waiting.result = outcome
                waiting.done.set()

    def write(self, items: list[Outgoing]) -> list[Stored]:
        """Store ``items`` in one transaction (or one by one if that fails); return outcomes."""
        try:
            outcomes = [_outcome(r) for r in store_messages(items)]
            db.session.commit()
            self.batches += 1
            self.stored += len(items)
            return outcomes
        except Exception:
            db.session.rollback()
            if len(items) == 1:
                raise
            log.warning(
                "chat writer: batch of %d failed, retrying one by one", len(items), exc_info=True
            )
        finally:
            db.session.remove()
        outcomes = []
        for item in items:
            try:
                outcomes.append(self.write([item])[0])
            except Exception:
                log.exception("chat writer: a send failed on its own")
                outcomes.append(_failed())
        return outcomes


def writer() -> Writer:
    """Return this process's writer, made on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_KEY)
    if found is None:
        with _MAKING:
            found = app.extensions.get(_KEY)
            if found is None:
                found = app.extensions[_KEY] = Writer(app)
    return found  # type: ignore[no-any-return]


def send(item: Outgoing) -> dict[str, Any]:
    """Store one send (batched or in the caller's transaction); return the stored message.

    Raises ``ServiceError`` when the send is refused.
    """
    if current_app.config.get("CHAT_BATCH_WRITES", True):
        outcome = writer().submit(item)
    else:
        (result,) = store_messages([item])
        outcome = _outcome(result)
    if isinstance(outcome, ServiceError):
        raise outcome
    return outcome
