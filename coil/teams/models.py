"""Teams: the mixed international teams of an exchange and their members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.accounts.models import User
    from coil.exchanges.models import Exchange


class Team(TimestampMixin, Base):
    """A mixed international team; visible to students once the exchange's teams are published."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("exchange_id", "number", name="uq_teams_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(80), default="")

    exchange: Mapped[Exchange] = relationship("Exchange", back_populates="teams")
    members: Mapped[list[TeamMember]] = relationship(
        "TeamMember",
        cascade="all, delete-orphan",
        order_by="TeamMember.id",
        back_populates="team",
    )


class TeamMember(Base):
    """A student in a team; ``locked`` keeps them there when lecturers re-run the formation."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_members_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    locked: Mapped[bool] = mapped_column(default=False)

    team: Mapped[Team] = relationship("Team", back_populates="members")
    user: Mapped[User] = relationship("User")
