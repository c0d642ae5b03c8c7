"""Credentials: badges, decisions, awards, revocation, the wallet, and the public documents.

Lecturers of the exchange define badges, and the issuing institution's lecturers change and
award them by hand; only a coordinator of the issuing institution approves and revokes (Cora
for Lena's badge, nobody here for the foreign one); staff see the badge list. A student
changes only their own award's sharing. Badge pages, credentials, issuer documents, keys,
revocation lists and the verifier are public. Objects: tests/authorization/world.py, the
credentials block.
"""

from __future__ import annotations

import pytest

from tests.authorization.harness import (
    ADMIN,
    COORD,
    LECTURER,
    STAFF,
    STUDENT,
    allow,
    cells,
    everyone,
    get,
    post,
)

BADGE = {
    "name": "Bridge builder",
    "description": "Built bridges.",
    "criteria": "Take part.",
    "rules": "sessions 1",
    "alignment": "curiosity",
    "learning_outcomes": "Collaborates across cultures.",
    "ects": "1.0",
    "eqf_level": "6",
    "assessment_type": "Portfolio",
    "participation": "online",
    "sync_hours": "8",
    "async_hours": "20",
    "quality_assurance": "Institutional",
    "valid_months": "",
}
AWARD = {"student": "{bram}", "justification": "Led the final presentation."}
REVOKE = {"reason": "Awarded by mistake"}
PUBLIC = dict.fromkeys(("anon",), 200)


def public(path: str) -> object:
    return get(path, everyone(200, **PUBLIC))


ROWS = [
    get("/exchanges/{x}/badges", allow(200, *STAFF)),
    get("/exchanges/{fx}/badges", allow(200, ADMIN)),
    get("/exchanges/{x}/badges/new", allow(200, LECTURER)),
    get("/exchanges/{fx}/badges/new", allow(200)),
    post("/exchanges/{x}/badges/new", allow(302, LECTURER), data=BADGE),
    post("/exchanges/{fx}/badges/new", allow(302), data=BADGE),
    get("/badges/{badge}/edit", allow(200, LECTURER)),
    get("/badges/{fbadge}/edit", allow(200)),
    post("/badges/{badge}/edit", allow(302, LECTURER), data=BADGE),
    post("/badges/{fbadge}/edit", allow(302), data=BADGE),
    get("/badges/99999999/edit", allow(404, refused=404)),
    post("/badge-versions/{pversion}/decision", allow(302, COORD), data={"decision": "approve"}),
    post("/badge-versions/{fpversion}/decision", allow(302), data={"decision": "approve"}),
    post("/exchanges/{x}/badges/check", allow(302, LECTURER)),
    post("/exchanges/{fx}/badges/check", allow(302)),
    post("/badges/{badge}/award", allow(302, LECTURER), data=AWARD),
    post("/badges/{fbadge}/award", allow(302), data=AWARD),
    post("/awards/{award}/revoke", allow(302, COORD), data=REVOKE),
    post("/awards/{faward}/revoke", allow(302), data=REVOKE),
    # the wallet: everyone signed in has one; only the holder changes an award's sharing
    get("/credentials", everyone(200)),
    post("/credentials/{award}/sharing", allow(302, STUDENT), data={"public": "y"}),
    post("/credentials/{faward}/sharing", allow(302), data={"public": "y"}),
    post("/credentials/{award}/evidence", allow(302, STUDENT), data={}),
    post("/credentials/{faward}/evidence", allow(302), data={}),
    # public documents and the verifier
    public("/badges/c/{uid}"),
    get("/badges/c/not-a-badge", everyone(404, anon=404)),
    public("/badges/c/{uid}/evidence/{rentry}"),
    get("/badges/c/{uid}/evidence/{bentry}", everyone(404, anon=404)),
    public("/badges/c/{uid}/credential.json"),
    public("/badges/c/{uid}/credential.jwt"),
    public("/badges/c/{uid}/ob2.json"),
    public("/badges/c/{uid}/elm.json"),
    public("/badges/achievements/{bversion}"),
    get("/badges/achievements/{pversion}", everyone(404, anon=404)),
    public("/badges/achievements/{bversion}/image.svg"),
    public("/badges/achievements/{bversion}/ob2.json"),
    public("/issuers/{nl}"),
    public("/issuers/{nl}/ob2.json"),
    public("/issuers/{nl}/jwks.json"),
    public("/issuers/{nl}/keys/{kid}.json"),
    public("/issuers/{nl}/revocations.json"),
    public("/verify"),
    post("/verify", everyone(200, anon=200), data={"credential": "not.a.token"}),
    post("/verify.json", everyone(200, anon=200), data={"credential": "x"}, csrf=False),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_credentials(matrix, row, column):
    matrix.check(row, column)
