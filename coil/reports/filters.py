"""What the dashboard and an export cover: the filters, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coil.core.time import utcnow


def _today() -> date:
    return utcnow().date()


@dataclass(frozen=True)
class Filters:
    """What the dashboard and an export cover; ``institution_id`` None means every one."""

    institution_id: int | None
    date_from: date | None = None
    date_to: date | None = None
    course_id: int | None = None
    exchange_id: int | None = None
    partner_country: str | None = None
    faculty: str | None = None  # of the scope's courses
    programme: str | None = None
    owner_id: int | None = None  # a lecturer: only exchanges their own courses take part in
    as_of: date = field(default_factory=lambda: _today())

    def as_dict(self) -> dict[str, Any]:
        """Return the filters as JSON-ready data (stored with an export job)."""
        return {
            "institution_id": self.institution_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "course_id": self.course_id,
            "exchange_id": self.exchange_id,
            "partner_country": self.partner_country,
            "faculty": self.faculty,
            "programme": self.programme,
            "owner_id": self.owner_id,
            "as_of": self.as_of.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        """Rebuild filters stored with :meth:`as_dict`."""

        def day(key: str) -> date | None:
            return date.fromisoformat(data[key]) if data.get(key) else None

        return cls(
            institution_id=data.get("institution_id"),
            date_from=day("date_from"),
            date_to=day("date_to"),
            course_id=data.get("course_id"),
            exchange_id=data.get("exchange_id"),
            partner_country=data.get("partner_country"),
            faculty=data.get("faculty"),
            programme=data.get("programme"),
            owner_id=data.get("owner_id"),
            as_of=day("as_of") or _today(),
        )
