"""A space's tasks, versioned documents and stored files."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User
    from coil.exchanges.models import Exchange
    from coil.teams.models import Team

TASK_STATUSES = ("todo", "doing", "done")


class Space(TimestampMixin, Base):
    """The shared space of a team (``team_id`` set) or of a whole exchange (``team_id`` empty)."""

    __tablename__ = "spaces"
    __table_args__ = (UniqueConstraint("exchange_id", "team_id", name="uq_spaces_exchange_team"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("exchanges.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))

    exchange: Mapped[Exchange] = relationship("Exchange")
    team: Mapped[Team | None] = relationship("Team")


class Task(TimestampMixin, Base):
    """A card on the space's board."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(f"status IN {TASK_STATUSES}", name="status"),
        Index("ix_tasks_space_status", "space_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="todo")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assignee: Mapped[User | None] = relationship("User", foreign_keys=[assignee_id])
    space: Mapped[Space] = relationship("Space")


class Document(TimestampMixin, Base):
    """Shared notes in Markdown; every save is a new version, and nothing is overwritten."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    space: Mapped[Space] = relationship("Space")
    versions: Mapped[list[DocumentVersion]] = relationship(
        "DocumentVersion",
        cascade="all, delete-orphan",
        order_by="DocumentVersion.number",
        back_populates="document",
    )


class DocumentVersion(TimestampMixin, Base):
    """One saved version; ``number`` counts from 1 and a save names the version it edited."""

    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_document_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    restored_from: Mapped[int | None] = mapped_column()  # the version number it restores

    document: Mapped[Document] = relationship("Document", back_populates="versions")
    author: Mapped[User | None] = relationship("User")


class StoredFile(TimestampMixin, Base):
    """An uploaded file; the bytes live in the storage backend under ``storage_key``."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    uploaded_by: Mapped[User | None] = relationship("User")
