"""Per-exchange engagement settings, and which digests were sent (one per lecturer per day)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coil.core.models import TimestampMixin
from coil.extensions import Base

DEFAULT_INACTIVITY_DAYS = 7


class EngagementSetting(TimestampMixin, Base):
    """What the exchange's lecturers chose: after how many quiet days a student is flagged."""

    __tablename__ = "engagement_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("exchanges.id", ondelete="CASCADE"), unique=True
    )
    inactivity_days: Mapped[int] = mapped_column(default=DEFAULT_INACTIVITY_DAYS)


class DigestSent(TimestampMixin, Base):
    """A lecturer got the engagement digest of ``day`` (so a second run that day sends none)."""

    __tablename__ = "engagement_digests"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_engagement_digests_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    warnings: Mapped[int] = mapped_column(default=0)
