"""Column types and mixins shared by every domain's models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from coil.core.time import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC; SQLite drops the offset, so restore it on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TimestampMixin:
    """Add ``created_at`` set on insert, in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def sync_keyed(
    collection: list[Any], wanted: dict[str, str], key: str, value: str, make: Any
) -> None:
    """Make a one-to-many ``collection`` hold exactly ``wanted`` (key -> value).

    Rows whose key stays are updated in place (no delete and re-insert, so their ids survive),
    rows whose key goes are removed, and ``make(key, value)`` builds the new ones.
    """
    remaining = dict(wanted)
    for row in list(collection):
        if getattr(row, key) not in remaining:
            collection.remove(row)
        else:
            setattr(row, value, remaining.pop(getattr(row, key)))
    collection.extend(make(k, v) for k, v in remaining.items())
