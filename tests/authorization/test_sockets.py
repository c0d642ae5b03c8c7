"""Live events (chat and dialogue): who may do what in which room, by the ack's error code.

The acks say ``ok``, or refuse with a stable code: ``not_member`` (may not read the room),
``forbidden`` (may read but not do this: coordinators and admins read along, only authors
change their messages, only lecturers moderate), ``not_found`` (an exchange the person may not
see is not admitted to exist). Two more students join the columns here: Bram of team 2, and
Dirk, who dropped out of team 1 (his old message stays, his rights do not).
"""

from __future__ import annotations

import pytest

from coil.accounts.models import User
from coil.chat.models import Room
from coil.dialogue.rounds import start_round
from coil.extensions import db
from tests.authorization.harness import (
    ADMIN,
    COORD,
    DROPPED,
    LECTURER,
    OTHER_TEAM,
    OUT_COORD,
    OUT_LECTURER,
    OUT_STUDENT,
    STUDENT,
    SocketRow,
    socket_cells,
)
from tests.conftest import socket_client

COLUMNS = (
    STUDENT,
    OTHER_TEAM,
    DROPPED,
    OUT_STUDENT,
    LECTURER,
    OUT_LECTURER,
    COORD,
    OUT_COORD,
    ADMIN,
)

# room -> (who reads it, who writes in it); lecturers moderate their exchange's rooms
READ = {
    "room": {STUDENT, LECTURER, COORD, ADMIN},
    "room_b": {OTHER_TEAM, LECTURER, COORD, ADMIN},
    "xroom": {STUDENT, OTHER_TEAM, LECTURER, COORD, ADMIN},
    "froom": {ADMIN},
}
WRITE = {
    "room": {STUDENT, LECTURER},
    "room_b": {OTHER_TEAM, LECTURER},
    "xroom": {STUDENT, OTHER_TEAM, LECTURER},
    "froom": set(),
}
MODERATE = {"room": {LECTURER}, "room_b": {LECTURER}, "xroom": {LECTURER}, "froom": set()}
# message -> (its room, its author's column)
MESSAGES = {
    "msg": ("room", STUDENT),
    "msg_b": ("room_b", OTHER_TEAM),
    "msg_x": ("xroom", LECTURER),
    "msg_f": ("froom", None),
    "msg_dirk": ("room", DROPPED),
}
LAST_MESSAGE = {"room": "msg", "room_b": "msg_b", "xroom": "msg_x", "froom": "msg_f"}


def reads(room: str) -> dict[str, str]:
    return {c: "ok" if c in READ[room] else "not_member" for c in COLUMNS}


def writes(room: str, ok: set[str] | None = None) -> dict[str, str]:
    """``ok`` for those allowed (default: every writer), ``forbidden`` for the other readers."""
    allowed = WRITE[room] if ok is None else ok
    return {
        c: "ok" if c in allowed else "forbidden" if c in READ[room] | WRITE[room] else "not_member"
        for c in COLUMNS
    }


def room_rows(room: str) -> list[SocketRow]:
    r = "{" + room + "}"
    msg = "{" + LAST_MESSAGE[room] + "}"
    rows = [
        SocketRow("join", {"room": r}, reads(room)),
        SocketRow("history", {"room": r}, reads(room)),
        SocketRow("read", {"room": r, "message": msg}, reads(room)),
        SocketRow("search", {"room": r, "q": "hello"}, reads(room)),
        SocketRow("dialogue.state", {"room": r}, reads(room)),
        SocketRow("send", {"room": r, "client_id": "cell", "body": "Hi"}, writes(room)),
        SocketRow("typing", {"room": r}, writes(room)),
        SocketRow("prompt.draw", {"room": r}, writes(room)),
        # moderating: refused as "forbidden" to anyone not a lecturer of the exchange
        SocketRow(
            "archive",
            {"room": r},
            {c: "ok" if c in MODERATE[room] else "forbidden" for c in COLUMNS},
        ),
        # leaving only takes the caller out of the room's presence: nothing to refuse
        SocketRow("leave", {"room": r}, dict.fromkeys(COLUMNS, "ok")),
    ]
    if room in ("room_b", "xroom"):  # no round runs there yet
        rows.append(SocketRow("round.start", {"room": r, "turn_seconds": 60}, writes(room)))
    return rows


