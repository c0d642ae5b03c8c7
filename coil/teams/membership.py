"""Who works in an exchange or one of its teams: the membership spaces and rooms share."""

from __future__ import annotations

from sqlalchemy import select

from coil.accounts.models import User
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.teams.models import TeamMember


def people_of(exchange: Exchange, team_id: int | None = None) -> list[User]:
    """Return who works in the exchange (or one of its teams): the active students by name,
    then the exchange's lecturers by name. Spaces and rooms share this membership."""
    students = (
        select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.exchange_id == exchange.id, Enrolment.status == "active")
        .order_by(User.name, User.id)
    )
    if team_id is not None:
        students = students.join(TeamMember, TeamMember.user_id == User.id).where(
            TeamMember.team_id == team_id
        )
    owners = {course.owner_id for course in exchange.courses}
    lecturers = select(User).where(User.id.in_(owners)).order_by(User.name, User.id)
    return [*db.session.scalars(students), *db.session.scalars(lecturers)]
