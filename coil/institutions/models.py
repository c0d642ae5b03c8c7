"""Institutions: the universities that take part, each with its own coordinators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User

STATUSES = ("active", "suspended")


class Institution(TimestampMixin, Base):
    """A university or college; its time zone is the default for its people."""

    __tablename__ = "institutions"
    __table_args__ = (CheckConstraint(f"status IN {STATUSES}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    website: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="active")
    # The city's coordinates (WGS 84 degrees), for the travel-emissions estimate in reports.
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()

    users: Mapped[list[User]] = relationship("User", back_populates="institution")

    @property
    def is_active(self) -> bool:
        """Tell whether the institution can take part (suspended ones cannot log in)."""
        return self.status == "active"

    def __repr__(self) -> str:
        return f"<Institution {self.id} {self.name!r}>"


PARTNER_KINDS = ("allow", "block")


class PartnerRelation(TimestampMixin, Base):
    """A coordinator's decision about a partner: vetted (allow) or not to be matched (block).

    A block from either side keeps two institutions' courses out of each other's matches;
    the reason is kept, because responsible internationalisation means being able to say why.
    """

    __tablename__ = "partner_relations"
    __table_args__ = (
        UniqueConstraint("institution_id", "partner_id", name="uq_partner_relations_pair"),
        CheckConstraint(f"kind IN {PARTNER_KINDS}", name="kind"),
        CheckConstraint("institution_id <> partner_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    institution: Mapped[Institution] = relationship("Institution", foreign_keys=[institution_id])
    partner: Mapped[Institution] = relationship("Institution", foreign_keys=[partner_id])
