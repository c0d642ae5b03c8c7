"""The chat domain's view of the shared test world (tests/world.py, preset KOPI).

An exchange of two courses with two published teams and their rooms: team A holds Anna and
Dewi, team B holds Bram; Olga is a student of the same institution who is not enrolled, Dirk
dropped out of team A; Fred is a lecturer of the same institution who does not teach in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from coil.accounts.models import Role, User
from coil.chat.models import Room
from coil.exchanges.models import Exchange
from coil.teams.models import Team
from tests.world import World as Base


@dataclass
class World:
    exchange: Exchange
    team_a: Team
    team_b: Team
    room_a: Room
    room_b: Room
    exchange_room: Room
    lecturer: User
    partner_lecturer: User
    coordinator: User
    member: User  # team A
    teammate: User  # team A
    other_team: User  # team B
    outsider: User  # same institution, not enrolled
    dropped: User  # was in team A, enrolment dropped
    foreign_lecturer: User  # a lecturer of the same institution, outside the exchange
    base: Base  # the whole shared world


@pytest.fixture()
def world(factory: Any, db: Any) -> World:
    with factory.batch():
        base = factory.world()
        fred = factory.user(Role.LECTURER, base.institutions["nl"], email="fred@nl.example")
    return World(
        exchange=base.exchange,
        team_a=base.teams[0],
        team_b=base.teams[1],
        room_a=base.team_rooms[0],
        room_b=base.team_rooms[1],
        exchange_room=base.exchange_room,
        lecturer=base["lena"],
        partner_lecturer=base["budi"],
        coordinator=base["cora"],
        member=base["anna"],
        teammate=base["dewi"],
        other_team=base["bram"],
        outsider=base["olga"],
        dropped=base["dirk"],
        foreign_lecturer=fred,
        base=base,
    )
