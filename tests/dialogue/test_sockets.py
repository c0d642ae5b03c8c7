"""Dialogue events over Socket.IO: acks, broadcasts to the room, refusals, malformed payloads."""

from __future__ import annotations

import pytest

from coil.core.time import utcnow
from coil.dialogue import rounds
from tests.conftest import AuthActions, socket_client
from tests.dialogue.conftest import write


@pytest.fixture()
def connect(app):
    """Open a Socket.IO connection logged in as a user; all are closed after the test."""
    opened = []

    def open_as(user):
        client = app.test_client()
        assert AuthActions(client).login(user.email).status_code == 302
        socket = socket_client(app, client)
        assert socket.is_connected()
        opened.append(socket)
        return socket

    yield open_as
    for socket in opened:
        if socket.is_connected():
            socket.disconnect()


def call(socket, event, payload):
    return socket.emit(event, payload, callback=True)


def events(socket, name):
    return [r["args"][0] for r in socket.get_received() if r["name"] == name]


def listening(connect, user, room):
    socket = connect(user)
    assert call(socket, "join", {"room": room.id})["ok"]
    socket.get_received()
    return socket


def test_state_of_a_quiet_room(world, connect):
    ack = call(connect(world.member), "dialogue.state", {"room": world.room_a.id})
    assert ack["ok"] and ack["round"] is None and ack["draw"] is None
    assert ack["now"].endswith("+00:00")


def test_a_round_runs_and_everyone_in_the_room_hears_it(world, db, connect, monkeypatch):
    monkeypatch.setattr(rounds._random, "shuffle", lambda items: None)
    anna = connect(world.member)
    dewi = listening(connect, world.teammate, world.room_a)
    people = [world.member.id, world.teammate.id, world.outsider.id]
    started = call(
        anna, "round.start", {"room": world.room_a.id, "people": people, "turn_seconds": 90}
    )
    assert started["ok"], started
    data = started["round"]
    assert [p["id"] for p in data["people"]] == [world.member.id, world.teammate.id]
    assert data["turn_seconds"] == 90 and data["speaker"] == world.member.id
    (heard,) = events(dewi, "round")
    assert heard["op"] == "started" and heard["round"]["id"] == data["id"]
    assert heard["room_id"] == world.room_a.id

    state = call(dewi, "dialogue.state", {"room": world.room_a.id})
    assert state["round"]["id"] == data["id"]

    moved = call(anna, "round.next", {"round": data["id"], "turn": 0, "passed": True})
    assert moved["ok"] and moved["round"]["turn"] == 1
    assert moved["round"]["people"][0]["status"] == "passed"
    assert call(anna, "round.next", {"round": data["id"], "turn": 0})["error"]["code"] == "conflict"
    ended = call(anna, "round.end", {"round": data["id"]})
    assert ended["ok"] and ended["round"]["ended"]
    assert [e["op"] for e in events(dewi, "round")] == ["advanced", "ended"]
    assert call(dewi, "dialogue.state", {"room": world.room_a.id})["round"] is None


def test_the_whole_room_takes_part_when_nobody_is_named(world, connect):
    ack = call(connect(world.member), "round.start", {"room": world.room_a.id})
    assert ack["ok"]
    assert sorted(p["id"] for p in ack["round"]["people"]) == sorted(
        [world.member.id, world.teammate.id]
    )
    assert ack["round"]["turn_seconds"] == 120


def test_a_drawn_card_is_shown_to_the_room(world, db, connect):
    card = write(world, "What does your campus smell like?")
    db.session.commit()
    dewi = listening(connect, world.teammate, world.room_a)
    ack = call(connect(world.member), "prompt.draw", {"room": world.room_a.id})
    assert ack["ok"] and ack["draw"]["card"] == {
        "id": card.id,
        "kind": "icebreaker",
        "text": "What does your campus smell like?",
    }
    (heard,) = events(dewi, "prompt")
    assert heard["op"] == "drawn" and heard["draw"] == ack["draw"]
    state = call(dewi, "dialogue.state", {"room": world.room_a.id})
    assert state["draw"] == ack["draw"]


