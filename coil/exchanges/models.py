"""Exchanges: two to four paired courses running a shared module."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User
    from coil.courses.models import Course
    from coil.teams.models import Team

EXCHANGE_STATUSES = ("planned", "running", "finished", "cancelled")
# The usual phases of a COIL module, in order; lecturers may rename and re-date them.
DEFAULT_PHASES = ("icebreaker", "comparison", "collaboration", "reflection")
ENROLMENT_STATUSES = ("active", "dropped")
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
    # Team formation settings, chosen by the lecturers together.
    team_size: Mapped[int] = mapped_column(default=4)
    min_shared_hours: Mapped[float] = mapped_column(Numeric(3, 1, asdecimal=False), default=1.0)
    team_weights: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    teams_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    members: Mapped[list[ExchangeCourse]] = relationship(
        "ExchangeCourse",
        cascade="all, delete-orphan",
        order_by="ExchangeCourse.id",
        back_populates="exchange",
    )
    phases: Mapped[list[ExchangePhase]] = relationship(
        "ExchangePhase", cascade="all, delete-orphan", order_by="ExchangePhase.position"
    )
    teams: Mapped[list[Team]] = relationship(
        "Team", cascade="all, delete-orphan", order_by="Team.number", back_populates="exchange"
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


class ExchangePhase(Base):
    """A phase of the module (getting to know each other, comparison, collaboration, reflection)."""

    __tablename__ = "exchange_phases"
    __table_args__ = (
        UniqueConstraint("exchange_id", "position", name="uq_exchange_phases_position"),
        CheckConstraint("end_date >= start_date", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    key: Mapped[str] = mapped_column(String(32))  # one of DEFAULT_PHASES, or "custom"
    title: Mapped[str] = mapped_column(String(120), default="")  # empty: the key's translation
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class Enrolment(TimestampMixin, Base):
    """A student's place in one member course of an exchange."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("exchange_id", "user_id", name="uq_enrolments_exchange_user"),
        CheckConstraint(f"status IN {ENROLMENT_STATUSES}", name="status"),
        Index("ix_enrolments_course", "course_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    student_number: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="active")
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship("User")
    course: Mapped[Course] = relationship("Course")


class ExchangeAttribute(Base):
    """A self-described attribute the lecturers chose to use for teams (never required)."""

    __tablename__ = "exchange_attributes"
    __table_args__ = (UniqueConstraint("exchange_id", "key", name="uq_exchange_attributes_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: free text
    mode: Mapped[str] = mapped_column(String(8), default="spread")  # spread | group
    weight: Mapped[float] = mapped_column(default=1.0)


class AttributeAnswer(Base):
    """A student's answer to one exchange attribute."""

    __tablename__ = "attribute_answers"
    __table_args__ = (
        UniqueConstraint("attribute_id", "user_id", name="uq_attribute_answers_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_attributes.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(120))
