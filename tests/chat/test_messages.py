"""Posting, resending, paging, catching up, editing, deleting, removing, reading, reacting."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from coil.chat import sending, services
from coil.chat.models import Message, Reaction
from coil.core.errors import ServiceError


def post_many(world, count: int, room=None, author=None) -> list[Message]:
    room, author = room or world.room_a, author or world.member
    return [sending.post_message(author, room, f"c{k}", f"message {k}")[0] for k in range(count)]


def test_resend_with_the_same_client_id_stores_one_message_and_one_event(world, db, emitted):
    first, created = sending.post_message(world.member, world.room_a, "abc-1", "  Hello team  ")
    db.session.commit()
    again, created_again = sending.post_message(world.member, world.room_a, "abc-1", "Hello team")
    db.session.commit()
    assert created and not created_again
    assert again.id == first.id and first.body == "Hello team"
    assert db.session.scalar(select(func.count(Message.id))) == 1
    emitted.assert_called_once()
    event, payload = emitted.call_args.args
    assert event == "message"
    assert emitted.call_args.kwargs == {"to": f"room:{world.room_a.id}"}
    assert payload["type"] == "message" and payload["op"] == "created"
    assert payload["id"] == first.id and payload["body"] == "Hello team"
    assert payload["author"] == {"id": world.member.id, "name": "Anna"}


def test_the_same_client_id_of_another_author_is_another_message(world, db):
    sending.post_message(world.member, world.room_a, "same", "From Anna")
    _, created = sending.post_message(world.teammate, world.room_a, "same", "From Dewi")
    assert created


def test_no_event_leaves_when_the_transaction_rolls_back(world, db, emitted):
    sending.post_message(world.member, world.room_a, "gone", "Never stored")
    db.session.rollback()
    db.session.commit()
    emitted.assert_not_called()
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_catch_up_returns_everything_after_an_id_in_order(world, db):
    messages = post_many(world, 6)
    caught = services.since(world.teammate, world.room_a, messages[2].id)
    assert [m.id for m in caught] == [m.id for m in messages[3:]]
    assert services.since(world.teammate, world.room_a, messages[-1].id) == []
    assert [m.id for m in services.since(world.teammate, world.room_a, 0, limit=2)] == [
        messages[0].id,
        messages[1].id,
    ]


def test_history_pages_backwards_and_returns_each_page_oldest_first(world, db):
    messages = post_many(world, 7)
    post_many(world, 2, room=world.room_b, author=world.other_team)  # another room
    newest = services.history(world.teammate, world.room_a, limit=3)
    assert [m.id for m in newest] == [m.id for m in messages[4:]]
    older = services.history(world.teammate, world.room_a, before_id=newest[0].id, limit=3)
    assert [m.id for m in older] == [m.id for m in messages[1:4]]
    oldest = services.history(world.teammate, world.room_a, before_id=older[0].id, limit=3)
    assert [m.id for m in oldest] == [messages[0].id]


@pytest.mark.parametrize(
    ("client_id", "body", "code"),
    [
        ("c", "   ", "empty"),
        ("c", "", "empty"),
        ("c", "x" * 41, "too_long"),
        ("c", None, "malformed"),
        ("c", 42, "malformed"),
        ("", "Hello", "malformed"),
        ("x" * 65, "Hello", "malformed"),
        (None, "Hello", "malformed"),
    ],
)
def test_refused_messages_carry_a_stable_code(app, world, db, client_id, body, code):
    app.config["CHAT_MAX_CHARS"] = 40
    with pytest.raises(ServiceError) as refused:
        sending.post_message(world.member, world.room_a, client_id, body)
    assert refused.value.code == code
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_the_limit_counts_the_stripped_text_and_defaults_to_4000(app, world, db):
    app.config.pop("CHAT_MAX_CHARS", None)
    sending.post_message(world.member, world.room_a, "a", "  " + "x" * 4000 + "  ")
    with pytest.raises(ServiceError) as refused:
        sending.post_message(world.member, world.room_a, "b", "x" * 4001)
    assert refused.value.code == "too_long"


def test_a_reply_must_be_in_the_same_room(world, db):
    elsewhere, _ = sending.post_message(world.other_team, world.room_b, "b1", "Team B here")
    original, _ = sending.post_message(world.member, world.room_a, "a1", "Question?")
    reply, _ = sending.post_message(world.teammate, world.room_a, "a2", "Answer", original.id)
    assert reply.reply_to_id == original.id
    for bad, code in ((elsewhere.id, "not_found"), (10**9, "not_found"), ("1", "malformed")):
        with pytest.raises(ServiceError) as refused:
            sending.post_message(world.teammate, world.room_a, f"r{bad}", "Answer", bad)
        assert refused.value.code == code


def test_a_client_id_reused_in_another_room_is_refused(world, db):
    sending.post_message(world.member, world.room_a, "once", "Team room")
    with pytest.raises(ServiceError) as refused:
        sending.post_message(world.member, world.exchange_room, "once", "Exchange room")
    assert refused.value.code == "malformed"


def test_serialise_gives_utc_times_and_flags(world, db):
    message, _ = sending.post_message(world.member, world.room_a, "s", "Hi")
    db.session.commit()
    data = services.serialise(message, world.teammate)
    assert data["room_id"] == world.room_a.id
    assert data["reply_to_id"] is None
    assert datetime.fromisoformat(data["created_at"]).utcoffset().total_seconds() == 0
    assert (data["edited"], data["deleted"], data["removed"]) == (False, False, False)
    assert data["reactions"] == {}


def test_authors_edit_their_own_messages_only(world, db, emitted):
    message, _ = sending.post_message(world.member, world.room_a, "e", "Helo")
    with pytest.raises(ServiceError) as refused:
        services.edit_message(world.teammate, message, "Hello")
    assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError) as refused:
        services.edit_message(world.member, message, " ")
    assert refused.value.code == "empty"
    services.edit_message(world.member, message, "Hello")
    db.session.commit()
    assert services.serialise(message, world.teammate)["edited"] is True
    assert message.body == "Hello"
    assert [c.args[1]["op"] for c in emitted.call_args_list] == ["created", "updated"]


def test_deleted_messages_lose_their_text_for_students_only(world, db):
    message, _ = sending.post_message(world.member, world.room_a, "d", "Oops")
    with pytest.raises(ServiceError) as refused:
        services.delete_message(world.teammate, message)
    assert refused.value.code == "forbidden"
    services.delete_message(world.member, message)
    for student in (world.member, world.teammate):
        seen = services.serialise(message, student)
        assert seen["deleted"] is True and seen["body"] is None
    assert services.serialise(message, world.lecturer)["body"] == "Oops"
    with pytest.raises(ServiceError) as refused:
        services.edit_message(world.member, message, "Back")
    assert refused.value.code == "not_found"


def test_lecturers_remove_messages_which_stay_for_the_record(world, db, emitted):
    message, _ = sending.post_message(world.member, world.room_a, "r", "Rude words")
    for actor in (world.teammate, world.coordinator, world.foreign_lecturer):
        with pytest.raises(ServiceError) as refused:
            services.remove_message(actor, message)
        assert refused.value.code == "forbidden"
    services.remove_message(world.lecturer, message)
    db.session.commit()
    assert db.session.get(Message, message.id).removed_by_id == world.lecturer.id
    assert services.serialise(message, world.teammate)["body"] is None
    assert services.serialise(message, world.member)["body"] is None
    for staff in (world.lecturer, world.partner_lecturer, world.coordinator):
        seen = services.serialise(message, staff)
        assert seen["removed"] is True and seen["body"] == "Rude words"
    removed_event = emitted.call_args_list[-1].args[1]
    assert removed_event["op"] == "removed" and removed_event["body"] is None
    page = services.serialise_page(
        services.history(world.teammate, world.room_a), world.teammate, world.room_a
    )
    assert [m["body"] for m in page] == [None]


def test_unread_counts_follow_the_read_marker(world, db):
    mine = sending.post_message(world.member, world.room_a, "m", "My own")[0]
    others = post_many(world, 3, author=world.teammate)
    assert services.unread_count(world.member, world.room_a) == 3
    assert services.unread_count(world.teammate, world.room_a) == 1
    services.mark_read(world.member, world.room_a, others[1].id)
    assert services.unread_count(world.member, world.room_a) == 1
    services.mark_read(world.member, world.room_a, mine.id)  # never moves back
    assert services.unread_count(world.member, world.room_a) == 1
    services.delete_message(world.teammate, others[2])
    assert services.unread_count(world.member, world.room_a) == 0
    assert services.unread_count(world.lecturer, world.room_a) == 3
    elsewhere = sending.post_message(world.other_team, world.room_b, "b", "B")[0]
    with pytest.raises(ServiceError) as refused:
        services.mark_read(world.member, world.room_a, elsewhere.id)
    assert refused.value.code == "not_found"
    with pytest.raises(ServiceError) as refused:
        services.unread_count(world.other_team, world.room_a)
    assert refused.value.code == "not_member"


def test_reactions_toggle_and_are_counted(world, db, emitted):
    message, _ = sending.post_message(world.member, world.room_a, "x", "Done!")
    assert services.react(world.teammate, message, "👍", True) == {"👍": 1}
    assert services.react(world.teammate, message, "👍", True) == {"👍": 1}  # no double
    assert services.react(world.lecturer, message, "👍", True) == {"👍": 2}
    assert services.react(world.member, message, "🎉", True) == {"👍": 2, "🎉": 1}
    assert services.react(world.teammate, message, "👍", False) == {"👍": 1, "🎉": 1}
    assert services.react(world.teammate, message, "👍", False) == {"👍": 1, "🎉": 1}
    db.session.commit()
    assert db.session.scalar(select(func.count(Reaction.id))) == 2
    assert services.serialise(message, world.member)["reactions"] == {"👍": 1, "🎉": 1}
    ops = [c.args[1]["op"] for c in emitted.call_args_list]
    assert ops == ["created", "reacted", "reacted", "reacted", "reacted"]
    for actor, emoji, code in (
        (world.coordinator, "👍", "forbidden"),
        (world.other_team, "👍", "not_member"),
        (world.teammate, "", "malformed"),
        (world.teammate, "x" * 17, "malformed"),
    ):
        with pytest.raises(ServiceError) as refused:
            services.react(actor, message, emoji, True)
        assert refused.value.code == code
