"""A per-person limit on live-room writes that holds across server processes.

The ``limits`` library (the one Flask-Limiter is built on) keeps the counters: in memory for one
process, in Redis when ``RATELIMIT_STORAGE_URI`` points there (by default, whenever
``COIL_MESSAGE_QUEUE`` is set), so that two processes share one budget per person.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import gettext as _
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from coil.core.errors import ServiceError

_KEY = "coil_chat_ratelimit"


class ChatLimiter:
    """The configured limits (``CHAT_RATE_LIMIT``, e.g. ``"30 per 10 seconds"``) and storage."""

    def __init__(self, app: Flask) -> None:
        self.items: list[RateLimitItem] = parse_many(app.config["CHAT_RATE_LIMIT"])
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        self.strategy = SlidingWindowCounterRateLimiter(storage)

    def hit(self, user_id: int) -> bool:
        """Count one write by ``user_id``; tell whether it is within every limit."""
        key = f"chat:{user_id}"
        return all(self.strategy.hit(item, key) for item in self.items)

    def reset(self) -> None:
        """Forget every counter (tests)."""
        self.strategy.storage.reset()


def limiter() -> ChatLimiter:
    """Return the application's chat limiter, made on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_KEY)
    if found is None:
        found = app.extensions[_KEY] = ChatLimiter(app)
    return found


def check_rate(user_id: int) -> None:
    """Raise ``rate_limited`` when ``user_id`` writes faster than the configured limit."""
    if not limiter().hit(user_id):
        raise ServiceError(
            _("You are sending messages too fast. Wait a moment and try again."),
            code="rate_limited",
        )
