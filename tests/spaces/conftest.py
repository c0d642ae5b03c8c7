"""The spaces domain's view of the shared test world (tests/world.py, preset KOPI).

An exchange of two courses with two published teams and their spaces: team A holds Anna
(Amsterdam) and Dewi (Jakarta), team B holds Bram; Olga is a student of the same institution
who is not enrolled, Dirk dropped out of team A; Fred is a lecturer of the same institution
who does not teach in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from coil.accounts.models import Role, User
from coil.exchanges.models import Exchange
from coil.spaces.models import Space
from coil.teams.models import Team
from tests.conftest import AuthActions
from tests.world import World as Base


@dataclass
class World:
    exchange: Exchange
    team_a: Team
    team_b: Team
    space: Space  # team A's
    exchange_space: Space
    lecturer: User
    partner_lecturer: User
    coordinator: User
    member: User  # team A, Europe/Amsterdam
    teammate: User  # team A, Asia/Jakarta
    other_team: User  # team B
    outsider: User  # same institution, not enrolled
    dropped: User  # was in team A, enrolment dropped
    foreign_lecturer: User  # a lecturer of the same institution, outside the exchange
    base: Base  # the whole shared world


@pytest.fixture()
def world(factory, db) -> World:
    with factory.batch():
        base = factory.world()
        fred = factory.user(Role.LECTURER, base.institutions["nl"], email="fred@nl.example")
    return World(
        exchange=base.exchange,
        team_a=base.teams[0],
        team_b=base.teams[1],
        space=base.team_spaces[0],
        exchange_space=base.exchange_space,
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


@pytest.fixture()
def login(app):
    """Return a function that logs ``user`` in on a fresh client and returns its AuthActions."""

    def login_as(user: User) -> AuthActions:
        actions = AuthActions(app.test_client())
        assert actions.login(user.email).status_code == 302
        return actions

    return login_as


@pytest.fixture()
def storage_dir(app, tmp_path) -> Path:
    """Point the app's file storage at an empty folder of this test."""
    path = tmp_path / "files"
    app.config["STORAGE_PATH"] = str(path)
    return path


def stored_files(path: Path) -> list[Path]:
    """Return every file under the storage folder, temporary ones included."""
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []
