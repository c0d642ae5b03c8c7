"""The participation ledger: each action writes exactly one event, in its own transaction.

The world is the shared KOPI exchange (tests/world.py): Anna (NL) and Dewi (Jakarta) in team 1,
Bram (NL) in team 2; Lena and Budi are its lecturers.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text

from coil.chat.sending import Outgoing, post_message, store_messages
from coil.core.time import utcnow
from coil.dialogue import rounds
from coil.dialogue.services import create_card, draw_card
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.schedule.models import Attendance, LiveSession
from coil.schedule.services import end_room_presence, mark_attendance, record_room_presence
from coil.spaces import documents as space_documents
from coil.spaces import services as spaces


@pytest.fixture()
def kopi(factory, db):
    return factory.world()


def events(db, kind: str | None = None) -> list[LedgerEvent]:
    query = select(LedgerEvent).order_by(LedgerEvent.id)
    if kind is not None:
        query = query.where(LedgerEvent.kind == kind)
    return list(db.session.scalars(query))


@contextmanager
def statements(db):
    """Count the SQL statements run inside the block."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_students_message_writes_one_event_with_what_it_was_then(kopi, db):
    anna, room = kopi["anna"], kopi.team_rooms[0]
    message, _new = post_message(anna, room, "c1", "Hello team")
    db.session.commit()
    (recorded,) = events(db)
    assert (recorded.kind, recorded.actor_id, recorded.subject_id) == (
        kinds.MESSAGE,
        anna.id,
        message.id,
    )
    assert recorded.exchange_id == kopi.exchange.id
    assert recorded.team_id == kopi.teams[0].id
    assert recorded.course_id == kopi.courses["nl"].id
    assert recorded.institution_id == kopi.institutions["nl"].id
    assert recorded.occurred_at == message.created_at
    assert recorded.cross_institution is False  # the first word in the room


def test_rolling_back_the_action_takes_its_event_with_it(kopi, db):
    post_message(kopi["anna"], kopi.team_rooms[0], "c1", "Hello")
    db.session.flush()
    assert len(events(db)) == 1
    db.session.rollback()
    assert events(db) == []
    assert db.session.scalar(text("SELECT count(*) FROM messages")) == 0


def test_lecturers_and_dropped_students_leave_no_evidence(kopi, db):
    post_message(kopi["lena"], kopi.team_rooms[0], "l1", "Welcome, team")
    db.session.commit()
    assert events(db) == []


def test_a_reply_or_a_quick_answer_to_a_partner_counts_across_institutions(kopi, db):
    anna, dewi, bram = kopi["anna"], kopi["dewi"], kopi["bram"]
    room = kopi.exchange_room
    first, _ = post_message(anna, room, "a1", "Hi all, where are you based?")
    post_message(dewi, room, "d1", "Jakarta!")  # right after Anna, not a reply
    post_message(bram, room, "b1", "Amsterdam, like Anna", reply_to_id=first.id)
    post_message(dewi, room, "d2", "Nice to meet you both", reply_to_id=first.id)
    db.session.commit()
    flags = {(e.actor_id, e.subject_id): e.cross_institution for e in events(db)}
    by_actor = [(e.actor_id, e.cross_institution) for e in events(db)]
    assert by_actor == [(anna.id, False), (dewi.id, True), (bram.id, False), (dewi.id, True)]
    assert len(flags) == 4


def test_an_answer_after_a_long_pause_is_not_an_interaction(kopi, db):
    anna, dewi, room = kopi["anna"], kopi["dewi"], kopi.exchange_room
    first, _ = post_message(anna, room, "a1", "Anyone?")
    first.created_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    post_message(dewi, room, "d1", "Sorry, I was asleep")
    db.session.commit()
    assert [e.cross_institution for e in events(db)] == [False, False]


def test_a_batch_costs_the_same_queries_for_one_message_as_for_twenty(kopi, db):
    anna, dewi, room = kopi["anna"], kopi["dewi"], kopi.team_rooms[0]

    def batch(prefix: str, size: int) -> list[str]:
        items = [
            Outgoing((anna if k % 2 else dewi).id, room.id, f"{prefix}{k}", f"message {k}")
            for k in range(size)
        ]
        with statements(db) as seen:
            store_messages(items)
            db.session.commit()
        db.session.expire_all()
        return seen

    def ledger_work(seen: list[str]) -> list[str]:
        # What the ledger adds: the students' courses and teams, each room's last word, the rows.
        return [
            statement.split()[0] + (" ledger" if "ledger_events" in statement else "")
            for statement in seen
            if "ledger_events" in statement
            or "enrolments.course_id" in statement
            or "max(messages.id)" in statement
        ]

    batch("warm", 1)  # the first batch of a room finds no earlier message
    one, twenty = batch("one", 1), batch("many", 20)
    assert ledger_work(one) == ledger_work(twenty) == ["SELECT", "SELECT", "INSERT ledger"]
    assert len(events(db, kinds.MESSAGE)) == 22


