"""Who is in which team: a student's own team, and the loader-checker for a team of an exchange.

Who may see or change an exchange's teams as a whole follows the exchange's own predicates
(``coil.exchanges.permissions``): its lecturers form them, coordinators read along.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from coil.accounts.permissions import Actor
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import (
    get_exchange_or_404,
    is_exchange_coordinator,
    is_exchange_lecturer,
    is_exchange_student,
)
from coil.extensions import db
from coil.teams.models import Team, TeamMember


def team_of(actor: Actor, exchange: Exchange) -> Team | None:
    """Return ``actor``'s team in ``exchange`` once teams are published (students only)."""
    if exchange.teams_published_at is None or not is_exchange_student(actor, exchange):
        return None
    return db.session.scalar(
        select(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(Team.exchange_id == exchange.id, TeamMember.user_id == actor.id)
    )


def get_team_or_404(exchange: Exchange, team_id: int) -> Team:
    """Load a team of ``exchange`` by id, or stop with 404."""
    team = db.session.get(Team, team_id)
    if team is None or team.exchange_id != exchange.id:
        abort(404)
    return team


def get_exchange_teams_or_404(exchange_id: int) -> Exchange:
    """Load an exchange whose teams the current user may see: its lecturers and coordinators."""
    exchange = get_exchange_or_404(exchange_id)
    if not (
        is_exchange_lecturer(current_user, exchange)
        or is_exchange_coordinator(current_user, exchange)
    ):
        abort(403)
    return exchange
