"""The participation ledger: one append-only row per thing a person did in an exchange."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from coil.core.models import TimestampMixin, UTCDateTime
from coil.core.time import utcnow
from coil.extensions import Base

# SQLite only auto-increments an INTEGER PRIMARY KEY; elsewhere the ledger may pass 2**31 rows.
LedgerId = BigInteger().with_variant(Integer(), "sqlite")


class LedgerEvent(Base):
    """Something a person did in an exchange, recorded by the service that did it.

    Never updated in place: a correction is a new event (minutes can be negative). The team,
    course and institution are copied at the time of the event, without foreign keys, so the
    record stays what it was when teams are re-formed. ``subject_id`` is the id of the thing
    the event is about (a message, a task, a document version ...), ``value`` a number to sum
    (minutes present), ``cross_institution`` marks an interaction with someone of another
    institution.
    """

    __tablename__ = "ledger_events"
    __table_args__ = (
        Index("ix_ledger_events_exchange_actor", "exchange_id", "actor_id", "kind", "occurred_at"),
        Index("ix_ledger_events_exchange_kind", "exchange_id", "kind", "occurred_at"),
        Index("ix_ledger_events_subject", "kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(LedgerId, primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column()
    course_id: Mapped[int | None] = mapped_column()
    institution_id: Mapped[int | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    subject_id: Mapped[int | None] = mapped_column(LedgerId)
    value: Mapped[int | None] = mapped_column()
    cross_institution: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EvidenceNotice(TimestampMixin, Base):
    """A student saw what the exchange records about them, and why (``created_at``: when)."""

    __tablename__ = "evidence_notices"
    __table_args__ = (UniqueConstraint("exchange_id", "user_id", name="uq_evidence_notices_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


@event.listens_for(LedgerEvent, "before_update")
def _refuse_update(*_args: Any) -> None:
    raise ValueError("ledger events are append-only: record a correction as a new event")
