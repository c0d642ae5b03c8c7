"""Who may open which page: every role (and anonymous) against every route, checked by status.

Rows are routes, columns roles. "own" and "other" mean the caller's institution and another one.
"""

from __future__ import annotations

import pytest

from coil.accounts.models import Role

ANON, STUDENT, LECTURER, COORD, ADMIN = "anonymous", "student", "lecturer", "coordinator", "admin"
ROLES = (ANON, STUDENT, LECTURER, COORD, ADMIN)
LOGIN = "login"  # anonymous users are sent to the log-in page

# route template -> expected status per role
MATRIX: dict[str, dict[str, int | str]] = {
    "/": dict.fromkeys(ROLES, 200),
    "/login": {ANON: 200, STUDENT: 302, LECTURER: 302, COORD: 302, ADMIN: 302},
    "/password/forgot": dict.fromkeys(ROLES, 200),
    "/healthz": dict.fromkeys(ROLES, 200),
    "/profile": {ANON: LOGIN, STUDENT: 200, LECTURER: 200, COORD: 200, ADMIN: 200},
    "/invitations": {ANON: LOGIN, STUDENT: 403, LECTURER: 200, COORD: 200, ADMIN: 200},
    "/institutions/": {ANON: LOGIN, STUDENT: 200, LECTURER: 200, COORD: 200, ADMIN: 200},
    "/institutions/new": {ANON: LOGIN, STUDENT: 403, LECTURER: 403, COORD: 403, ADMIN: 200},
    "/institutions/{own}": {ANON: LOGIN, STUDENT: 200, LECTURER: 200, COORD: 200, ADMIN: 200},
    "/institutions/{other}": {ANON: LOGIN, STUDENT: 200, LECTURER: 200, COORD: 200, ADMIN: 200},
    "/institutions/{suspended}": {
        ANON: LOGIN,
        STUDENT: 403,
        LECTURER: 403,
        COORD: 403,
        ADMIN: 200,
    },
    "/institutions/{own}/edit": {ANON: LOGIN, STUDENT: 403, LECTURER: 403, COORD: 200, ADMIN: 200},
    "/institutions/{other}/edit": {
        ANON: LOGIN,
        STUDENT: 403,
        LECTURER: 403,
        COORD: 403,
        ADMIN: 200,
    },
    "/institutions/{own}/people": {
        ANON: LOGIN,
        STUDENT: 403,
        LECTURER: 403,
        COORD: 200,
        ADMIN: 200,
    },
    "/institutions/{other}/people": {
        ANON: LOGIN,
        STUDENT: 403,
        LECTURER: 403,
        COORD: 403,
        ADMIN: 200,
    },
    "/institutions/99999": {ANON: LOGIN, STUDENT: 404, LECTURER: 404, COORD: 404, ADMIN: 404},
}

CASES = [(route, role, expected) for route, row in MATRIX.items() for role, expected in row.items()]


@pytest.fixture()
def world(factory):
    own = factory.institution(name="Own University")
    other = factory.institution(
        name="Other University", country="MX", timezone="America/Mexico_City"
    )
    suspended = factory.institution(name="Suspended College", status="suspended")
    people = {
        STUDENT: factory.user(Role.STUDENT, own, email="s@own.example"),
        LECTURER: factory.user(Role.LECTURER, own, email="l@own.example"),
        COORD: factory.user(Role.COORDINATOR, own, email="c@own.example"),
        ADMIN: factory.user(Role.ADMIN, None, email="a@coil.example"),
    }
    return {"own": own.id, "other": other.id, "suspended": suspended.id, "people": people}


@pytest.mark.parametrize(
    ("route", "role", "expected"), CASES, ids=[f"{r} {ro}" for r, ro, _ in CASES]
)
def test_route_access(client, auth, world, route, role, expected):
    if role != ANON:
        assert auth.login(world["people"][role].email).status_code == 302
    url = route.format(own=world["own"], other=world["other"], suspended=world["suspended"])
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]


POSTS = [
    # (route, role, expected): writes are checked separately from pages
    ("/institutions/{other}/edit", COORD, 403),
    ("/institutions/{own}/edit", LECTURER, 403),
    ("/institutions/new", COORD, 403),
    ("/invitations", STUDENT, 403),
    ("/institutions/new", ANON, LOGIN),
    ("/invitations", ANON, LOGIN),
]


@pytest.mark.parametrize(("route", "role", "expected"), POSTS)
def test_forbidden_writes_change_nothing(client, auth, world, db, route, role, expected):
    from coil.accounts.models import Invitation
    from coil.institutions.models import Institution

    if role != ANON:
        auth.login(world["people"][role].email)
    url = route.format(own=world["own"], other=world["other"])
    token = _any_token(client)
    before = (db.session.query(Institution).count(), db.session.query(Invitation).count())
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "name": "Hacked",
            "country": "NL",
            "city": "X",
            "timezone": "UTC",
            "languages": "en",
            "role": "admin",
            "institution_id": "0",
            "max_uses": "1",
            "days": "1",
        },
    )
    if expected == LOGIN:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected
    db.session.expire_all()
    after = (db.session.query(Institution).count(), db.session.query(Invitation).count())
    assert after == before
    assert db.session.query(Institution).filter_by(name="Hacked").count() == 0


def _any_token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/password/forgot")


def test_anonymous_predicates_all_say_no(app, world):
    from flask_login import AnonymousUserMixin

    from coil.accounts.permissions import can_invite, invitable_roles
    from coil.extensions import db
    from coil.institutions.models import Institution
    from coil.institutions.permissions import (
        can_change_status,
        can_create_institution,
        can_manage_institution,
        can_view_institution,
        can_view_people,
    )

    anonymous = AnonymousUserMixin()
    own = db.session.get(Institution, world["own"])
    assert invitable_roles(anonymous) == ()
    assert not can_invite(anonymous, "student", own)
    assert not can_create_institution(anonymous)
    assert not can_view_institution(anonymous, own)
    assert not can_manage_institution(anonymous, own)
    assert not can_change_status(anonymous, own)
    assert not can_view_people(anonymous, own)
