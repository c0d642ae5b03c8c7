"""Badge definitions and their versions, awarded credentials, and institutions' signing keys."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
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
    from coil.institutions.models import Institution
    from coil.reflections.models import ReflectionEntry

VERSION_STATUSES = ("draft", "submitted", "approved", "rejected")


class Badge(TimestampMixin, Base):
    """A badge an institution offers in one exchange; what it says lives in its versions.

    The issuer is the institution of the lecturer who defined it (with its country).
    """

    __tablename__ = "badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("exchanges.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    exchange: Mapped[Exchange] = relationship("Exchange")
    institution: Mapped[Institution] = relationship("Institution")
    versions: Mapped[list[BadgeVersion]] = relationship(
        "BadgeVersion", order_by="BadgeVersion.number", back_populates="badge"
    )

    @property
    def latest(self) -> BadgeVersion:
        """Return the newest version (a badge always has one)."""
        return self.versions[-1]

    @property
    def current(self) -> BadgeVersion | None:
        """Return the newest approved version: the one awards are made under."""
        approved = [v for v in self.versions if v.status == "approved"]
        return approved[-1] if approved else None


class BadgeVersion(TimestampMixin, Base):
    """One version of a badge: what it certifies, its rules, and the EU micro-credential elements.

    ``rules`` is a list of machine-checkable rules over the ledger (see ``rules.py``);
    ``alignment`` the rubric dimension keys it certifies. Awards keep the version they were
    made under; a changed badge is a new version, approved again by a coordinator.
    """

    __tablename__ = "badge_versions"
    __table_args__ = (UniqueConstraint("badge_id", "number", name="uq_badge_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    image_svg: Mapped[str] = mapped_column(Text)  # generated, always there
    image_png: Mapped[bytes | None] = mapped_column(LargeBinary)  # an upload, re-encoded
    criteria: Mapped[str] = mapped_column(Text)  # the narrative
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    alignment: Mapped[list[str]] = mapped_column(JSON, default=list)
    learning_outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    ects: Mapped[float] = mapped_column(Float)
    eqf_level: Mapped[int | None] = mapped_column()
    assessment_type: Mapped[str] = mapped_column(String(200))
    participation: Mapped[str] = mapped_column(String(200), default="online")
    sync_hours: Mapped[float] = mapped_column(Float, default=0.0)
    async_hours: Mapped[float] = mapped_column(Float, default=0.0)
    quality_assurance: Mapped[str] = mapped_column(String(200))
    valid_months: Mapped[int | None] = mapped_column()  # None: never expires
    status: Mapped[str] = mapped_column(String(10), default="draft")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    badge: Mapped[Badge] = relationship("Badge", back_populates="versions")


class Award(TimestampMixin, Base):
    """A badge version awarded to a student in an exchange: the credential's record.

    Unique per version, student and exchange, so two workers checking at once cannot award
    twice. ``uid`` is the credential's public identifier (its URLs); the student chooses
    whether the badge page shows who earned it (``public``).
    """

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("version_id", "student_id", "exchange_id", name="uq_awards_once"),
        Index("ix_awards_student", "student_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("badge_versions.id", ondelete="RESTRICT"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(String(10))  # "rules" | "manual"
    justification: Mapped[str | None] = mapped_column(Text)
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    public: Mapped[bool] = mapped_column(default=False)
    subject_did: Mapped[str | None] = mapped_column(String(300))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    # what the record showed for each rule when the badge was awarded by the rules
    observed: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    version: Mapped[BadgeVersion] = relationship("BadgeVersion")
    student: Mapped[User] = relationship("User", foreign_keys=[student_id])
    exchange: Mapped[Exchange] = relationship("Exchange")
    evidence: Mapped[list[ReflectionEntry]] = relationship(
        "ReflectionEntry", secondary="award_evidence", order_by="ReflectionEntry.id"
    )


class AwardEvidence(Base):
    """A portfolio entry the holder made public as evidence for one of their badges."""

    __tablename__ = "award_evidence"

    award_id: Mapped[int] = mapped_column(
        ForeignKey("awards.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("reflection_entries.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SigningKey(TimestampMixin, Base):
    """An institution's ES256 key pair; the private half only encrypted (``private_sealed``).

    A rotated key gets ``retired_at`` and stays, so credentials it signed still verify.
    """

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    private_sealed: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
