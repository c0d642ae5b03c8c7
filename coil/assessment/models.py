"""Self-assessments, lecturers' ratings, peer evaluations, and the windows and settings of an
exchange's assessment."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User

Levels = dict[str, int]  # dimension key -> level

PRE, POST, PEERS = "pre", "post", "peers"
STAGES = (PRE, POST)
WINDOWS = (PRE, POST, PEERS)


class SelfAssessment(TimestampMixin, Base):
    """A student's levels on the exchange's rubric, once before (pre) and once after (post)."""

    __tablename__ = "self_assessments"
    __table_args__ = (
        UniqueConstraint("exchange_id", "student_id", "stage", name="uq_self_assessments_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(4))  # pre | post
    levels: Mapped[Levels] = mapped_column(JSON, default=dict)


class LecturerRating(TimestampMixin, Base):
    """A lecturer's levels for one student on the exchange's rubric, with a note.

    ``slot`` makes a second rating impossible even when two requests race: ``u:<rater id>``
    (each lecturer rates a student once) or, when the exchange asks for one rating per member
    institution, ``i:<institution id>`` (one rating per institution and student).
    """

    __tablename__ = "lecturer_ratings"
    __table_args__ = (
        UniqueConstraint("exchange_id", "student_id", "slot", name="uq_lecturer_ratings_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rater_institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="SET NULL")
    )
    slot: Mapped[str] = mapped_column(String(24))
    levels: Mapped[Levels] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")

    rater: Mapped[User | None] = relationship("User", foreign_keys=[rater_id])


class PeerEvaluation(TimestampMixin, Base):
    """One student's evaluation of their teammates (and of themself, kept apart), given once."""

    __tablename__ = "peer_evaluations"
    __table_args__ = (
        UniqueConstraint("exchange_id", "rater_id", name="uq_peer_evaluations_rater"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    self_scores: Mapped[Levels] = mapped_column(JSON, default=dict)  # CATME's self-rating

    scores: Mapped[list[PeerScore]] = relationship(
        "PeerScore", back_populates="evaluation", passive_deletes=True, order_by="PeerScore.id"
    )


class PeerScore(Base):
    """The scores (1-5 on each CATME dimension) one rater gave one teammate."""

    __tablename__ = "peer_scores"
    __table_args__ = (UniqueConstraint("evaluation_id", "ratee_id", name="uq_peer_scores_ratee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("peer_evaluations.id", ondelete="CASCADE")
    )
    ratee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    levels: Mapped[Levels] = mapped_column(JSON, default=dict)

    evaluation: Mapped[PeerEvaluation] = relationship("PeerEvaluation", back_populates="scores")


class AssessmentWindow(Base):
    """A window a lecturer reopened: open again until ``reopened_until`` (UTC)."""

    __tablename__ = "assessment_windows"
    __table_args__ = (UniqueConstraint("exchange_id", "kind", name="uq_assessment_windows_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # pre | post | peers
    reopened_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class AssessmentSettings(Base):
    """How an exchange assesses: whether it asks for one rating per member institution."""

    __tablename__ = "assessment_settings"

    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("exchanges.id", ondelete="CASCADE"), primary_key=True
    )
    per_institution: Mapped[bool] = mapped_column(default=False)
