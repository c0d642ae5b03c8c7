"""Proposals between courses, their conversation and their collaboration agreement."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User
    from coil.courses.models import Course
    from coil.exchanges.models import Exchange

PROPOSAL_STATUSES = ("pending", "accepted", "declined", "withdrawn")

# The collaboration agreement both lecturers fill in; keys are stable, labels are translated.
AGREEMENT_KEYS = (
    "working_language",
    "exchange_dates",
    "sync_sessions",
    "assessment",
    "tools",
    "dropout",
)


class Proposal(TimestampMixin, Base):
    """One lecturer's proposal to pair their course with another institution's course.

    When ``exchange_id`` is set, the proposal invites the target course into an existing
    exchange (a third or fourth course) instead of starting a new one.
    """

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(f"status IN {PROPOSAL_STATUSES}", name="status"),
        CheckConstraint("from_course_id <> to_course_id", name="not_self"),
        Index("ix_proposals_to_status", "to_course_id", "status"),
        Index("ix_proposals_from_status", "from_course_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    to_course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    exchange_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchanges.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decline_reason: Mapped[str | None] = mapped_column(Text)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whether each side agrees that the partner institutions' reports name its students
    # (both must agree; otherwise partner students appear under a pseudonym).
    identities_by_proposer: Mapped[bool] = mapped_column(default=False)
    identities_by_recipient: Mapped[bool] = mapped_column(default=False)

    from_course: Mapped[Course] = relationship("Course", foreign_keys=[from_course_id])
    to_course: Mapped[Course] = relationship("Course", foreign_keys=[to_course_id])
    exchange: Mapped[Exchange | None] = relationship("Exchange", foreign_keys=[exchange_id])
    created_by: Mapped[User | None] = relationship("User", foreign_keys=[created_by_id])
    messages: Mapped[list[ProposalMessage]] = relationship(
        "ProposalMessage", cascade="all, delete-orphan", order_by="ProposalMessage.id"
    )
    agreement: Mapped[list[AgreementItem]] = relationship(
        "AgreementItem", cascade="all, delete-orphan", order_by="AgreementItem.id"
    )

    @property
    def shares_identities(self) -> bool:
        """Tell whether both sides agree that partners' reports name each other's students."""
        return self.identities_by_proposer and self.identities_by_recipient


class ProposalMessage(TimestampMixin, Base):
    """A reply in a proposal's conversation."""

    __tablename__ = "proposal_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[User | None] = relationship("User")


class AgreementItem(Base):
    """One point of the collaboration agreement; resolved when both sides have confirmed it.

    Editing the text clears the other side's confirmation, so nobody agrees to a text they
    have not seen.
    """

    __tablename__ = "agreement_items"
    __table_args__ = (UniqueConstraint("proposal_id", "key", name="uq_agreement_items_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    confirmed_by_proposer: Mapped[bool] = mapped_column(default=False)
    confirmed_by_recipient: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def resolved(self) -> bool:
        """Tell whether the item has text both sides have confirmed."""
        return (
            bool(self.text.strip()) and self.confirmed_by_proposer and self.confirmed_by_recipient
        )
