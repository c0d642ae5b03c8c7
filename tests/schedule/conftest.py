"""The schedule domain's view of the shared test world (tests/world.py, preset TULIPS): an
Amsterdam-Mexico City exchange with two published teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from coil.accounts.models import User
from coil.exchanges.models import Exchange
from coil.schedule import services
from coil.schedule.models import LiveSession
from coil.teams.models import Team
from tests.world import AMS, MEX, TULIPS
from tests.world import World as Base

__all__ = ["AMS", "MEX", "World"]


@dataclass
class World:
    exchange: Exchange
    nl_lecturer: User
    mx_lecturer: User
    coordinator: User
    anna: User  # team 1, Amsterdam
    bruno: User  # team 1, Mexico City
    carla: User  # team 2, Amsterdam
    outsider: User  # a student of the same institution, not enrolled
    other_lecturer: User  # teaches elsewhere
    team1: Team
    team2: Team
    base: Base  # the whole shared world

    def plan(
        self,
        actor: User | None = None,
        team: Team | None = None,
        day: date = date(2027, 3, 23),
        start: time = time(14, 0),
        end: time = time(15, 30),
        tz: str = AMS,
        title: str = "Kick-off",
    ) -> LiveSession:
        """Plan a session through the service (flushed; the caller commits)."""
        data = services.SessionData(title, day, start, end, tz, location="Zoom", team=team)
        return services.create_session(actor or self.nl_lecturer, self.exchange, data)


@pytest.fixture()
def world(factory, db) -> World:
    base = factory.world(TULIPS)
    return World(
        exchange=base.exchange,
        nl_lecturer=base["pieter"],
        mx_lecturer=base["carlos"],
        coordinator=base["coord"],
        anna=base["anna"],
        bruno=base["bruno"],
        carla=base["carla"],
        outsider=base["otto"],
        other_lecturer=base.stranger_lecturer,
        team1=base.teams[0],
        team2=base.teams[1],
        base=base,
    )
