"""Backfilling the ledger: what existed before it gets the events live recording would have
written, and running it again adds nothing."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import delete, select

from coil.chat.sending import post_message
from coil.core.time import utcnow
from coil.dialogue import rounds
from coil.dialogue.services import create_card, draw_card
from coil.evidence.backfill import backfill
from coil.evidence.models import LedgerEvent
from coil.schedule.models import LiveSession
from coil.schedule.services import mark_attendance
from coil.spaces import documents
from coil.spaces import services as spaces


def facts(db) -> list[tuple]:
    return sorted(
        (e.kind, e.actor_id, e.subject_id, e.value, e.cross_institution, e.team_id, e.course_id)
        for e in db.session.scalars(select(LedgerEvent))
    )


def test_backfill_writes_what_live_recording_wrote_and_nothing_twice(factory, db):
    kopi = factory.world()
    anna, dewi, lena = kopi["anna"], kopi["dewi"], kopi["lena"]
    room, space = kopi.team_rooms[0], kopi.team_spaces[0]
    first, _ = post_message(anna, room, "a1", "Hello from Amsterdam")
    post_message(dewi, room, "d1", "Hello from Jakarta", reply_to_id=first.id)
    post_message(lena, room, "l1", "Welcome both")
    task = spaces.create_task(anna, space, title="Compare", assignee=dewi)
    spaces.move_task(dewi, task, "done")
    doc = documents.create_document(anna, space, title="Plan", body="v1")
    documents.save_document(dewi, doc, title="Plan", body="v2", base_version=1)
    spaces.upload_file(anna, space, io.BytesIO(b"notes"), "notes.txt")
    create_card(lena, kopi.exchange, "icebreaker", "What surprised you?", None)
    draw_card(dewi, room)
    speaking = rounds.start_round(anna, room, [anna.id, dewi.id], 120)
    rounds.next_turn(lena, speaking, 0, passed=True)
    session = LiveSession(
        exchange_id=kopi.exchange.id,
        team_id=kopi.teams[0].id,
        title="Kick-off",
        starts_at=utcnow() - timedelta(hours=2),
        ends_at=utcnow() - timedelta(hours=1),
        timezone="Europe/Amsterdam",
        uid="backfill@coil",
    )
    db.session.add(session)
    db.session.flush()
    mark_attendance(lena, session, anna, "present")
    db.session.commit()
    live = facts(db)
    assert len(live) == 10  # Lena's message is not participation evidence

    db.session.execute(delete(LedgerEvent))
    db.session.commit()
    written = backfill()
    db.session.commit()
    assert sum(written.values()) == 10
    assert facts(db) == live
    assert all(e.payload["backfilled"] for e in db.session.scalars(select(LedgerEvent)))

    assert sum(backfill().values()) == 0
