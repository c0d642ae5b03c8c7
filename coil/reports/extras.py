"""What the ledger's payloads add to a record, read once per exchange: rubric levels before
and after (``self_assessment.completed``), the lecturer's rating (``rating.received``), the
peer-evaluation average received (``peer_evaluation.given``), and badges (``badge.awarded``).

The payload contract is shared with the assessment and credentials domains: stage and levels
per dimension for self-assessments, levels for ratings, ``{"scores": {ratee id: mean}}`` for
peer evaluations, ``{"badge": name}`` for badges. A later event replaces an earlier one of the
same kind and stage (a student who redoes the post self-assessment counts once, with the new
levels); a malformed payload is skipped rather than failing a whole export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from sqlalchemy import select

from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.extensions import db
from coil.reports.record import Record

KINDS = (
    kinds.SELF_ASSESSMENT,
    kinds.RATING_RECEIVED,
    kinds.PEER_EVALUATION,
    kinds.BADGE_AWARDED,
)


def _levels(payload: Any) -> dict[str, float]:
    levels = payload.get("levels") if isinstance(payload, dict) else None
    if not isinstance(levels, dict):
        return {}
    return {
        str(key): float(level)
        for key, level in levels.items()
        if isinstance(level, int | float) and not isinstance(level, bool)
    }


@dataclass
class ExchangeExtras:
    """The payload figures of one exchange, per student."""

    exchange_id: int
    pre: dict[int, dict[str, float]] = field(default_factory=dict)
    post: dict[int, dict[str, float]] = field(default_factory=dict)
    rating: dict[int, dict[str, float]] = field(default_factory=dict)
    peer: dict[int, dict[int, float]] = field(default_factory=dict)  # ratee -> rater -> score
    given: dict[int, int] = field(default_factory=dict)  # rater -> evaluations given
    badges: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, exchange_id: int) -> ExchangeExtras:
        """Read the exchange's assessment and badge events (in the order they happened)."""
        extras = cls(exchange_id)
        rows = db.session.execute(
            select(LedgerEvent.kind, LedgerEvent.actor_id, LedgerEvent.payload)
            .where(LedgerEvent.exchange_id == exchange_id, LedgerEvent.kind.in_(KINDS))
            .order_by(LedgerEvent.occurred_at, LedgerEvent.id)
        )
        for kind, actor, payload in rows:
            extras.add(kind, actor, payload if isinstance(payload, dict) else {})
        return extras

    def add(self, kind: str, actor: int, payload: dict[str, Any]) -> None:
        """Take one event into account."""
        if kind == kinds.SELF_ASSESSMENT:
            stage = payload.get("stage")
            if stage in ("pre", "post"):
                (self.pre if stage == "pre" else self.post)[actor] = _levels(payload)
        elif kind == kinds.RATING_RECEIVED:
            self.rating[actor] = _levels(payload)
        elif kind == kinds.PEER_EVALUATION:
            scores = payload.get("scores")
            if isinstance(scores, dict):
                self.given[actor] = self.given.get(actor, 0) + 1
                for ratee, score in scores.items():
                    if isinstance(score, int | float) and str(ratee).isdigit():
                        self.peer.setdefault(int(ratee), {})[actor] = float(score)
        elif kind == kinds.BADGE_AWARDED:
            name = payload.get("badge")
            if isinstance(name, str) and name:
                self.badges.setdefault(actor, []).append(name)

    def fill(self, record: Record) -> None:
        """Put the student's payload figures on ``record``."""
        user = record.user_id
        record.pre = self.pre.get(user, {})
        record.post = self.post.get(user, {})
        record.rating = self.rating.get(user, {})
        received = self.peer.get(user)
        record.peer_average = round(fmean(received.values()), 2) if received else None
        record.peer_evaluations_given = self.given.get(user, 0)
        record.badges = list(self.badges.get(user, []))
