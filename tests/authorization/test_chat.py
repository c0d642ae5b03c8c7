"""Chat pages: the room list, a room, an exchange's rooms, opening a topic room.

Members read their team's room and the exchange's room; the exchange's lecturers and
coordinators (and admins) read every room of it; the strangers none. Only the exchange's
lecturers open topic rooms. Live events are in test_sockets.py.
"""

from __future__ import annotations

import pytest

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

READERS = {
    "room": (STUDENT, *STAFF),
    "room_b": STAFF,
    "xroom": (STUDENT, *STAFF),
    "froom": (ADMIN,),
}

ROWS = [
    get("/rooms/", everyone(200)),
    *(get("/rooms/{" + room + "}", allow(200, *who)) for room, who in READERS.items()),
    get("/rooms/99999999", allow(404, refused=404)),
    # a team's room by team: a redirect to the room for its readers
    get("/rooms/teams/{team}", allow(302, *READERS["room"])),
    get("/rooms/teams/{team_b}", allow(302, *READERS["room_b"])),
    get("/rooms/teams/{fteam}", allow(302, ADMIN)),
    get("/rooms/exchanges/{x}", allow(200, STUDENT, *STAFF)),
    get("/rooms/exchanges/{fx}", allow(200, ADMIN)),
    post("/rooms/exchanges/{x}/topics", allow(302, LECTURER), data={"topic-{x}-name": "Logistics"}),
    post("/rooms/exchanges/{fx}/topics", allow(302), data={"topic-{fx}-name": "Logistics"}),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_chat(matrix, row, column):
    matrix.check(row, column)
