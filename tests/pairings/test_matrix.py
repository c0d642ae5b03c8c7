"""Who may open which course, proposal, exchange and partner page: every role, every route.

Roles: the two lecturers of a proposal (proposer NL, recipient MX), a lecturer and a coordinator
of a third institution, the NL coordinator, a NL student, an admin, and anonymous.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from coil.accounts.models import Role
from coil.courses.services import create_course
from coil.pairings.services import accept, propose
from tests.pairings.conftest import AMSTERDAM

ANON, STUDENT, PROPOSER, RECIPIENT = "anonymous", "student", "proposer", "recipient"
OUTSIDER, COORD, OTHER_COORD, ADMIN = "other lecturer", "coordinator", "other coordinator", "admin"
ROLES = (ANON, STUDENT, PROPOSER, RECIPIENT, OUTSIDER, COORD, OTHER_COORD, ADMIN)
LOGIN = "login"


def row(
    anon=LOGIN,
    student=403,
    proposer=200,
    recipient=200,
    outsider=200,
    coord=200,
    other_coord=200,
    admin=200,
):
    return dict(
        zip(
            ROLES,
            (anon, student, proposer, recipient, outsider, coord, other_coord, admin),
            strict=True,
        )
    )


MATRIX = {
    "/courses/": row(admin=403),
    "/courses/new": row(coord=403, other_coord=403, admin=403),
    "/courses/search": row(),
    "/courses/{course}": row(student=200),
    "/courses/{course}/edit": row(
        recipient=403, outsider=403, coord=403, other_coord=403, admin=403
    ),
    "/courses/{draft}": row(student=403, recipient=403, outsider=403, other_coord=403),
    # explaining a pair is the course lecturer's (and their coordinators') tool
    "/courses/{course}/why/{other}": row(recipient=403, outsider=403, other_coord=403),
    "/proposals/": row(admin=403),
    "/proposals/{proposal}": row(outsider=403, other_coord=403),
    # the pending proposal goes NL -> the third institution, so "outsider" is its recipient
    "/proposals/{pending}": row(recipient=403),
    "/exchanges/": row(student=200),  # students see their own exchanges (none here)
    "/exchanges/{exchange}": row(outsider=403, other_coord=403),
    "/notifications/": row(student=200),
    "/institutions/{nl}/partners": row(proposer=403, recipient=403, outsider=403, other_coord=403),
}


@pytest.fixture()
def world(pair, third_course, factory, db):
    za_lecturer, za_course = third_course
    draft = create_course(pair.nl_lecturer, replace(AMSTERDAM, title="Draft", status="draft"))
    proposal = propose(pair.nl_lecturer, pair.nl_course, pair.mx_course, "Hello")
    exchange = accept(pair.mx_lecturer, proposal)
    pending = propose(pair.nl_lecturer, pair.nl_course, za_course, "Join us")
    db.session.commit()
    people = {
        STUDENT: factory.user(Role.STUDENT, pair.nl_course.institution),
        PROPOSER: pair.nl_lecturer,
        RECIPIENT: pair.mx_lecturer,
        OUTSIDER: za_lecturer,
        COORD: pair.nl_coordinator,
        OTHER_COORD: factory.user(Role.COORDINATOR, za_course.institution),
        ADMIN: factory.user(Role.ADMIN),
    }
    ids = {
        "course": pair.nl_course.id,
        "other": pair.mx_course.id,
        "draft": draft.id,
        "proposal": proposal.id,
        "pending": pending.id,
        "exchange": exchange.id,
        "nl": pair.nl_course.institution_id,
    }
    return people, ids


@pytest.mark.parametrize("role", ROLES)
def test_route_access(client, auth, world, role):
    """One log-in per role, then every route (the world takes a while to build)."""
    people, ids = world
    if role != ANON:
        assert auth.login(people[role].email).status_code == 302
    seen = {}
    for route in MATRIX:
        response = client.get(route.format(**ids))
        location = response.headers.get("Location", "")
        redirected = response.status_code == 302 and location.startswith("/login")
        seen[route] = LOGIN if redirected else response.status_code
    assert seen == {route: by_role[role] for route, by_role in MATRIX.items()}
