"""Live sessions, attendance and personal calendar feeds."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User
    from coil.exchanges.models import Exchange
    from coil.teams.models import Team

ATTENDANCE_STATUSES = ("present", "absent", "excused")
ATTENDANCE_SOURCES = ("lecturer", "presence")


class LiveSession(TimestampMixin, Base):
    """A live session of the whole exchange, or of one team; stored in UTC.

    ``timezone`` is the organiser's zone, kept so that the session reads as planned
    ("Tuesdays 14:00 in Amsterdam") and so that calendar files carry it.
    """

    __tablename__ = "live_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="order"),
        Index("ix_live_sessions_exchange_start", "exchange_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(300), default="")  # a room, or a link
    uid: Mapped[str] = mapped_column(String(80), unique=True)  # iCalendar UID, stable
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE, bumped on change
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    exchange: Mapped[Exchange] = relationship("Exchange")
    team: Mapped[Team | None] = relationship("Team")


class Attendance(Base):
    """Whether a person attended a session, and how that is known."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_attendance_user"),
        CheckConstraint(f"status IN {ATTENDANCE_STATUSES}", name="status"),
        CheckConstraint(f"source IN {ATTENDANCE_SOURCES}", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(10), default="lecturer")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Since when the person has been in the session's room without a break (None: not now);
    # each stretch becomes a ledger event with its minutes when it ends.
    present_since: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship("User", foreign_keys=[user_id])
    session: Mapped[LiveSession] = relationship("LiveSession")


class CalendarFeed(TimestampMixin, Base):
    """A secret address for a person's iCalendar feed; only its SHA-256 is stored."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
