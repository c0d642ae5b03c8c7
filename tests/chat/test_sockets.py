"""Every live-room event over the Flask-SocketIO test client: acks, error codes, broadcasts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from coil.chat.models import Message, Room
from coil.core.time import utcnow
from coil.notifications.models import Notification
from tests.conftest import AuthActions, socket_client


def connect(app, world, person: str) -> Any:
    """Log ``person`` of the world in with their own cookie jar and open a socket."""
    client = app.test_client()
    AuthActions(client).login(getattr(world, person).email)
    socket = socket_client(app, client)
    assert socket.is_connected()
    return socket


def events(socket, name: str) -> list[dict[str, Any]]:
    """Return the payloads of the ``name`` events ``socket`` received (and forget the rest)."""
    found = []
    for packet in socket.get_received():
        if packet["name"] == name:
            args = packet["args"]
            found.append(args[0] if isinstance(args, list) else args)
    return found


def send(socket, room: Room, client_id: str, body: Any = "Hello", **extra: Any) -> dict:
    payload = {"room": room.id, "client_id": client_id, "body": body, **extra}
    return socket.emit("send", payload, callback=True)


def code(ack: dict) -> str:
    assert ack["ok"] is False, ack
    return ack["error"]["code"]


# -- authorization --------------------------------------------------------------------------------

# (person, room) -> what join and send answer
MATRIX = [
    ("member", "room_a", None, None),
    ("other_team", "room_a", "not_member", "not_member"),
    ("outsider", "room_a", "not_member", "not_member"),
    ("foreign_lecturer", "room_a", "not_member", "not_member"),
    ("dropped", "room_a", "not_member", "not_member"),
    ("lecturer", "room_a", None, None),
    ("coordinator", "room_a", None, "forbidden"),
    ("other_team", "exchange_room", None, None),
    ("outsider", "exchange_room", "not_member", "not_member"),
]


@pytest.mark.parametrize(("person", "room", "join_error", "send_error"), MATRIX)
def test_join_and_send_are_checked_against_the_database(
    app, world, person, room, join_error, send_error
):
    socket = connect(app, world, person)
    target = getattr(world, room)
    joined = socket.emit("join", {"room": target.id}, callback=True)
    sent = send(socket, target, "c1")
    if join_error:
        assert code(joined) == join_error
        assert "messages" not in joined
    else:
        assert joined["ok"] and joined["room"]["id"] == target.id
    if send_error:
        assert code(sent) == send_error
    else:
        assert sent["ok"] and sent["message"]["body"] == "Hello"


def test_anonymous_and_hand_crafted_clients_get_nothing(app, client, world, db):
    anonymous = socket_client(app, client)
    assert not anonymous.is_connected()
    outsider = connect(app, world, "outsider")
    for event, payload in [
        ("join", {"room": world.room_a.id}),
        ("join", {"room": world.room_a.id, "after": 0}),
        ("history", {"room": world.room_a.id}),
        ("search", {"room": world.room_a.id, "q": "a"}),
        ("typing", {"room": world.room_a.id}),
    ]:
        assert code(outsider.emit(event, payload, callback=True)) == "not_member", event
    member = connect(app, world, "member")
    message = send(member, world.room_a, "secret", "Team only")["message"]
    assert code(outsider.emit("edit", {"message": message["id"], "body": "x"}, callback=True)) in (
        "not_member",
    )
    assert code(
        outsider.emit("react", {"message": message["id"], "emoji": "👍"}, callback=True)
    ) == ("not_member")
    assert code(
        outsider.emit("read", {"room": world.room_a.id, "message": message["id"]}, callback=True)
    ) == ("not_member")
    assert not [e for e in events(outsider, "message") if e.get("room_id") == world.room_a.id]


def test_a_room_the_user_was_removed_from_is_refused_at_the_next_event(app, world, db):
    socket = connect(app, world, "member")
    assert socket.emit("join", {"room": world.room_a.id}, callback=True)["ok"]
    from coil.exchanges.models import Enrolment

    db.session.execute(
        Enrolment.__table__.update()
        .where(Enrolment.user_id == world.member.id)
        .values(status="dropped")
    )
    db.session.commit()
    assert code(send(socket, world.room_a, "late")) == "not_member"


# -- malformed payloads ---------------------------------------------------------------------------

BAD_PAYLOADS = [None, "text", 42, [], {"room": "1"}, {"room": True}, {"room": -1}, {"room": 2**40}]


@pytest.mark.parametrize(
    "event",
    ["join", "leave", "history", "send", "edit", "delete", "remove", "react", "read", "typing",
     "search", "archive", "topic", "rooms"],
)  # fmt: skip
def test_malformed_payloads_get_an_error_ack_and_never_raise(app, world, event):
    socket = connect(app, world, "member")
    for payload in BAD_PAYLOADS:
        ack = socket.emit(event, payload, callback=True)
        if event == "rooms" and isinstance(payload, dict):
            assert ack["ok"]  # rooms needs nothing from the payload
            continue
        assert code(ack) in ("malformed", "not_found"), (event, payload, ack)
        assert ack["error"]["message"]


def test_malformed_details_of_a_send(app, world):
    socket = connect(app, world, "member")
    assert code(send(socket, world.room_a, None)) == "malformed"
    assert code(send(socket, world.room_a, "x" * 65)) == "malformed"
    assert code(send(socket, world.room_a, "c1", body=["no"])) == "malformed"
    assert code(send(socket, world.room_a, "c2", body="   ")) == "empty"
    assert code(send(socket, world.room_a, "c3", reply_to="1")) == "malformed"
    assert code(send(socket, world.room_a, "c4", reply_to=999999)) == "not_found"
    assert code(socket.emit("join", {"room": world.room_a.id, "after": -1}, callback=True)) == (
        "malformed"
    )


def test_too_long_messages_are_refused_with_the_configured_limit(app, world):
    app.config["CHAT_MAX_CHARS"] = 10
    socket = connect(app, world, "member")
    ack = send(socket, world.room_a, "c1", "x" * 11)
    assert code(ack) == "too_long" and "10" in ack["error"]["message"]
    assert send(socket, world.room_a, "c2", "x" * 10)["ok"]


def test_the_rate_limit_answers_rate_limited(app, world, db):
    app.config["CHAT_RATE_LIMIT"] = "3 per minute"
    app.extensions.pop("coil_chat_ratelimit", None)
    socket = connect(app, world, "member")
    acks = [send(socket, world.room_a, f"c{k}") for k in range(5)]
    assert [a["ok"] for a in acks] == [True, True, True, False, False]
    assert code(acks[3]) == "rate_limited"
    assert db.session.scalar(select(func.count(Message.id))) == 3


# -- join, send, catch up -------------------------------------------------------------------------


def test_send_is_stored_before_the_broadcast_and_the_ack_carries_it(app, world, db):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    for socket in (anna, dewi):
        socket.emit("join", {"room": world.room_a.id}, callback=True)
        socket.get_received()
    ack = send(anna, world.room_a, "c1", "Hi **Dewi**")
    stored = db.session.scalar(select(Message).where(Message.client_id == "c1"))
    assert ack["ok"] and ack["message"]["id"] == stored.id
    assert ack["message"]["created_at"] == stored.created_at.isoformat()
    assert ack["message"]["html"] == "<p>Hi <strong>Dewi</strong></p>"
    received = events(dewi, "message")
    assert [(e["op"], e["id"]) for e in received] == [("created", stored.id)]


def test_a_resend_returns_the_stored_message_and_is_not_broadcast_again(app, world, db):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    dewi.emit("join", {"room": world.room_a.id}, callback=True)
    first = send(anna, world.room_a, "same-id", "Once")
    again = send(anna, world.room_a, "same-id", "Once")
    assert first["message"] == again["message"]
    assert db.session.scalar(select(func.count(Message.id))) == 1
    assert len(events(dewi, "message")) == 1


def test_join_returns_recent_history_unread_and_presence(app, world):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    for k in range(3):
        send(anna, world.room_a, f"c{k}", f"m{k}")
    dewi_join = dewi.emit("join", {"room": world.room_a.id, "limit": 2}, callback=True)
    assert [m["body"] for m in dewi_join["messages"]] == ["m1", "m2"]
    assert dewi_join["more"] is True and dewi_join["unread"] == 3
    assert dewi_join["presence"] == [{"id": world.teammate.id, "name": "Dewi"}]
    older = dewi.emit(
        "history",
        {"room": world.room_a.id, "before": dewi_join["messages"][0]["id"]},
        callback=True,
    )
    assert [m["body"] for m in older["messages"]] == ["m0"] and older["more"] is False
    anna.emit("join", {"room": world.room_a.id}, callback=True)
    (seen,) = [e for e in events(dewi, "presence") if len(e["users"]) == 2]
    assert {u["name"] for u in seen["users"]} == {"Anna", "Dewi"}


def test_reconnect_with_the_last_seen_id_catches_up_in_order(app, world):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    joined = dewi.emit("join", {"room": world.room_a.id}, callback=True)
    last_seen = send(anna, world.room_a, "before", "seen")["message"]["id"]
    dewi.disconnect()
    missed = [send(anna, world.room_a, f"gap{k}", f"missed {k}")["message"]["id"] for k in range(4)]
    dewi = connect(app, world, "teammate")
    back = dewi.emit("join", {"room": world.room_a.id, "after": last_seen}, callback=True)
    assert joined["ok"] and [m["id"] for m in back["messages"]] == missed
    assert [m["body"] for m in back["messages"]] == [f"missed {k}" for k in range(4)]


def test_leaving_and_disconnecting_update_presence(app, world):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    anna.emit("join", {"room": world.room_a.id}, callback=True)
    dewi.emit("join", {"room": world.room_a.id}, callback=True)
    anna.get_received()
    dewi.emit("leave", {"room": world.room_a.id}, callback=True)
    assert events(anna, "presence")[-1]["users"] == [{"id": world.member.id, "name": "Anna"}]
    dewi.emit("join", {"room": world.room_a.id}, callback=True)
    anna.get_received()
    dewi.disconnect()
    assert events(anna, "presence")[-1]["users"] == [{"id": world.member.id, "name": "Anna"}]


# -- edit, delete, remove, react, read ------------------------------------------------------------


def test_edit_and_delete_own_messages_only(app, world):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    dewi.emit("join", {"room": world.room_a.id}, callback=True)
    message_id = send(anna, world.room_a, "c1", "Helo")["message"]["id"]
    dewi.get_received()
    edited = anna.emit("edit", {"message": message_id, "body": "Hello"}, callback=True)
    assert edited["message"]["edited"] and edited["message"]["body"] == "Hello"
    assert code(dewi.emit("edit", {"message": message_id, "body": "Mine"}, callback=True)) == (
        "forbidden"
    )
    assert code(dewi.emit("delete", {"message": message_id}, callback=True)) == "forbidden"
    deleted = anna.emit("delete", {"message": message_id}, callback=True)
    assert deleted["message"]["deleted"]
    ops = [(e["op"], e["body"]) for e in events(dewi, "message")]
    assert ops == [("updated", "Hello"), ("deleted", None)]
    assert code(anna.emit("edit", {"message": message_id, "body": "again"}, callback=True)) == (
        "not_found"
    )


def test_lecturers_remove_messages_students_cannot(app, world):
    anna, lena = connect(app, world, "member"), connect(app, world, "lecturer")
    message_id = send(anna, world.room_a, "c1", "Off topic")["message"]["id"]
    assert code(anna.emit("remove", {"message": message_id}, callback=True)) == "forbidden"
    removed = lena.emit("remove", {"message": message_id}, callback=True)
    assert removed["message"]["removed"] and removed["message"]["body"] == "Off topic"  # staff view
    history = anna.emit("join", {"room": world.room_a.id}, callback=True)["messages"]
    assert history[0]["removed"] and history[0]["body"] is None


def test_reactions_toggle_and_reach_the_room(app, world):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    anna.emit("join", {"room": world.room_a.id}, callback=True)
    message_id = send(anna, world.room_a, "c1", "Coffee?")["message"]["id"]
    anna.get_received()
    assert dewi.emit("react", {"message": message_id, "emoji": "👍"}, callback=True)[
        "reactions"
    ] == {"👍": 1}
    assert (
        dewi.emit("react", {"message": message_id, "emoji": "👍", "on": False}, callback=True)[
            "reactions"
        ]
        == {}
    )
    assert [e["reactions"] for e in events(anna, "message")] == [{"👍": 1}, {}]
    assert code(dewi.emit("react", {"message": message_id, "emoji": "x" * 17}, callback=True)) == (
        "malformed"
    )
    assert code(
        dewi.emit("react", {"message": message_id, "emoji": "👍", "on": "yes"}, callback=True)
    ) == ("malformed")


def test_read_lowers_the_unread_count_and_tells_the_readers_other_tabs(app, world):
    anna, dewi, dewi_tab = (
        connect(app, world, "member"),
        connect(app, world, "teammate"),
        connect(app, world, "teammate"),
    )
    ids = [send(anna, world.room_a, f"c{k}", f"m{k}")["message"]["id"] for k in range(3)]
    rooms = dewi.emit("rooms", {}, callback=True)["rooms"]
    assert {r["id"]: r["unread"] for r in rooms}[world.room_a.id] == 3
    dewi_tab.get_received()
    assert (
        dewi.emit("read", {"room": world.room_a.id, "message": ids[1]}, callback=True)["unread"]
        == 1
    )
    assert events(dewi_tab, "unread") == [
        {"type": "unread", "op": "changed", "room_id": world.room_a.id, "unread": 1}
    ]


def test_rooms_lists_own_rooms_and_subscribes_to_their_messages(app, world):
    anna, bram = connect(app, world, "member"), connect(app, world, "other_team")
    listed = bram.emit("rooms", {"subscribe": True}, callback=True)["rooms"]
    assert {r["id"] for r in listed} == {world.exchange_room.id, world.room_b.id}
    send(anna, world.room_a, "team", "for team A")
    send(anna, world.exchange_room, "all", "for everyone")
    assert [e["body"] for e in events(bram, "message")] == ["for everyone"]


# -- typing, search, archive, topics, mentions ----------------------------------------------------


def test_typing_reaches_the_others_not_the_typist_and_is_throttled(app, world):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    for socket in (anna, dewi):
        socket.emit("join", {"room": world.room_a.id}, callback=True)
        socket.get_received()
    assert anna.emit("typing", {"room": world.room_a.id}, callback=True)["passed_on"] is True
    assert anna.emit("typing", {"room": world.room_a.id}, callback=True)["passed_on"] is False
    assert anna.emit("typing", {"room": world.room_a.id, "typing": False}, callback=True)[
        "passed_on"
    ]
    assert [(e["op"], e["user"]["name"]) for e in events(dewi, "typing")] == [
        ("started", "Anna"),
        ("stopped", "Anna"),
    ]
    assert events(anna, "typing") == []


def test_search_finds_visible_messages_only(app, world):
    anna = connect(app, world, "member")
    send(anna, world.room_a, "c1", "Meeting on Tuesday")
    gone = send(anna, world.room_a, "c2", "tuesday is cancelled")["message"]["id"]
    send(anna, world.room_a, "c3", "100% sure")
    anna.emit("delete", {"message": gone}, callback=True)
    found = anna.emit("search", {"room": world.room_a.id, "q": "TUESDAY"}, callback=True)
    assert [m["body"] for m in found["messages"]] == ["Meeting on Tuesday"]
    percent = anna.emit("search", {"room": world.room_a.id, "q": "0%"}, callback=True)["messages"]
    assert [m["body"] for m in percent] == ["100% sure"]
    assert code(anna.emit("search", {"room": world.room_a.id, "q": " "}, callback=True)) == (
        "malformed"
    )


def test_archive_makes_the_room_read_only(app, world):
    anna, lena = connect(app, world, "member"), connect(app, world, "lecturer")
    assert code(anna.emit("archive", {"room": world.room_a.id}, callback=True)) == "forbidden"
    anna.emit("join", {"room": world.room_a.id}, callback=True)
    anna.get_received()
    assert lena.emit("archive", {"room": world.room_a.id}, callback=True)["room"]["archived"]
    assert events(anna, "room") == [{"type": "room", "op": "archived", "id": world.room_a.id}]
    assert code(send(anna, world.room_a, "late")) == "archived"
    assert anna.emit("join", {"room": world.room_a.id}, callback=True)["room"]["can_post"] is False


def test_lecturers_open_topic_rooms_for_the_whole_exchange(app, world, db):
    lena, bram, anna = (
        connect(app, world, "lecturer"),
        connect(app, world, "other_team"),
        connect(app, world, "member"),
    )
    bram.emit("rooms", {"subscribe": True}, callback=True)
    assert code(
        anna.emit("topic", {"exchange": world.exchange.id, "name": "x"}, callback=True)
    ) == ("forbidden")
    assert code(
        lena.emit("topic", {"exchange": world.exchange.id, "name": " "}, callback=True)
    ) == ("empty")
    opened = lena.emit(
        "topic", {"exchange": world.exchange.id, "name": "Sustainability"}, callback=True
    )
    room_id = opened["room"]["id"]
    assert [e["name"] for e in events(bram, "room")] == ["Sustainability"]
    assert bram.emit("join", {"room": room_id}, callback=True)["ok"]
    outsider = connect(app, world, "outsider")
    assert code(outsider.emit("join", {"room": room_id}, callback=True)) == "not_member"
    assert (
        code(outsider.emit("topic", {"exchange": world.exchange.id, "name": "x"}, callback=True))
        == "not_found"
    )


def test_mentions_notify_room_members_only(app, world, db):
    anna = connect(app, world, "member")
    send(anna, world.room_a, "c1", "@dewi can you ask @Bram and @Lena? @Anna")
    told = db.session.scalars(select(Notification).where(Notification.kind == "mentioned")).all()
    assert {n.user_id for n in told} == {world.teammate.id, world.lecturer.id}
    assert told[0].params == {"author": "Anna", "room": "Team Kopi"}
    assert f"/rooms/{world.room_a.id}#message-" in told[0].link


def test_an_unexpected_failure_is_an_error_ack_not_a_crash(app, world, monkeypatch):
    from coil.chat import rooms

    def explode(*_args):
        raise RuntimeError("database went away")

    monkeypatch.setattr(rooms, "search", explode)
    anna = connect(app, world, "member")
    ack = anna.emit("search", {"room": world.room_a.id, "q": "x"}, callback=True)
    assert code(ack) == "server_error"
    assert anna.emit("join", {"room": world.room_a.id}, callback=True)["ok"]


def test_a_revoked_account_is_refused_at_the_next_event(app, world, db):
    anna = connect(app, world, "member")
    world.member.active = False
    db.session.commit()
    assert code(anna.emit("join", {"room": world.room_a.id}, callback=True)) == "unauthorized"


def test_joining_a_room_during_a_live_session_records_attendance(app, world, db):
    from datetime import timedelta

    from coil.schedule.models import Attendance, LiveSession

    now = utcnow()

    def session(title: str, team, start: timedelta, end: timedelta) -> LiveSession:
        row = LiveSession(
            exchange_id=world.exchange.id,
            team_id=team.id if team else None,
            title=title,
            starts_at=now + start,
            ends_at=now + end,
            timezone="Europe/Amsterdam",
            uid=f"{title}@test",
        )
        db.session.add(row)
        return row

    team_now = session("Team A now", world.team_a, timedelta(minutes=5), timedelta(hours=1))
    session("Team A later", world.team_a, timedelta(hours=2), timedelta(hours=3))
    session("Everyone now", None, timedelta(minutes=-30), timedelta(minutes=30))
    db.session.commit()
    anna = connect(app, world, "member")
    assert anna.emit("join", {"room": world.room_a.id}, callback=True)["ok"]
    rows = db.session.scalars(select(Attendance)).all()
    assert [(r.session_id, r.user_id, r.source) for r in rows] == [
        (team_now.id, world.member.id, "presence")
    ]
    connect(app, world, "lecturer").emit("join", {"room": world.room_a.id}, callback=True)
    assert db.session.scalar(select(func.count(Attendance.id))) == 1  # staff are not participants


def test_pages_tell_each_viewer_their_own_reactions(app, world):
    anna, dewi = connect(app, world, "member"), connect(app, world, "teammate")
    message_id = send(anna, world.room_a, "c1", "Coffee?")["message"]["id"]
    dewi.emit("react", {"message": message_id, "emoji": "☕"}, callback=True)
    anna.emit("react", {"message": message_id, "emoji": "👍"}, callback=True)
    (for_dewi,) = dewi.emit("join", {"room": world.room_a.id}, callback=True)["messages"]
    (for_anna,) = anna.emit("history", {"room": world.room_a.id}, callback=True)["messages"]
    assert for_dewi["reactions"] == for_anna["reactions"] == {"☕": 1, "👍": 1}
    assert (for_dewi["mine"], for_anna["mine"]) == (["☕"], ["👍"])
