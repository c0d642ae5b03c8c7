"""Schedule: an exchange's sessions, planning, a session, its calendar file, attendance, the
personal calendar feed.

Everyone of the exchange sees its sessions and their own team's; lecturers plan for the whole
exchange or any team and take attendance; a team's members plan for their team and change the
sessions they planned (Anna planned team 1's session); coordinators read along. A feed address
is its own key: anyone holding it reads the feed, no log-in needed.
"""

from __future__ import annotations

import pytest

from tests.authorization.harness import (
    ADMIN,
    LECTURER,
    SIGNED_IN,
    STAFF,
    STUDENT,
    allow,
    cells,
    everyone,
    get,
    post,
)

SESSION = {
    "title": "Retro",
    "team_id": "{team}",
    "day": "2027-03-24",
    "start": "10:00",
    "end": "11:00",
    "timezone": "Europe/Amsterdam",
    "location": "",
    "description": "",
}
# session -> (who sees it, who changes or cancels it)
SESSIONS = {
    "session": ((STUDENT, *STAFF), (STUDENT, LECTURER)),
    "session_b": (STAFF, (LECTURER,)),
    "xsession": ((STUDENT, *STAFF), (LECTURER,)),
    "fsession": ((ADMIN,), ()),
}


def session_rows(name: str) -> list:
    see, change = SESSIONS[name]
    s = "/sessions/{" + name + "}"
    return [
        get(s, allow(200, *see)),
        get(s + ".ics", allow(200, *see)),
        get(s + "/edit", allow(200, *change)),
        post(s + "/edit", allow(302, *change), data=SESSION),
        post(s + "/cancel", allow(302, *change)),
        post(s + "/attendance", allow(302, *(c for c in (LECTURER,) if c in change))),
    ]


ROWS = [
    get("/sessions/exchange/{x}", allow(200, STUDENT, *STAFF)),
    get("/sessions/exchange/{fx}", allow(200, ADMIN)),
    get("/sessions/exchange/{x}/findtime", allow(200, STUDENT, *STAFF)),
    get("/sessions/exchange/{x}/findtime?team={team_b}", allow(200, *STAFF)),
    get("/sessions/exchange/{fx}/findtime", allow(200, ADMIN)),
    # planning: lecturers, and students for their own team; coordinators read only
    get("/sessions/exchange/{x}/new", allow(200, STUDENT, LECTURER)),
    get("/sessions/exchange/{fx}/new", allow(200)),
    post("/sessions/exchange/{x}/new", allow(302, STUDENT, LECTURER), data=SESSION),
    # ... but a student only for their own team: team 2 is not among their choices
    post(
        "/sessions/exchange/{x}/new",
        allow(302, LECTURER, student=422),
        data={**SESSION, "team_id": "{team_b}"},
        note="for another team",
    ),
    post("/sessions/exchange/{fx}/new", allow(302), data=SESSION),
    post(
        "/sessions/exchange/{x}/new",
        allow(422, STUDENT, LECTURER),
        data={**SESSION, "team_id": "{fteam}"},
        note="for a foreign team",
    ),
    # Anna may change the session she planned for her team, not make it the whole exchange's
    post(
        "/sessions/{session}/edit",
        allow(302, LECTURER, student=422),
        data={**SESSION, "team_id": "0"},
        note="to the whole exchange",
    ),
    post(
        "/sessions/{xsession}/edit",
        allow(422, LECTURER),
        data={**SESSION, "team_id": "{fteam}"},
        note="to a foreign team",
    ),
    *(row for name in SESSIONS for row in session_rows(name)),
    get("/sessions/99999999", allow(404, refused=404)),
    get("/sessions/calendar", everyone(200)),
    post("/sessions/calendar", everyone(200)),
    # the feed's secret address is the key: no log-in, no column
    get("/sessions/feed/{feed}.ics", everyone(200, anon=200)),
    get("/sessions/feed/not-a-token.ics", allow(404, *SIGNED_IN, anon=404)),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_schedule(matrix, row, column):
    matrix.check(row, column)
