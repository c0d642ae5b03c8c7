"""Course profiles: what a lecturer describes once so that partner courses can be matched."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.core.reference import CEFR_LEVELS
from coil.core.time import utcnow
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User
    from coil.institutions.models import Institution

COURSE_STATUSES = ("draft", "open", "paired", "closed")
DISCIPLINE_PREFERENCES = ("same", "different", "any")


class Course(TimestampMixin, Base):
    """A course profile. Lists and structured parts (meetings, blocked weeks) are JSON.

    ``prepared`` holds the matching engine's precomputed form (``match_profile.dump``) and
    ``version`` changes with every save, so that ranking can cache prepared forms per process
    and still never use a stale one.
    """

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(f"status IN {COURSE_STATUSES}", name="status"),
        CheckConstraint(f"discipline_preference IN {DISCIPLINE_PREFERENCES}", name="discipline"),
        CheckConstraint("eqf_level BETWEEN 5 AND 8", name="eqf_level"),
        CheckConstraint("expected_students >= 1", name="students"),
        CheckConstraint("exchange_weeks BETWEEN 1 AND 52", name="weeks"),
        CheckConstraint("last_day >= first_day", name="period"),
        # The SQL pre-filter of matching reads only this index (a covering index): open courses
        # whose teaching period can overlap, with the version that keys the prepared-form cache.
        Index("ix_courses_open_period", "status", "first_day", "last_day", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    faculty: Mapped[str | None] = mapped_column(String(120))  # optional, for coordinators' reports
    programme: Mapped[str | None] = mapped_column(String(120))
    isced_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    eqf_level: Mapped[int] = mapped_column(default=6)
    instruction_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    blocked_periods: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64))
    meetings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    expected_students: Mapped[int] = mapped_column(default=25)
    exchange_weeks: Mapped[int] = mapped_column(default=6)
    sync_hours_per_week: Mapped[float] = mapped_column(Numeric(4, 1, asdecimal=False), default=1.5)
    preferred_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    sdgs: Mapped[list[int]] = mapped_column(JSON, default=list)
    learning_outcomes: Mapped[str] = mapped_column(Text, default="")
    outcome_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    discipline_preference: Mapped[str] = mapped_column(String(10), default="any")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    prepared: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    institution: Mapped[Institution] = relationship("Institution")
    owner: Mapped[User] = relationship("User")
    working_languages: Mapped[list[CourseLanguage]] = relationship(
        "CourseLanguage",
        cascade="all, delete-orphan",
        order_by="CourseLanguage.language",
        back_populates="course",
    )

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.title!r}>"


class CourseLanguage(Base):
    """A working language a course offers for the exchange, with the minimum CEFR level.

    A table rather than JSON so that the matching pre-filter can select on it in SQL.
    """

    __tablename__ = "course_languages"
    __table_args__ = (
        UniqueConstraint("course_id", "language", name="uq_course_languages_course_language"),
        CheckConstraint(f"min_level IN {CEFR_LEVELS}", name="level"),
        Index("ix_course_languages_language_course", "language", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    min_level: Mapped[str] = mapped_column(String(2))

    course: Mapped[Course] = relationship("Course", back_populates="working_languages")