def test_an_empty_deck_and_a_running_round_are_refused_with_codes(world, connect):
    anna = connect(world.member)
    assert call(anna, "prompt.draw", {"room": world.room_a.id})["error"]["code"] == "empty"
    assert call(anna, "round.start", {"room": world.room_a.id})["ok"]
    again = call(connect(world.teammate), "round.start", {"room": world.room_a.id})
    assert again["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("person", "room", "event", "code"),
    [
        ("outsider", "room_a", "dialogue.state", "not_member"),
        ("other_team", "room_a", "dialogue.state", "not_member"),
        ("other_team", "room_a", "round.start", "not_member"),
        ("dropped", "room_a", "prompt.draw", "not_member"),
        ("coordinator", "room_a", "round.start", "forbidden"),
        ("coordinator", "room_a", "prompt.draw", "forbidden"),
        ("foreign_lecturer", "exchange_room", "round.start", "not_member"),
    ],
)
def test_people_outside_the_room_are_refused(world, db, connect, person, room, event, code):
    write(world, "Hello?")
    db.session.commit()
    ack = call(connect(getattr(world, person)), event, {"room": getattr(world, room).id})
    assert ack == {"ok": False, "error": {"code": code, "message": ack["error"]["message"]}}


def test_a_round_in_another_team_cannot_be_steered(world, db, connect):
    started = call(connect(world.other_team), "round.start", {"room": world.room_b.id})
    anna = connect(world.member)
    for event, payload in (
        ("round.next", {"round": started["round"]["id"], "turn": 0}),
        ("round.end", {"round": started["round"]["id"]}),
    ):
        assert call(anna, event, payload)["error"]["code"] == "not_member"


def test_coordinators_read_the_state_but_do_not_steer(world, db, connect):
    started = call(connect(world.member), "round.start", {"room": world.room_a.id})
    cora = connect(world.coordinator)
    assert call(cora, "dialogue.state", {"room": world.room_a.id})["round"]["id"]
    ack = call(cora, "round.end", {"round": started["round"]["id"]})
    assert ack["error"]["code"] == "forbidden"


def test_an_archived_room_is_read_only(world, db, connect):
    write(world, "Hello?")
    world.room_a.archived_at = utcnow()
    db.session.commit()
    anna = connect(world.member)
    for event in ("round.start", "prompt.draw"):
        assert call(anna, event, {"room": world.room_a.id})["error"]["code"] == "archived"
    assert call(anna, "dialogue.state", {"room": world.room_a.id})["ok"]


def test_unknown_rooms_and_rounds_are_not_found(world, connect):
    anna = connect(world.member)
    for event, payload in (
        ("dialogue.state", {"room": 10**6}),
        ("round.start", {"room": 10**6}),
        ("prompt.draw", {"room": 10**6}),
        ("round.next", {"round": 10**6, "turn": 0}),
        ("round.end", {"round": 10**6}),
    ):
        assert call(anna, event, payload)["error"]["code"] == "not_found", event


MALFORMED = [
    ("dialogue.state", None),
    ("dialogue.state", "room 1"),
    ("dialogue.state", [1]),
    ("dialogue.state", {}),
    ("dialogue.state", {"room": "1"}),
    ("dialogue.state", {"room": True}),
    ("dialogue.state", {"room": -1}),
    ("round.start", {"people": []}),
    ("round.start", {"room": "ROOM", "people": "everyone"}),
    ("round.start", {"room": "ROOM", "people": [True]}),
    ("round.start", {"room": "ROOM", "people": ["1"]}),
    ("round.start", {"room": "ROOM", "people": [1] * 101}),
    ("round.start", {"room": "ROOM", "people": {"a": 1}}),
    ("round.start", {"room": "ROOM", "turn_seconds": "60"}),
    ("round.start", {"room": "ROOM", "turn_seconds": 5}),
    ("round.start", {"room": "ROOM", "turn_seconds": None}),
    ("round.next", {"round": "ROUND"}),
    ("round.next", {"round": "ROUND", "turn": -1}),
    ("round.next", {"round": "ROUND", "turn": True}),
    ("round.next", {"round": "ROUND", "turn": "0"}),
    ("round.next", {"round": "ROUND", "turn": 0, "passed": "yes"}),
    ("round.next", {"round": "1", "turn": 0}),
    ("round.end", {}),
    ("round.end", {"round": 1.5}),
    ("prompt.draw", {"room": "ROOM", "kind": 3}),
    ("prompt.draw", {"room": "ROOM", "kind": "nonsense"}),
    ("prompt.draw", {"room": "ROOM", "kind": ["icebreaker"]}),
]


@pytest.mark.parametrize(("event", "payload"), MALFORMED)
def test_malformed_payloads_get_an_error_ack(world, db, connect, event, payload):
    write(world, "Hello?")
    db.session.commit()
    anna = connect(world.member)
    running = call(anna, "round.start", {"room": world.room_a.id})["round"]
    real = {"ROOM": world.room_a.id, "ROUND": running["id"]}  # placeholders in MALFORMED
    if isinstance(payload, dict):
        payload = {k: real.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    ack = call(anna, event, payload)
    assert ack["ok"] is False and ack["error"]["code"] == "malformed", ack
