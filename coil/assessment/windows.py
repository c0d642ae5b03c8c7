"""When each assessment is open: pre with the exchange's first phase, post and the peer
evaluation with its last, each from the phase's first day to its last (UTC dates), or until
the moment a lecturer reopened it to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from coil.assessment.models import PRE, AssessmentWindow
from coil.core.time import utcnow
from coil.exchanges.models import Exchange
from coil.exchanges.services import default_phases
from coil.extensions import db


@dataclass(frozen=True)
class Window:
    """One window of one exchange: its phase's dates, and a reopening, if any."""

    kind: str  # pre | post | peers
    opens: date
    closes: date  # the last day it is open (inclusive)
    reopened_until: datetime | None

    def is_open(self, now: datetime | None = None) -> bool:
        """Tell whether the window takes submissions at ``now``."""
        now = now or utcnow()
        if self.reopened_until is not None and now < self.reopened_until:
            return True
        return self.opens <= now.date() <= self.closes

    def not_yet(self, now: datetime | None = None) -> bool:
        """Tell whether the window has still to open."""
        return (now or utcnow()).date() < self.opens and not self.is_open(now)


def _phase_dates(exchange: Exchange, kind: str) -> tuple[date, date]:
    phases = sorted(exchange.phases, key=lambda p: p.position)
    if phases:
        phase = phases[0] if kind == PRE else phases[-1]
        return phase.start_date, phase.end_date
    planned = default_phases(exchange.start_date, exchange.end_date)
    chosen = planned[0] if kind == PRE else planned[-1]
    return chosen.start_date, chosen.end_date


def window(exchange: Exchange, kind: str) -> Window:
    """Return the window ``kind`` of ``exchange``."""
    reopened = db.session.scalar(
        select(AssessmentWindow.reopened_until).where(
            AssessmentWindow.exchange_id == exchange.id, AssessmentWindow.kind == kind
        )
    )
    opens, closes = _phase_dates(exchange, kind)
    return Window(kind, opens, closes, reopened)
