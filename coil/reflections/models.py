"""Reflection prompts, students' journal entries, their submitted versions, and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.core.time import utcnow
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User
    from coil.exchanges.models import Exchange, ExchangePhase

Texts = dict[str, str]  # language code -> text, as rubrics store theirs


class ReflectionPrompt(TimestampMixin, Base):
    """A question students reflect on in one phase, about some of the rubric's dimensions.

    ``texts`` holds the prompt per language (a starter brings English, Dutch and Spanish; a
    lecturer's own prompt the languages they wrote). ``due_at`` is the moment it is due, in
    UTC; ``due_timezone`` the zone the lecturer entered it in, so that the form shows the same
    wall-clock time when they edit it. A phase removed from the exchange leaves its prompts
    without a phase.
    """

    __tablename__ = "reflection_prompts"
    __table_args__ = (Index("ix_reflection_prompts_exchange", "exchange_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    phase_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_phases.id", ondelete="SET NULL")
    )
    texts: Mapped[Texts] = mapped_column(JSON, default=dict)
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)  # rubric dimension keys
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_timezone: Mapped[str] = mapped_column(String(64))
    # The starter it was copied from, if any: a starter is picked once per exchange.
    starter: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    exchange: Mapped[Exchange] = relationship("Exchange")
    phase: Mapped[ExchangePhase | None] = relationship("ExchangePhase")


class ReflectionEntry(TimestampMixin, Base):
    """One student's entry for one prompt: a draft being written, and the versions submitted.

    ``draft`` is text not submitted yet (None when nothing is pending). ``shared`` lets the
    student's published team read the submitted text; ``in_portfolio`` marks the entry for the
    student's portfolio page.
    """

    __tablename__ = "reflection_entries"
    __table_args__ = (
        UniqueConstraint("prompt_id", "author_id", name="uq_reflection_entries_author"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("reflection_prompts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    draft: Mapped[str | None] = mapped_column(Text)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shared: Mapped[bool] = mapped_column(default=False)
    in_portfolio: Mapped[bool] = mapped_column(default=False)

    prompt: Mapped[ReflectionPrompt] = relationship("ReflectionPrompt")
    author: Mapped[User] = relationship("User")
    versions: Mapped[list[ReflectionVersion]] = relationship(
        "ReflectionVersion",
        order_by="ReflectionVersion.number",
        back_populates="entry",
        passive_deletes=True,
    )

    @property
    def latest(self) -> ReflectionVersion | None:
        """Return the newest submitted version, if any."""
        return self.versions[-1] if self.versions else None


class ReflectionVersion(Base):
    """A submitted text, numbered from 1 per entry; never changed once stored."""

    __tablename__ = "reflection_versions"
    __table_args__ = (UniqueConstraint("entry_id", "number", name="uq_reflection_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("reflection_entries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[ReflectionEntry] = relationship("ReflectionEntry", back_populates="versions")
    feedback: Mapped[list[ReflectionFeedback]] = relationship(
        "ReflectionFeedback",
        order_by="ReflectionFeedback.id",
        back_populates="version",
        passive_deletes=True,
    )


class ReflectionFeedback(TimestampMixin, Base):
    """A lecturer's written feedback on one submitted version."""

    __tablename__ = "reflection_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("reflection_versions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)

    version: Mapped[ReflectionVersion] = relationship(
        "ReflectionVersion", back_populates="feedback"
    )
    author: Mapped[User | None] = relationship("User")


@event.listens_for(ReflectionVersion, "before_update")
def _refuse_update(_mapper: Any, connection: Any, target: ReflectionVersion) -> None:
    # Feedback added to a version marks it dirty without changing a column: only a changed
    # column is a change to what was submitted.
    session = Session.object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        raise ValueError("a submitted version is never changed: submit a new version instead")
