"""Time helpers: everything is stored as timezone-aware UTC and converted at the edge."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def all_timezones() -> frozenset[str]:
    """Return the IANA time zone names this machine knows (from tzdata)."""
    return frozenset(available_timezones())


def is_timezone(name: str | None) -> bool:
    """Tell whether ``name`` is a known IANA time zone."""
    if not name or name not in all_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local(dt: datetime, tz: str) -> datetime:
    """Convert an aware datetime to the named zone (UTC when the zone is unknown)."""
    return dt.astimezone(ZoneInfo(tz) if is_timezone(tz) else UTC)
