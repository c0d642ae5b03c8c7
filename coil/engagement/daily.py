"""The digest inside ``coil serve``: an hourly background task, for sites without a scheduler.

Opt in with ``ENGAGEMENT_DIGEST_IN_SERVER = True`` in the configuration. Every process may run
it: the first to send a lecturer's digest of the day wins, the others find it sent (or lose the
race on the unique ``(user, day)`` row and roll back, notification and all).
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import IntegrityError

from coil.core.time import utcnow
from coil.engagement.services import send_digests
from coil.extensions import db, socketio

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 3600


def digest_once(app: Flask) -> int:
    """Send the day's digests that are not sent yet, in one transaction; return how many."""
    with app.app_context():
        try:
            sent = send_digests(utcnow())
            db.session.commit()
            return sent
        except IntegrityError:  # another process sent them first
            db.session.rollback()
            return 0
        finally:
            db.session.remove()


def digest_forever(app: Flask) -> None:
    """Run :func:`digest_once` every hour (a Socket.IO background task)."""
    while True:
        try:
            digest_once(app)
        except Exception:  # a database restarting must not end the task
            log.exception("engagement digest failed")
        socketio.sleep(INTERVAL_SECONDS)
