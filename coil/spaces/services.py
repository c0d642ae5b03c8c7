"""Every state change of project spaces."""

from __future__ import annotations

import logging

from sqlalchemy import select

from coil.exchanges.models import Exchange, Team
from coil.extensions import db
from coil.spaces.models import Space

log = logging.getLogger(__name__)


def ensure_space(exchange: Exchange, team: Team | None = None) -> Space:
    """Return the space of ``team`` (or of the whole exchange), creating it if needed."""
    query = select(Space).where(Space.exchange_id == exchange.id)
    query = query.where(Space.team_id == team.id) if team else query.where(Space.team_id.is_(None))
    space = db.session.scalar(query)
    if space is None:
        space = Space(exchange=exchange, team=team)
        db.session.add(space)
        db.session.flush()
        log.info(
            "space %s created for exchange %s team %s",
            space.id,
            exchange.id,
            team.id if team else None,
        )
    return space
