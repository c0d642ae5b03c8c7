"""An exchange of two courses (Amsterdam and Mexico City) with one enrolled student on each side."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coil.accounts.models import Role, User
from coil.exchanges.enrolling import enrol
from coil.exchanges.models import Exchange
from coil.pairings.services import accept, propose
from tests.pairings.conftest import Pair, pair, third_course  # noqa: F401 (fixtures)


@dataclass
class World:
    """The pair's people and courses, their exchange, and students in and out of it."""

    pair: Pair
    exchange: Exchange
    nl_student: User
    mx_student: User
    outsider: User  # a student of the NL institution, not enrolled


@pytest.fixture()
def world(pair, factory, db, outbox) -> World:  # noqa: F811
    proposal = propose(pair.nl_lecturer, pair.nl_course, pair.mx_course, "Hello")
    exchange = accept(pair.mx_lecturer, proposal)
    db.session.commit()
    nl_student = factory.user(Role.STUDENT, pair.nl_course.institution, email="anna@nl.example")
    mx_student = factory.user(Role.STUDENT, pair.mx_course.institution, email="luis@mx.example")
    outsider = factory.user(Role.STUDENT, pair.nl_course.institution, email="bob@nl.example")
    enrol(nl_student, pair.nl_course)
    enrol(mx_student, pair.mx_course)
    db.session.commit()
    outbox.clear()  # the pairing notifications
    return World(pair, exchange, nl_student, mx_student, outsider)


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
