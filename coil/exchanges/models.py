"""Exchanges: two to four paired courses running a shared module."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.courses.models import Course

EXCHANGE_STATUSES = ("planned", "running", "finished", "cancelled")
MAX_COURSES = 4


class Exchange(TimestampMixin, Base):
    """A COIL exchange; created when a proposal is accepted, joined by more courses later."""

    __tablename__ = "exchanges"
    __table_args__ = (
        CheckConstraint(f"status IN {EXCHANGE_STATUSES}", name="status"),
        CheckConstraint("end_date >= start_date", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="planned")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    working_language: Mapped[str] = mapped_column(String(8))
    min_level: Mapped[str] = mapped_column(String(2))

    members: Mapped[list[ExchangeCourse]] = relationship(
        "ExchangeCourse",
        cascade="all, delete-orphan",
        order_by="ExchangeCourse.id",
        back_populates="exchange",
    )

    @property
    def courses(self) -> list[Course]:
        """Return the member courses in the order they joined."""
        return [member.course for member in self.members]


class ExchangeCourse(TimestampMixin, Base):
    """A course's membership of an exchange; a course takes part in one exchange at a time."""

    __tablename__ = "exchange_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("exchanges.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )

    exchange: Mapped[Exchange] = relationship("Exchange", back_populates="members")
    course: Mapped[Course] = relationship("Course")