def test_events_are_never_changed_in_place(kopi, db):
    post_message(kopi["anna"], kopi.team_rooms[0], "c1", "Hello")
    db.session.commit()
    (recorded,) = events(db)
    recorded.value = 5
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE ledger_events SET value = 5"))
    db.session.rollback()
    assert events(db)[0].value is None


def test_space_work_is_recorded_once_per_action(kopi, db):
    anna, space = kopi["anna"], kopi.team_spaces[0]
    task = spaces.create_task(anna, space, title="Compare the two markets")
    spaces.move_task(anna, task, "doing")
    spaces.move_task(anna, task, "done")
    spaces.move_task(anna, task, "done")  # no change: no second completion
    document = space_documents.create_document(anna, space, title="Plan", body="First draft")
    space_documents.save_document(anna, document, title="Plan", body="Second draft", base_version=1)
    spaces.upload_file(anna, space, io.BytesIO(b"%PDF-1.4 notes"), "notes.pdf")
    db.session.commit()
    assert [e.kind for e in events(db)] == [
        kinds.TASK_CREATED,
        kinds.TASK_COMPLETED,
        kinds.DOCUMENT_SAVED,
        kinds.DOCUMENT_SAVED,
        kinds.FILE_SHARED,
    ]
    assert [e.payload.get("number") for e in events(db, kinds.DOCUMENT_SAVED)] == [1, 2]


def test_speaking_turns_and_prompt_cards_are_recorded_for_the_speaker(kopi, db):
    anna, dewi, lena, room = kopi["anna"], kopi["dewi"], kopi["lena"], kopi.team_rooms[0]
    create_card(lena, kopi.exchange, "icebreaker", "What surprised you this week?", None)
    draw_card(anna, room)
    speaking = rounds.start_round(anna, room, [anna.id, dewi.id], 120)
    first, second = speaking.speakers
    rounds.next_turn(lena, speaking, 0, passed=False)  # the lecturer moves the first turn on
    rounds.next_turn(db.session.get(type(anna), second), speaking, 1, passed=True)
    db.session.commit()
    assert [(e.kind, e.actor_id) for e in events(db)] == [
        (kinds.CARD_DRAWN, anna.id),
        (kinds.TURN_TAKEN, first),
        (kinds.TURN_PASSED, second),
    ]


def _session(db, kopi, minutes_ago: int, minutes_left: int) -> LiveSession:
    now = utcnow()
    session = LiveSession(
        exchange_id=kopi.exchange.id,
        team_id=kopi.teams[0].id,
        title="Kick-off",
        starts_at=now - timedelta(minutes=minutes_ago),
        ends_at=now + timedelta(minutes=minutes_left),
        timezone="Europe/Amsterdam",
        uid=f"test-{minutes_ago}-{minutes_left}@coil",
    )
    db.session.add(session)
    db.session.commit()
    return session


def minutes(db, user_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(LedgerEvent.value), 0)).where(
            LedgerEvent.kind == kinds.SESSION_ATTENDED, LedgerEvent.actor_id == user_id
        )
    )


def test_minutes_present_come_from_the_stretches_in_the_room(kopi, db):
    anna = kopi["anna"]
    session = _session(db, kopi, minutes_ago=50, minutes_left=10)
    (row,) = record_room_presence(anna, kopi.exchange.id, kopi.teams[0].id)
    row.present_since = utcnow() - timedelta(minutes=30, seconds=20)  # joined 30 minutes ago
    db.session.commit()
    end_room_presence(anna.id, kopi.exchange.id, kopi.teams[0].id)
    db.session.commit()
    assert minutes(db, anna.id) == 30
    assert db.session.get(Attendance, row.id).present_since is None
    # A lecturer's mark sets the minutes to the whole session, as a correction ...
    mark_attendance(kopi["lena"], session, anna, "present")
    db.session.commit()
    assert minutes(db, anna.id) == 60
    # ... and marking her absent later takes them away again, as another event.
    mark_attendance(kopi["lena"], session, anna, "absent")
    db.session.commit()
    assert minutes(db, anna.id) == 0
    assert [e.value for e in events(db, kinds.SESSION_ATTENDED)] == [30, 30, -60]
