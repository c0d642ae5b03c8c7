"""Rooms, their messages, read markers and reactions."""

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

ROOM_KINDS = ("exchange", "team", "topic")


class Room(TimestampMixin, Base):
    """A conversation of a whole exchange, of one team (``team_id`` set), or on a topic."""

    __tablename__ = "rooms"
    __table_args__ = (CheckConstraint(f"kind IN {ROOM_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("exchanges.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120), default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    exchange: Mapped[Exchange] = relationship("Exchange")
    team: Mapped[Team | None] = relationship("Team")


class Message(TimestampMixin, Base):
    """A message; ``client_id`` makes a resend by the same author return the stored one."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("author_id", "client_id", name="uq_messages_author_client"),
        Index("ix_messages_room", "room_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    client_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A lecturer's removal hides the message from students but keeps it for the audit trail.
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    room: Mapped[Room] = relationship("Room")
    author: Mapped[User | None] = relationship("User", foreign_keys=[author_id])


class RoomRead(Base):
    """The last message a person has read in a room, for unread counts."""

    __tablename__ = "room_reads"
    __table_args__ = (UniqueConstraint("room_id", "user_id", name="uq_room_reads_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_read_message_id: Mapped[int] = mapped_column(default=0)


class Reaction(Base):
    """One person's emoji on one message."""

    __tablename__ = "reactions"
    __table_args__ = (
        UniqueConstraint("message_id", "user_id", "emoji", name="uq_reactions_user_emoji"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    emoji: Mapped[str] = mapped_column(String(16))
