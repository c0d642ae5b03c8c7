"""The exchanges domain's view of the shared test world (tests/world.py): the pairing tests'
Amsterdam and Mexico City courses, paired, with one enrolled student on each side; no teams."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from coil.accounts.models import User
from coil.exchanges.models import Exchange
from tests.pairings.conftest import MX_SIDE, NL_SIDE, Pair, third_course  # noqa: F401 (fixture)
from tests.world import Person, Spec
from tests.world import World as Base

SPEC = Spec(
    sides=(
        replace(NL_SIDE, students=(Person("anna", "Anna", "anna@nl.example"),)),
        replace(MX_SIDE, students=(Person("luis", "Luis", "luis@mx.example"),)),
    ),
    publish=None,
    outsider=Person("bob", "Bob", "bob@nl.example"),
)


@dataclass
class World:
    """The pair's people and courses, their exchange, and students in and out of it."""

    pair: Pair
    exchange: Exchange
    nl_student: User
    mx_student: User
    outsider: User  # a student of the NL institution, not enrolled
    base: Base  # the whole shared world


@pytest.fixture()
def world(factory, db) -> World:
    base = factory.world(SPEC)
    pair = Pair(
        base.lecturers["nl"],
        base.lecturers["mx"],
        base.courses["nl"],
        base.courses["mx"],
        base.coordinators["nl"],
        base.coordinators["mx"],
    )
    return World(pair, base.exchange, base["anna"], base["luis"], base["bob"], base)


def upload(client, exchange_id: int, course_id: int, body: bytes, name: str = "roster.csv"):
    """Post a roster file through the roster page's form (CSRF on)."""
    import io

    from tests.conftest import csrf_token

    token = csrf_token(client, f"/exchanges/{exchange_id}/roster")
    return client.post(
        f"/exchanges/{exchange_id}/roster/upload",
        data={"csrf_token": token, "course_id": str(course_id), "roster": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )
