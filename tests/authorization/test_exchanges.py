"""Exchanges and their teams: the exchange page, settings, roster, enrolment, team formation.

The exchange's lecturers manage it; its coordinators and admins read the staff pages; its
students see the exchange, their profile for team formation and their own team. The foreign
exchange is the admin's to read only. Team pages live under /exchanges/<id>/teams (blueprint
``teams``).
"""

from __future__ import annotations

import pytest

from coil.teams.cohort import WEIGHT_KEYS
from tests.authorization.harness import (
    ADMIN,
    LECTURER,
    STAFF,
    STUDENT,
    allow,
    cells,
    everyone,
    get,
    post,
)

VIEWERS = (STUDENT, *STAFF)
SETTINGS = {
    "title": "Marketing across borders",
    "start_date": "2027-02-01",
    "end_date": "2027-04-30",
    "phases-0-key": "icebreaker",
    "phases-0-start_date": "2027-02-01",
    "phases-0-end_date": "2027-04-30",
}
ROSTER = {"roster": (b"name,email\nEve Late,eve.late@nl.example\n", "roster.csv")}
TEAM_SETTINGS = {
    "settings-team_size": "3",
    "settings-min_shared_hours": "0",
    "settings-min_level": "B1",
    **{f"settings-{key}": "1" for key in WEIGHT_KEYS},
}

EXCHANGE_ROWS = [
    get("/exchanges/", everyone(200)),
    get("/exchanges/{x}", allow(200, *VIEWERS)),
    get("/exchanges/{fx}", allow(200, ADMIN)),
    get("/exchanges/99999999", allow(404, refused=404)),
    get("/exchanges/{x}/settings", allow(200, *STAFF)),
    get("/exchanges/{fx}/settings", allow(200, ADMIN)),
    post("/exchanges/{x}/settings", allow(302, LECTURER), data=SETTINGS),
    post("/exchanges/{fx}/settings", allow(302), data=SETTINGS),
    get("/exchanges/{x}/roster", allow(200, *STAFF)),
    get("/exchanges/{fx}/roster", allow(200, ADMIN)),
    post(
        "/exchanges/{x}/join-links",
        allow(200, LECTURER),
        data={"course_id": "{course}", "max_uses": "10", "days": "7"},
    ),
    post(
        "/exchanges/{fx}/join-links",
        allow(200),
        data={"course_id": "{fcourse}", "max_uses": "10", "days": "7"},
    ),
    post(
        "/exchanges/{x}/roster/upload",
        allow(302, LECTURER),
        data={"course_id": "{course}"},
        files=ROSTER,
    ),
    post(
        "/exchanges/{fx}/roster/upload", allow(302), data={"course_id": "{fcourse}"}, files=ROSTER
    ),
    post("/exchanges/{x}/enrolments/{enrolment}/drop", allow(302, LECTURER)),
    post("/exchanges/{fx}/enrolments/{fenrolment}/drop", allow(302)),
    # an enrolment of the foreign exchange named through the lecturer's own exchange
    post("/exchanges/{x}/enrolments/{fenrolment}/drop", allow(404, LECTURER)),
    get("/exchanges/{x}/profile", allow(200, STUDENT)),
    get("/exchanges/{fx}/profile", allow(200)),
    post("/exchanges/{x}/profile", allow(302, STUDENT)),
    post("/exchanges/{fx}/profile", allow(302)),
]

TEAM_ROWS = [
    # staff go from "my team" to the teams page
    get("/exchanges/{x}/my-team", allow(302, *STAFF, student=200)),
    get("/exchanges/{fx}/my-team", allow(302, ADMIN)),
    get("/exchanges/{x}/teams", allow(200, *STAFF)),
    get("/exchanges/{fx}/teams", allow(200, ADMIN)),
    post("/exchanges/{x}/teams/settings", allow(302, LECTURER), data=TEAM_SETTINGS),
    post("/exchanges/{fx}/teams/settings", allow(302), data=TEAM_SETTINGS),
    # the teams are published: forming or publishing them again is refused on the page (302)
    post("/exchanges/{x}/teams/propose", allow(302, LECTURER)),
    post("/exchanges/{fx}/teams/propose", allow(302)),
    post("/exchanges/{x}/teams/publish", allow(302, LECTURER)),
    post("/exchanges/{fx}/teams/publish", allow(302)),
    post(
        "/exchanges/{x}/teams/move", allow(302, LECTURER), data={"user_id": "{bram}", "team": "1"}
    ),
    post("/exchanges/{fx}/teams/move", allow(302), data={"user_id": "{bram}", "team": "1"}),
    post(
        "/exchanges/{x}/teams/swap",
        allow(302, LECTURER),
        data={"swap-a": "{bram}", "swap-b": "{eva}"},
    ),
    post("/exchanges/{fx}/teams/swap", allow(302), data={"swap-a": "1", "swap-b": "2"}),
    post(
        "/exchanges/{x}/teams/lock",
        allow(302, LECTURER),
        data={"user_ids-0": "{bram}", "locked": "y"},
    ),
    post("/exchanges/{fx}/teams/lock", allow(302), data={"user_ids-0": "1", "locked": "y"}),
    get("/exchanges/{x}/teams/place/{eva}", allow(200, LECTURER)),
    get("/exchanges/{fx}/teams/place/{eva}", allow(200)),
    post("/exchanges/{x}/teams/place/{eva}", allow(302, LECTURER), data={"team": "1"}),
    post("/exchanges/{fx}/teams/place/{eva}", allow(302), data={"team": "1"}),
    get("/exchanges/{x}/teams/leave/{bram}", allow(200, LECTURER)),
    get("/exchanges/{fx}/teams/leave/{bram}", allow(200)),
    post("/exchanges/{x}/teams/leave/{bram}", allow(302, LECTURER)),
    post("/exchanges/{fx}/teams/leave/{bram}", allow(302)),
]

# The lecturer's own exchange, someone else's object in the form: refused without a change.
PAYLOAD_ROWS = [
    post(
        "/exchanges/{x}/join-links",
        allow(422, LECTURER),
        data={"course_id": "{pcourse}", "max_uses": "10", "days": "7"},
        note="the partner's course",
    ),
    post(
        "/exchanges/{x}/roster/upload",
        allow(422, LECTURER),
        data={"course_id": "{pcourse}"},
        files=ROSTER,
        note="the partner's course",
    ),
    # the partner lecturer's student: only a student's own lecturer marks them dropped out
    post("/exchanges/{x}/enrolments/{dewi_enrolment}/drop", allow(403)),
    post(
        "/exchanges/{x}/teams/move",
        allow(302, LECTURER),
        data={"user_id": "{fanna_id}", "team": "1"},
        note="a foreign student",
        unchanged=True,
    ),
    post(
        "/exchanges/{x}/teams/lock",
        allow(302, LECTURER),
        data={"user_ids-0": "{fanna_id}", "locked": "y"},
        note="a foreign student",
        unchanged=True,
    ),
    get("/exchanges/{x}/teams/place/{fanna_id}", allow(302, LECTURER), unchanged=True),
    post(
        "/exchanges/{x}/teams/place/{fanna_id}",
        allow(302, LECTURER),
        data={"team": "1"},
        unchanged=True,
    ),
    get("/exchanges/{x}/teams/leave/{fanna_id}", allow(302, LECTURER), unchanged=True),
    post("/exchanges/{x}/teams/leave/{fanna_id}", allow(302, LECTURER), unchanged=True),
]

ROWS = EXCHANGE_ROWS + TEAM_ROWS + PAYLOAD_ROWS


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_exchanges(matrix, row, column):
    matrix.check(row, column)
