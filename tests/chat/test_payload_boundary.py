"""The socket payload boundary: no payload, however odd, makes any event answer server_error.

Hypothesis builds payloads for every registered event from its declared fields (and a few
undeclared ones): real ids of the world, ids past the database's range, negatives, lone
surrogates and NULs in texts, floats, lists, nested objects. Every ack must be an answer the
document lists, never ``server_error``; the hand-written cases pin the codes the protocol
promises for the values the outside probe found.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coil.chat.models import Message
from coil.core.sockets import EVENTS
from tests.chat.test_sockets import code, connect, send

CODES = {
    "unauthorized",
    "malformed",
    "not_found",
    "not_member",
    "forbidden",
    "archived",
    "empty",
    "too_long",
    "rate_limited",
    "busy",
    "conflict",
}

odd_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "ok\x00", "👍", "", "  ", "x" * 5000]),
)
odd_int = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 501, 500]),
)
leaf = st.one_of(st.none(), st.booleans(), odd_int, st.floats(allow_nan=True), odd_text)
value = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def payloads(event: str, real_ids: list[int]) -> st.SearchStrategy[Any]:
    """Objects with the event's declared fields (some real ids among the values), or junk."""
    special = st.sampled_from(["\ud800", "a\x00", 2**63, 2**31, -1, 0, 501, 1.5, [], {}])
    field_value = st.one_of(special, st.sampled_from(real_ids), value)
    objects = st.fixed_dictionaries(
        {}, optional={key: field_value for key in [*EVENTS[event], "extra"]}
    )
    return st.one_of(objects, objects, value)


@pytest.fixture()
def lena(app, world):
    app.config["CHAT_RATE_LIMIT"] = "1000000 per 1 second"  # the limit is not under test here
    socket = connect(app, world, "lecturer")
    sent = send(socket, world.room_a, "seed", "Hello @Anna")
    assert sent["ok"], sent
    return socket


def real_ids(world, db) -> list[int]:
    ids = [world.room_a.id, world.exchange_room.id, world.exchange.id, world.member.id]
    ids += list(db.session.scalars(db.select(Message.id)))
    return ids


# Every client event of docs/realtime.md (the handlers register when the app is made).
DOCUMENTED = [
    "rooms", "join", "leave", "history", "send", "edit", "delete", "remove", "react",
    "read", "typing", "search", "archive", "topic",
    "dialogue.state", "round.start", "round.next", "round.end", "prompt.draw",
]  # fmt: skip


@pytest.mark.parametrize("event", DOCUMENTED)
def test_no_payload_makes_an_event_fail_on_the_server(app, world, db, lena, event):
    ids = real_ids(world, db)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(payload=payloads(event, ids))
    def check(payload: Any) -> None:
        ack = lena.emit(event, payload, callback=True)
        assert isinstance(ack, dict), ack
        if not ack["ok"]:
            assert ack["error"]["code"] in CODES, (event, payload, ack)
            assert ack["error"]["message"]

    check()


def test_every_registered_event_is_documented_and_declares_its_fields(app):
    assert set(EVENTS) == set(DOCUMENTED)


BAD = [
    ("send", {"client_id": "c-bad", "body": "\ud800"}),
    ("send", {"client_id": "\ud800", "body": "hi"}),
    ("send", {"client_id": "c-nul", "body": "a\x00b"}),
    ("send", {"client_id": "c-big", "body": "hi", "reply_to": 2**63}),
    ("send", {"client_id": "c-neg", "body": "hi", "reply_to": -1}),
    ("join", {"after": 2**63}),
    ("join", {"after": -1}),
    ("join", {"limit": 501}),
    ("join", {"limit": 0}),
    ("history", {"limit": 501}),
    ("history", {"before": -5}),
    ("read", {"message": 2**63}),
    ("read", {"message": -1}),
    ("read", {"message": 2**31}),
    ("search", {"q": "\udfff"}),
    ("typing", {"typing": "yes"}),
]


@pytest.mark.parametrize(("event", "extra"), BAD)
def test_out_of_range_and_unstorable_values_are_malformed(app, world, lena, event, extra):
    ack = lena.emit(event, {"room": world.room_a.id, **extra}, callback=True)
    assert code(ack) == "malformed"


def test_message_events_refuse_unstorable_text_and_huge_ids(app, world, db, lena):
    message_id = db.session.scalar(db.select(Message.id))
    assert code(lena.emit("edit", {"message": message_id, "body": "\ud800"}, callback=True)) == (
        "malformed"
    )
    react = {"message": message_id, "emoji": "\ud83d"}
    assert code(lena.emit("react", react, callback=True)) == "malformed"
    assert code(lena.emit("delete", {"message": 2**64}, callback=True)) == "malformed"
    topic = {"exchange": world.exchange.id, "name": "Caf\udce9"}
    assert code(lena.emit("topic", topic, callback=True)) == "malformed"
    assert code(lena.emit("topic", {"exchange": -3, "name": "x"}, callback=True)) == "malformed"


def test_the_largest_page_is_still_served(app, world, lena):
    joined = lena.emit("join", {"room": world.room_a.id, "limit": 500}, callback=True)
    assert joined["ok"] and len(joined["messages"]) == 1


def test_unknown_events_are_answered(app, world, lena):
    ack = lena.emit("sendd", {"room": world.room_a.id}, callback=True)
    assert code(ack) == "unknown_event"
    assert ack["error"]["message"]


def test_a_broken_frame_is_one_line_in_the_log_and_the_connection_stays(app, world, lena, caplog):
    from coil.extensions import socketio

    engine = socketio.server.eio
    frames = ["42" + "[" * 100_000, '42["join",{"room":', "9nonsense", '42[{"a":1}]']
    for frame in frames:  # as Engine.IO hands a received frame to Socket.IO
        engine._trigger_event("message", lena.eio_sid, frame)
    logged = [r for r in caplog.records if r.name == "engineio.server"]
    assert len(logged) == len(frames)
    assert all(r.exc_info is None and r.levelname == "WARNING" for r in logged)
    assert all(r.getMessage().startswith("socket frame dropped: ") for r in logged)
    assert all("\n" not in r.getMessage() for r in logged)
    assert lena.emit("rooms", {}, callback=True)["ok"]


def test_every_body_the_limit_allows_fits_in_one_engine_io_frame(app, world, lena):
    from coil.extensions import socketio

    frame = socketio.server.eio.max_http_buffer_size
    assert frame == 1_000_000  # the figure docs/realtime.md gives
    # JSON escapes a code point to at most 12 bytes ("\\ud83d\\ude00"); 1 KB for the rest.
    assert app.config["CHAT_MAX_CHARS"] * 12 + 1024 <= frame
    worst = "\U0001f600" * app.config["CHAT_MAX_CHARS"]
    sent = send(lena, world.room_a, "worst", worst)
    assert sent["ok"], sent
    over = send(lena, world.room_a, "over", "x" * 200_000)  # over the limit, under a frame
    assert code(over) == "too_long"
    assert lena.emit("rooms", {}, callback=True)["ok"]
