"""The group-commit writer and the batch store behind it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from coil.chat import sending
from coil.chat.models import Message
from coil.chat.permissions import can_post, posting_rights
from coil.chat.sending import Outgoing, store_messages
from coil.chat.writer import Writer
from coil.core.errors import ServiceError
from coil.core.time import utcnow

PEOPLE = ["member", "teammate", "other_team", "outsider", "dropped", "lecturer",
          "partner_lecturer", "foreign_lecturer", "coordinator"]  # fmt: skip
ROOMS = ["room_a", "room_b", "exchange_room"]


@pytest.mark.parametrize("archived", [False, True])
def test_batch_posting_rights_agree_with_can_post_for_everyone(world, db, archived):
    if archived:
        world.room_b.archived_at = utcnow()
        db.session.flush()
    pairs = {(getattr(world, p), getattr(world, r)) for p in PEOPLE for r in ROOMS}
    expected = {(user.id, room.id) for user, room in pairs if can_post(user, room)}
    assert posting_rights(pairs) == expected
    assert expected  # the world has people who may post


def test_one_batch_stores_many_people_and_refuses_some_without_failing_others(world, db, emitted):
    items = [
        Outgoing(world.member.id, world.room_a.id, "a1", "From Anna"),
        Outgoing(world.teammate.id, world.room_a.id, "d1", "From Dewi"),
        Outgoing(world.outsider.id, world.room_a.id, "o1", "Let me in"),
        Outgoing(world.member.id, world.room_a.id, "a1", "From Anna"),  # resent in the same batch
        Outgoing(world.other_team.id, world.room_b.id, "b1", ""),
        Outgoing(world.lecturer.id, world.exchange_room.id, "l1", "Welcome all"),
    ]
    results = store_messages(items)
    db.session.commit()
    assert [r.code if isinstance(r, ServiceError) else r[1] for r in results] == [
        True, True, "not_member", False, "empty", True,
    ]  # fmt: skip
    assert results[3][0] is results[0][0]
    assert db.session.scalar(select(func.count(Message.id))) == 3
    assert [call.args[1]["body"] for call in emitted.call_args_list] == [
        "From Anna", "From Dewi", "Welcome all",
    ]  # fmt: skip


def test_a_batch_that_cannot_commit_is_retried_one_by_one(app, world, db, monkeypatch):
    store_messages([Outgoing(world.member.id, world.room_a.id, "dup", "first")])
    db.session.commit()
    # As if another process stored "dup" between this batch's lookup and its commit.
    monkeypatch.setattr(sending, "_stored", lambda items: {})
    writer = Writer(app)
    outcomes = writer.write(
        [
            Outgoing(world.teammate.id, world.room_a.id, "ok", "fine"),
            Outgoing(world.member.id, world.room_a.id, "dup", "first"),
        ]
    )
    assert outcomes[0]["body"] == "fine"
    assert isinstance(outcomes[1], ServiceError) and outcomes[1].code == "server_error"
    assert db.session.scalar(select(func.count(Message.id))) == 2


def test_concurrent_senders_share_commits_and_lose_nothing(app, world, db):
    writer = Writer(app)
    people = [world.member.id, world.teammate.id]
    room_id = world.room_a.id  # the threads have no app context to load it
    outcomes: list[object] = []
    lock = threading.Lock()

    def sender(user_id: int, thread: int) -> None:
        for k in range(25):
            out = writer.submit(Outgoing(user_id, room_id, f"t{thread}-{k}", f"{thread}:{k}"))
            with lock:
                outcomes.append(out)

    threads = [threading.Thread(target=sender, args=(people[t % 2], t)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(outcomes) == 200 and all(isinstance(o, dict) for o in outcomes)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Message.id))) == 200
    assert writer.stored == 200 and writer.batches < 200
    # Each thread's messages are stored in the order it sent them.
    for t in range(8):
        ids = [o["id"] for o in outcomes if o["client_id"].startswith(f"t{t}-")]
        bodies = [
            o["body"]
            for o in sorted(
                (o for o in outcomes if o["client_id"].startswith(f"t{t}-")), key=lambda o: o["id"]
            )
        ]
        assert ids == sorted(ids) and bodies == [f"{t}:{k}" for k in range(25)]
