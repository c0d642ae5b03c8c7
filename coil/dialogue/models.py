"""Prompt cards and their draws in rooms; speaking rounds and their turns."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.core.time import utcnow
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User
    from coil.chat.models import Room
    from coil.exchanges.models import Exchange, ExchangePhase

PROMPT_KINDS = ("icebreaker", "comparison", "reflection")
MIN_TURN_SECONDS = 30
MAX_TURN_SECONDS = 600
DEFAULT_TURN_SECONDS = 120
_OPEN = text("ended_at IS NULL")


class PromptCard(TimestampMixin, Base):
    """A question the lecturers wrote (or picked from the library) for one phase, or for any."""

    __tablename__ = "prompt_cards"
    __table_args__ = (
        CheckConstraint(f"kind IN {PROMPT_KINDS}", name="kind"),
        Index("ix_prompt_cards_exchange", "exchange_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    # No phase: the card belongs to every phase.
    phase_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_phases.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    # The library entry the card was copied from, if any: a card is picked once per exchange.
    starter: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    exchange: Mapped[Exchange] = relationship("Exchange")
    phase: Mapped[ExchangePhase | None] = relationship("ExchangePhase")


class PromptDraw(Base):
    """A card drawn in a room: what the conversation was about, and when."""

    __tablename__ = "prompt_draws"
    __table_args__ = (Index("ix_prompt_draws_room", "room_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(
        ForeignKey("prompt_cards.id", ondelete="CASCADE"), index=True
    )
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    card: Mapped[PromptCard] = relationship("PromptCard")
    drawn_by: Mapped[User | None] = relationship("User")


class SpeakingRound(TimestampMixin, Base):
    """A round-robin speaking order in a room; at most one per room is open (``ended_at`` NULL).

    ``speakers`` holds user ids in speaking order; ``turn_index`` points at the one speaking,
    whose turn ends at ``turn_started_at + turn_seconds`` (clients count down locally; the
    server checks that deadline when someone other than the speaker moves the round on).
    """

    __tablename__ = "speaking_rounds"
    __table_args__ = (
        CheckConstraint(
            f"turn_seconds BETWEEN {MIN_TURN_SECONDS} AND {MAX_TURN_SECONDS}", name="turn_seconds"
        ),
        CheckConstraint("turn_index >= 0", name="turn_index"),
        Index(
            "uq_speaking_rounds_open_room",
            "room_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    turn_seconds: Mapped[int] = mapped_column(default=DEFAULT_TURN_SECONDS)
    speakers: Mapped[list[int]] = mapped_column(JSON, default=list)
    turn_index: Mapped[int] = mapped_column(default=0)
    turn_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    room: Mapped[Room] = relationship("Room")
    started_by: Mapped[User | None] = relationship("User")
    turns: Mapped[list[SpeakingTurn]] = relationship(
        "SpeakingTurn",
        cascade="all, delete-orphan",
        order_by="SpeakingTurn.position",
        back_populates="round",
    )


class SpeakingTurn(Base):
    """One person's turn in a round: participation evidence (spoke, or passed)."""

    __tablename__ = "speaking_turns"
    __table_args__ = (Index("ix_speaking_turns_round", "round_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("speaking_rounds.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    passed: Mapped[bool] = mapped_column(default=False)

    round: Mapped[SpeakingRound] = relationship("SpeakingRound", back_populates="turns")
