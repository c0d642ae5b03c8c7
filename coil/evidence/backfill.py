"""Backfilling the ledger for what happened before it existed (``coil backfill-ledger``).

Each domain that records events knows its own history: it listens for
:data:`backfill_requested` and adds what is missing to the :class:`Backfill` it is handed.
Only things without an event of their kind are added, so running it again adds nothing.
Backfilled events carry ``{"backfilled": true}`` in their payload; the team, course and
institution are today's (what they were then is not known).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from blinker import Namespace
from sqlalchemy import select

from coil.evidence.models import LedgerEvent
from coil.evidence.services import event_row, participants_in, record_rows
from coil.extensions import db

log = logging.getLogger(__name__)
_signals = Namespace()

#: Sent with a :class:`Backfill` as ``into``; receivers add the events their domain misses.
backfill_requested = _signals.signal("ledger-backfill-requested")


@dataclass
class Backfill:
    """Events to add, collected from every domain and written together."""

    pending: list[tuple[str, int, int, dict[str, Any]]] = field(default_factory=list)

    def recorded(self, kind: str) -> set[int]:
        """Return the subjects that already have an event of ``kind``."""
        return set(
            db.session.scalars(
                select(LedgerEvent.subject_id).where(
                    LedgerEvent.kind == kind, LedgerEvent.subject_id.is_not(None)
                )
            )
        )

    def add(
        self,
        kind: str,
        exchange_id: int,
        user_id: int | None,
        *,
        subject_id: int,
        occurred_at: datetime,
        value: int | None = None,
        cross: bool = False,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Add one event (people who are not active students of the exchange are skipped)."""
        if user_id is None:
            return
        values = {
            "subject_id": subject_id,
            "occurred_at": occurred_at,
            "value": value,
            "cross": cross,
            "payload": {**(payload or {}), "backfilled": True},
        }
        self.pending.append((kind, exchange_id, user_id, values))

    def write(self) -> Counter[str]:
        """Append the collected events of active students; return how many of each kind."""
        people = participants_in({p[1] for p in self.pending}, {p[2] for p in self.pending})
        rows, written = [], Counter[str]()
        for kind, exchange_id, user_id, values in sorted(
            self.pending, key=lambda p: p[3]["occurred_at"]
        ):
            who = people.get((exchange_id, user_id))
            if who is not None:
                rows.append(event_row(kind, exchange_id, who, **values))
                written[kind] += 1
        for start in range(0, len(rows), 1000):
            record_rows(rows[start : start + 1000])
        return written


def backfill() -> Counter[str]:
    """Add the events every domain misses; return how many of each kind were added."""
    collected = Backfill()
    backfill_requested.send(None, into=collected)
    written = collected.write()
    log.info("ledger backfill: %s", dict(written) or "nothing to add")
    return written
