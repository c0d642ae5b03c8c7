"""People and how they get in: users, the languages they speak, invitations."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin, UTCDateTime
from coil.core.reference import CEFR_LEVELS
from coil.core.time import utcnow
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.courses.models import Course
    from coil.institutions.models import Institution


class Role(enum.StrEnum):
    """What a person does on the platform; one role per account."""

    STUDENT = "student"
    LECTURER = "lecturer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


ROLES = tuple(r.value for r in Role)


class User(UserMixin, TimestampMixin, Base):
    """An account. E-mail addresses are stored lower-cased, so uniqueness ignores case."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role"),
        CheckConstraint("role = 'admin' OR institution_id IS NOT NULL", name="institution"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True)
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the id in every session and remember-me cookie (see get_id): raising it ends
    # them all at their next request or socket event (password change, reset, deactivation).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    institution: Mapped[Institution | None] = relationship("Institution", back_populates="users")
    languages: Mapped[list[UserLanguage]] = relationship(
        "UserLanguage",
        cascade="all, delete-orphan",
        order_by="UserLanguage.language",
        back_populates="user",
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Tell Flask-Login whether this account may log in (also off when its school is)."""
        return self.active and (self.institution is None or self.institution.is_active)

    def get_id(self) -> str:
        """Return the session id Flask-Login stores: ``"<user id>.<session version>"``."""
        return f"{self.id}.{self.session_version}"

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the user has one of ``roles``."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserLanguage(Base):
    """A language a person speaks, with a self-assessed CEFR level."""

    __tablename__ = "user_languages"
    __table_args__ = (
        UniqueConstraint("user_id", "language", name="uq_user_languages_user_language"),
        CheckConstraint(f"level IN {CEFR_LEVELS}", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(2))

    user: Mapped[User] = relationship("User", back_populates="languages")


class Invitation(TimestampMixin, Base):
    """A sign-up link for one role at one institution; it expires and has a use cap.

    Only a SHA-256 of the token is stored, so a database leak does not leak working links.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role"),
        CheckConstraint("max_uses >= 1 AND use_count >= 0", name="uses"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # A student join link for one course of an exchange: accepting it also enrols the student.
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    max_uses: Mapped[int] = mapped_column(default=1)
    use_count: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    institution: Mapped[Institution | None] = relationship("Institution")
    created_by: Mapped[User | None] = relationship("User")
    course: Mapped[Course | None] = relationship("Course")

    def state(self, now: datetime | None = None) -> str:
        """Return ``open``, ``expired``, ``used`` or ``revoked``."""
        now = now or utcnow()
        if self.revoked_at is not None:
            return "revoked"
        if self.use_count >= self.max_uses:
            return "used"
        if self.expires_at <= now:
            return "expired"
        return "open"


class AvailabilitySlot(Base):
    """A weekly time a person can meet, in their own time zone (used to form teams)."""

    __tablename__ = "availability_slots"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("end_time > start_time", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column()  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class ApiToken(TimestampMixin, Base):
    """A personal token for clients without a browser session (bots, benchmarks, apps).

    Only a SHA-256 of the secret is stored; ``prefix`` (its first characters) tells tokens apart
    on the profile page.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship("User")

    def state(self, now: datetime | None = None) -> str:
        """Return ``active``, ``expired`` or ``revoked``."""
        now = now or utcnow()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"
