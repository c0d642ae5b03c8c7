"""Speaking rounds through the services: who takes part, moving on, passing, ending, races."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from coil.core.errors import ServiceError
from coil.dialogue import rounds
from coil.dialogue.models import SpeakingRound, SpeakingTurn


def start(world, actor=None, people=None, seconds=60, room=None):
    return rounds.start_round(actor or world.member, room or world.room_a, people, seconds)


def ids(*users):
    return [user.id for user in users]


def refused(code, action, *args):
    with pytest.raises(ServiceError) as error:
        action(*args)
    assert error.value.code == code, error.value.message


def test_a_round_keeps_only_the_people_present_who_may_take_part(world, db, clock, emitted):
    people = ids(
        world.member,
        world.teammate,
        world.lecturer,
        world.other_team,
        world.outsider,
        world.dropped,
        world.coordinator,
        world.member,
    )
    speaking_round = start(world, people=[*people, 10**6])
    db.session.commit()
    assert sorted(speaking_round.speakers) == sorted(
        ids(world.member, world.teammate, world.lecturer)
    )
    assert speaking_round.turn_index == 0 and speaking_round.ended_at is None
    assert speaking_round.turn_started_at == clock.now
    (turn,) = speaking_round.turns
    assert turn.user_id == speaking_round.speakers[0] and turn.ended_at is None
    emitted.assert_called_once()
    event, payload = emitted.call_args.args
    assert (event, payload["type"], payload["op"]) == ("round", "round", "started")
    assert emitted.call_args.kwargs == {"to": f"room:{world.room_a.id}"}
    data = payload["round"]
    assert data["speaker"] == speaking_round.speakers[0] and data["turn"] == 0
    assert [p["status"] for p in data["people"]] == ["speaking", "waiting", "waiting"]
    assert data["started_by"] == {"id": world.member.id, "name": "Anna"}
    assert data["deadline"] == (clock.now + rounds.timedelta(seconds=60)).isoformat()


def test_the_order_is_shuffled(world, db, monkeypatch):
    monkeypatch.setattr(rounds._random, "shuffle", lambda items: items.reverse())
    speaking_round = start(world, people=ids(world.member, world.teammate, world.lecturer))
    assert speaking_round.speakers == ids(world.lecturer, world.teammate, world.member)


def test_without_a_list_every_student_of_the_room_takes_part(world, db):
    assert sorted(start(world).speakers) == sorted(ids(world.member, world.teammate))
    exchange_round = start(world, actor=world.lecturer, room=world.exchange_room)
    assert sorted(exchange_round.speakers) == sorted(
        ids(world.member, world.teammate, world.other_team)
    )


@pytest.mark.parametrize(
    ("person", "code"),
    [
        ("other_team", "not_member"),
        ("outsider", "not_member"),
        ("dropped", "not_member"),
        ("foreign_lecturer", "not_member"),
        ("coordinator", "forbidden"),
    ],
)
def test_only_people_who_may_post_start_a_round(world, db, person, code):
    refused(code, start, world, getattr(world, person))


def test_no_round_starts_in_an_archived_room(world, db, clock):
    world.room_a.archived_at = clock.now
    refused("archived", start, world)


@pytest.mark.parametrize("seconds", [29, 601, 0, "120", 120.0, True, None])
def test_a_turn_lasts_30_to_600_seconds(world, db, seconds):
    refused("malformed", start, world, None, None, seconds)


def test_a_round_needs_someone_to_speak(world, db):
    refused("empty", start, world, None, ids(world.outsider, world.coordinator))
    refused("empty", start, world, None, [])


def test_one_open_round_per_room(world, db, clock):
    start(world)
    refused("conflict", start, world, world.teammate)
    start(world, room=world.room_b, actor=world.other_team)  # another room is free
    db.session.commit()


def test_a_round_left_behind_is_replaced(world, db, clock):
    old = start(world)
    db.session.commit()
    clock.advance(60 + rounds.ABANDONED_AFTER.total_seconds())
    new = start(world, actor=world.teammate)
    db.session.commit()
    assert old.ended_at == clock.now and old.turns[0].ended_at == clock.now
    assert rounds.open_round(world.room_a).id == new.id


def test_the_database_refuses_a_second_open_round(world, db, clock):
    for _ in range(2):
        db.session.add(
            SpeakingRound(room_id=world.room_a.id, speakers=[1], turn_started_at=clock.now)
        )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_speaker_moves_on_and_passing_is_recorded(world, db, clock, emitted):
    speaking_round = start(world, people=ids(world.member, world.teammate, world.lecturer))
    db.session.commit()
    first, second, third = speaking_round.speakers
    users = {u.id: u for u in (world.member, world.teammate, world.lecturer)}
    clock.advance(10)
    rounds.next_turn(users[first], speaking_round, 0, passed=True)
    clock.advance(20)
    rounds.next_turn(users[second], speaking_round, 1, passed=False)
    db.session.commit()
    assert speaking_round.turn_index == 2 and speaking_round.ended_at is None
    turns = db.session.scalars(select(SpeakingTurn).order_by(SpeakingTurn.position)).all()
    assert [(t.user_id, t.passed, t.ended_at is not None) for t in turns] == [
        (first, True, True),
        (second, False, True),
        (third, False, False),
    ]
    assert turns[2].started_at == clock.now == speaking_round.turn_started_at
    data = emitted.call_args.args[1]["round"]
    assert [p["status"] for p in data["people"]] == ["passed", "spoke", "speaking"]
    assert [c.args[1]["op"] for c in emitted.call_args_list] == ["started", "advanced", "advanced"]


def test_after_the_last_turn_the_round_ends(world, db, clock, emitted):
    speaking_round = start(world, people=ids(world.member))
    rounds.next_turn(world.member, speaking_round, 0, passed=False)
    db.session.commit()
    assert speaking_round.ended_at is not None and rounds.open_round(world.room_a) is None
    payload = emitted.call_args.args[1]
    assert payload["op"] == "ended" and payload["round"]["ended"] is True
    assert payload["round"]["speaker"] is None
    assert [p["status"] for p in payload["round"]["people"]] == ["spoke"]


def test_a_stale_turn_moves_nothing(world, db, clock):
    speaking_round = start(world, people=ids(world.member, world.teammate))
    rounds.next_turn(world.member, speaking_round, 0, passed=False)  # the starter
    refused("conflict", rounds.next_turn, world.member, speaking_round, 0, False)
    assert speaking_round.turn_index == 1


def test_two_people_moving_on_at_once_move_it_one_step(world, db, clock):
    speaking_round = start(world, people=ids(world.member, world.teammate, world.lecturer))
    db.session.commit()
    assert speaking_round.turn_index == 0  # what this request read
    with db.engine.begin() as other:  # another request moved on in the meantime, and committed
        other.execute(update(SpeakingRound).values(turn_index=1))
    refused("conflict", rounds.next_turn, world.member, speaking_round, 0, False)
    db.session.rollback()
    assert [t.ended_at for t in speaking_round.turns] == [None]


def test_others_move_on_only_once_the_time_is_up(world, db, clock, monkeypatch):
    monkeypatch.setattr(rounds._random, "shuffle", lambda items: None)
    speaking_round = start(world, actor=world.member, people=ids(world.member, world.teammate))
    db.session.commit()
    refused("forbidden", rounds.next_turn, world.teammate, speaking_round, 0, False)
    refused("forbidden", rounds.end_round, world.teammate, speaking_round)
    clock.advance(59.5)  # within the slack for clocks that differ
    rounds.next_turn(world.teammate, speaking_round, 0, False)
    assert speaking_round.turn_index == 1


def test_the_starter_and_lecturers_steer_before_the_time_is_up(world, db, clock, monkeypatch):
    monkeypatch.setattr(rounds._random, "shuffle", lambda items: None)
    people = ids(world.member, world.teammate, world.lecturer)
    speaking_round = start(world, actor=world.teammate, people=people)
    rounds.next_turn(world.teammate, speaking_round, 0, True)  # the starter
    rounds.next_turn(world.partner_lecturer, speaking_round, 1, False)  # a lecturer
    refused("forbidden", rounds.next_turn, world.member, speaking_round, 2, False)
    refused("forbidden", rounds.next_turn, world.coordinator, speaking_round, 2, False)
    assert speaking_round.turn_index == 2


def test_ending_a_round(world, db, clock, emitted):
    speaking_round = start(world, people=ids(world.member, world.teammate))
    rounds.end_round(world.member, speaking_round)
    db.session.commit()
    assert speaking_round.ended_at == clock.now
    assert speaking_round.turns[0].ended_at == clock.now and not speaking_round.turns[0].passed
    assert emitted.call_args.args[1]["op"] == "ended"
    refused("conflict", rounds.end_round, world.member, speaking_round)
    refused("conflict", rounds.next_turn, world.member, speaking_round, 0, False)


def test_no_event_leaves_when_the_round_is_rolled_back(world, db, emitted):
    start(world)
    db.session.rollback()
    db.session.commit()
    emitted.assert_not_called()
    assert db.session.scalars(select(SpeakingRound)).all() == []
