"""A short, growing delay on log-ins to one account after repeated failures.

The per-address limit (``LOGIN_RATE_LIMIT`` on the view) stops one machine guessing at many
accounts; this stops many machines guessing at one. It must not let a stranger lock the owner
out for long, so it never locks: after ``LOGIN_FREE_FAILURES`` failures within
``FAILURE_WINDOW`` seconds each further failure makes the account wait 1, 2, 4 … seconds before
the next attempt, at most ``LOGIN_MAX_DELAY`` seconds. Counters live in the rate limiter's
storage (Redis in production, so every server process shares them) under a digest of the
normalised address, known or not, so the delay reveals nothing about which accounts exist.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import current_app
from limits.storage import Storage

from coil.accounts.services import normalise_email
from coil.extensions import limiter

FAILURE_WINDOW = 15 * 60


def account_delay(failures: int, free: int, longest: int) -> int:
    """Return the seconds to wait after ``failures`` failures in a row (0 for the first few)."""
    if failures < free:
        return 0
    return int(min(2 ** (failures - free), longest))


def _keys(email: str) -> tuple[str, str]:
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
    return f"coil/login-failures/{digest}", f"coil/login-wait/{digest}"


def _storage() -> Storage:
    return limiter.storage


def seconds_to_wait(email: str) -> int:
    """Return how long log-ins to ``email`` must still wait (0: go ahead)."""
    _failures, wait = _keys(email)
    storage = _storage()
    if not storage.get(wait):
        return 0
    return max(1, math.ceil(storage.get_expiry(wait) - time.time()))


def record_failure(email: str) -> int:
    """Count a failed log-in to ``email`` and return the delay it now imposes."""
    failures, wait = _keys(email)
    storage = _storage()
    count = storage.incr(failures, FAILURE_WINDOW)
    config = current_app.config
    delay = account_delay(count, config["LOGIN_FREE_FAILURES"], config["LOGIN_MAX_DELAY"])
    if delay:
        storage.clear(wait)
        storage.incr(wait, delay)
    return delay


def clear_failures(email: str) -> None:
    """Forget the failures of ``email`` after its owner logged in."""
    for key in _keys(email):
        _storage().clear(key)
