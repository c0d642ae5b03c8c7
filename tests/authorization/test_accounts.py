"""Accounts, institutions, invitations, notifications and the home page.

Everyone signed in reads the partner directory and their own profile, notifications and API
tokens (someone else's notification or token is a 404: whether it exists is private).
Coordinators manage their own institution, admins every one; invitations are for the roles
that invite. Links that carry a secret (joining, resetting a password) work without a log-in.
"""

from __future__ import annotations

import pytest

from tests.authorization.harness import (
    ADMIN,
    ANON,
    COORD,
    LECTURER,
    LOGIN,
    OUT_COORD,
    OUT_LECTURER,
    OUT_STUDENT,
    SIGNED_IN,
    STUDENT,
    allow,
    cells,
    everyone,
    get,
    post,
)

PUBLIC = dict.fromkeys((ANON, *SIGNED_IN))  # placeholder keys for rows open to everyone
INVITERS = (LECTURER, OUT_LECTURER, COORD, OUT_COORD, ADMIN)
STUDENTS = (STUDENT, OUT_STUDENT)
NEW_PASSWORD = {"password": "a brand new passphrase", "confirm": "a brand new passphrase"}


def public(status: int | str, **exceptions: int | str) -> dict[str, int | str]:
    """Expect ``status`` from everyone, anonymous people included."""
    return {**dict.fromkeys(PUBLIC, status), **exceptions}


ACCOUNT_ROWS = [
    get("/", public(200)),
    get("/healthz", public(200)),
    get("/login", public(302, anon=200)),  # signed-in people go home
    post("/login", public(302, anon=422), data={"email": "nobody@x.example", "password": "no"}),
    post("/logout", public(302), fresh=True),
    post("/language", public(302), data={"locale": "nl"}, fresh=True),
    get("/password/forgot", public(200)),
    post("/password/forgot", public(200), data={"email": "nobody@x.example"}),
    # a first-password link is its own key, whoever follows it (signed-in people are logged out)
    get("/password/reset/{reset}", public(200)),
    post("/password/reset/{reset}", public(302), data=NEW_PASSWORD, fresh=True),
    get("/password/reset/not-a-token", public(410)),
    # a join link: a form for newcomers; signed-in students join the course, others are told no
    get("/join/{join}", allow(200, *STUDENTS, anon=200)),
    post("/join/{join}", allow(302, *STUDENTS, anon=422), fresh=True),
    get("/join/not-a-token", public(410)),
    get("/profile", everyone(200)),
    post("/profile", everyone(422), data={"name": ""}),
    post("/profile/availability", everyone(302)),
    post("/profile/password", everyone(422), data={"current": "wrong", **NEW_PASSWORD}),
    post("/profile/tokens", everyone(200), data={"token-name": "laptop"}),
    post("/profile/tokens/{api_token}/revoke", everyone(302)),  # each their own
    post("/profile/tokens/{lena_token}/revoke", allow(302, LECTURER, refused=404)),
]

NOTIFICATION_ROWS = [
    get("/notifications/", everyone(200)),
    post("/notifications/{notification}/open", everyone(302)),  # each their own
    post("/notifications/{lena_note}/open", allow(302, LECTURER, refused=404)),
    post("/notifications/read", everyone(302)),
]

INSTITUTION = {
    "name": "Hogeschool Kopi",
    "country": "NL",
    "city": "Amsterdam",
    "timezone": "Europe/Amsterdam",
    "languages": "nl",
    "status": "active",
}
INSTITUTION_ROWS = [
    get("/institutions/", everyone(200)),
    get("/institutions/new", allow(200, ADMIN)),
    post("/institutions/new", allow(422, ADMIN), data={"name": ""}),
    get("/institutions/{nl}", everyone(200)),
    get("/institutions/{sinst}", everyone(200)),
    get("/institutions/{suspended}", allow(200, ADMIN)),
    get("/institutions/99999999", allow(404, refused=404)),
    get("/institutions/{nl}/edit", allow(200, COORD, ADMIN)),
    get("/institutions/{sinst}/edit", allow(200, OUT_COORD, ADMIN)),
    post("/institutions/{nl}/edit", allow(302, COORD, ADMIN), data=INSTITUTION),
    post(
        "/institutions/{sinst}/edit",
        allow(302, OUT_COORD, ADMIN),
        data={**INSTITUTION, "name": "Stranger College", "country": "ZA"},
    ),
    # only admins change an institution's status: a coordinator's "suspended" is ignored
    post(
        "/institutions/{nl}/edit",
        allow(302, COORD, ADMIN),
        data={**INSTITUTION, "city": "Utrecht", "languages": ["nl", "en"], "status": "suspended"},
        note="suspending",
        unchanged=(COORD,),
    ),
    get("/institutions/{nl}/people", allow(200, COORD, ADMIN)),
    get("/institutions/{sinst}/people", allow(200, OUT_COORD, ADMIN)),
    get("/institutions/{nl}/partners", allow(200, COORD, ADMIN)),
    get("/institutions/{sinst}/partners", allow(200, OUT_COORD, ADMIN)),
    post(
        "/institutions/{nl}/partners",
        allow(302, COORD, ADMIN),
        data={"partner_id": "{sinst}", "kind": "block", "reason": "Not this year."},
    ),
    post(
        "/institutions/{sinst}/partners",
        allow(302, OUT_COORD, ADMIN),
        data={"partner_id": "{nl}", "kind": "block", "reason": "Not this year."},
    ),
    post("/institutions/{nl}/partners/{relation}/remove", allow(302, COORD, ADMIN)),
    # NL's decision named through another institution: no such decision there
    post("/institutions/{sinst}/partners/{relation}/remove", allow(404, refused=404)),
    get("/invitations", allow(200, *INVITERS)),
    post("/invitations", allow(422, *INVITERS), data={"role": "", "max_uses": "0"}),
    # Lena made the join link; her institution's coordinator and admins manage it too
    post("/invitations/{invitation}/revoke", allow(302, LECTURER, COORD, ADMIN)),
]

ROWS = ACCOUNT_ROWS + NOTIFICATION_ROWS + INSTITUTION_ROWS
assert all(LOGIN in row.expect.values() or row.expect[ANON] != LOGIN for row in ROWS)


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_accounts(matrix, row, column):
    matrix.check(row, column)


def test_anonymous_predicates_all_say_no(matrix):
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
    own = db.session.get(Institution, matrix.world.ids["nl"])
    try:
        assert invitable_roles(anonymous) == ()
        assert not can_invite(anonymous, "student", own)
        assert not can_create_institution(anonymous)
        assert not can_view_institution(anonymous, own)
        assert not can_manage_institution(anonymous, own)
        assert not can_change_status(anonymous, own)
        assert not can_view_people(anonymous, own)
    finally:
        db.session.remove()