def message_rows(message: str) -> list[SocketRow]:
    room, author = MESSAGES[message]
    m = "{" + message + "}"
    own = {author} & WRITE[room]  # an author who may still write there
    return [
        SocketRow("edit", {"message": m, "body": "Edited"}, writes(room, own)),
        SocketRow("delete", {"message": m}, writes(room, own)),
        SocketRow("react", {"message": m, "emoji": "👍"}, writes(room)),
        SocketRow(
            "remove",
            {"message": m},
            {c: "ok" if c in MODERATE[room] else "forbidden" for c in COLUMNS},
        ),
    ]


# A round runs in team 1's room (started by Lena, Anna speaking) and in the foreign room.
ROUND_STEERS = {"round": ("room", {STUDENT, LECTURER}), "fround": ("froom", set())}


def round_rows(name: str) -> list[SocketRow]:
    room, steer = ROUND_STEERS[name]
    r = "{" + name + "}"
    return [
        SocketRow("round.next", {"round": r, "turn": 0}, writes(room, steer)),
        SocketRow("round.end", {"round": r}, writes(room, steer)),
    ]


def exchange_rows() -> list[SocketRow]:
    viewers = {STUDENT, OTHER_TEAM, LECTURER, COORD, ADMIN}
    return [
        SocketRow("rooms", {}, dict.fromkeys(COLUMNS, "ok")),
        SocketRow(
            "topic",
            {"exchange": "{x}", "name": "Logistics"},
            {
                c: "ok" if c == LECTURER else "forbidden" if c in viewers else "not_found"
                for c in COLUMNS
            },
        ),
        SocketRow(
            "topic",
            {"exchange": "{fx}", "name": "Logistics"},
            {c: "forbidden" if c == ADMIN else "not_found" for c in COLUMNS},
        ),
    ]


def payload_rows() -> list[SocketRow]:
    """A room of one's own, an object of another room in the payload: refused for those who
    pass the room's check."""

    def refused(room: str, code: str) -> dict[str, str]:
        return {c: code if c in WRITE[room] else v for c, v in writes(room).items()}

    return [
        SocketRow(
            "send",
            {"room": "{room}", "client_id": "reply", "body": "Re", "reply_to": "{msg_f}"},
            refused("room", "not_found"),
        ),
        SocketRow(
            "read",
            {"room": "{room}", "message": "{msg_b}"},
            {c: "not_found" if v == "ok" else v for c, v in reads("room").items()},
        ),
        SocketRow(
            "round.start",
            {"room": "{xroom}", "people": ["{fanna_id}"], "turn_seconds": 60},
            refused("xroom", "empty"),
        ),
    ]


SOCKET_ROWS = [
    *(row for room in READ for row in room_rows(room)),
    *(row for message in MESSAGES for row in message_rows(message)),
    *(row for name in ROUND_STEERS for row in round_rows(name)),
    *exchange_rows(),
    *payload_rows(),
]


@pytest.fixture(scope="module")
def rounds(matrix):
    """Start the two rounds (a turn lasts ten minutes: none runs out during the module)."""
    ids = matrix.world.ids
    lena = db.session.get(User, ids["lena_id"])
    pieter = db.session.get(User, ids["pieter_id"])
    room = db.session.get(Room, ids["room"])
    froom = db.session.get(Room, ids["froom"])
    ids["round"] = start_round(lena, room, [ids["anna_id"]], 600).id
    ids["fround"] = start_round(pieter, froom, [ids["fanna_id"]], 600).id
    db.session.commit()
    db.session.remove()
    matrix.refresh_snapshot(matrix.snapshot.storage)
    return ids


@pytest.mark.parametrize(("row", "column"), socket_cells(SOCKET_ROWS, COLUMNS))
def test_sockets(matrix, rounds, row, column):
    matrix.check_socket(row, column)


def test_anonymous_visitors_cannot_connect(matrix):
    socket = socket_client(matrix.app, matrix.login("anon"))
    assert not socket.is_connected()
