"""Who may read and write in each kind of room, through the predicates and the services."""

from __future__ import annotations

import pytest

from coil.chat import sending, services
from coil.chat.permissions import can_post, can_read_room
from coil.core.errors import ServiceError
from coil.core.time import utcnow

# (person, room) -> (reads, posts)
MATRIX = [
    ("member", "room_a", True, True),
    ("teammate", "room_a", True, True),
    ("other_team", "room_a", False, False),
    ("dropped", "room_a", False, False),
    ("outsider", "room_a", False, False),
    ("lecturer", "room_a", True, True),
    ("partner_lecturer", "room_a", True, True),
    ("foreign_lecturer", "room_a", False, False),
    ("coordinator", "room_a", True, False),
    ("member", "exchange_room", True, True),
    ("other_team", "exchange_room", True, True),
    ("dropped", "exchange_room", False, False),
    ("outsider", "exchange_room", False, False),
    ("lecturer", "exchange_room", True, True),
    ("foreign_lecturer", "exchange_room", False, False),
    ("coordinator", "exchange_room", True, False),
]


@pytest.mark.parametrize(("person", "room", "reads", "posts"), MATRIX)
def test_read_and_post_matrix(world, person, room, reads, posts):
    actor, target = getattr(world, person), getattr(world, room)
    assert can_read_room(actor, target) is reads
    assert can_post(actor, target) is posts


@pytest.mark.parametrize(("person", "room", "reads", "posts"), MATRIX)
def test_services_enforce_the_matrix(world, person, room, reads, posts):
    actor, target = getattr(world, person), getattr(world, room)
    if posts:
        message, created = sending.post_message(actor, target, "c1", "Hello")
        assert created
    else:
        with pytest.raises(ServiceError) as refused:
            sending.post_message(actor, target, "c1", "Hello")
        assert refused.value.code == ("forbidden" if reads else "not_member")
    if reads:
        assert services.history(actor, target) == ([message] if posts else [])
    else:
        with pytest.raises(ServiceError) as refused:
            services.history(actor, target)
        assert refused.value.code == "not_member"


def test_team_room_is_closed_to_students_until_teams_are_published(world, db):
    world.exchange.teams_published_at = None
    assert not can_read_room(world.member, world.room_a)
    assert can_read_room(world.member, world.exchange_room)
    assert can_read_room(world.lecturer, world.room_a)


def test_anonymous_visitors_read_nothing(world):
    from flask_login import AnonymousUserMixin

    visitor = AnonymousUserMixin()
    assert not can_read_room(visitor, world.exchange_room)
    assert not can_post(visitor, world.exchange_room)


def test_archived_room_is_read_only_for_everyone(world, db, emitted):
    with pytest.raises(ServiceError) as refused:
        services.archive_room(world.member, world.room_a)
    assert refused.value.code == "forbidden"
    services.archive_room(world.lecturer, world.room_a)
    db.session.commit()
    assert world.room_a.archived_at is not None
    emitted.assert_called_once_with(
        "room",
        {"type": "room", "op": "archived", "id": world.room_a.id},
        to=f"room:{world.room_a.id}",
    )
    for actor in (world.member, world.lecturer):
        assert can_read_room(actor, world.room_a)
        with pytest.raises(ServiceError) as refused:
            sending.post_message(actor, world.room_a, "late", "Anyone here?")
        assert refused.value.code == "archived"


def test_ensure_rooms_is_idempotent(world, db):
    again = services.ensure_rooms(world.exchange)
    assert [room.id for room in again] == [
        world.exchange_room.id,
        world.room_a.id,
        world.room_b.id,
    ]
    assert world.exchange_room.kind == "exchange" and world.exchange_room.team_id is None
    assert world.room_a.kind == "team" and world.room_a.name == "Team Kopi"
    assert world.room_b.name == "Team 2"


def test_archive_stamps_once(world, db):
    first = services.archive_room(world.lecturer, world.room_b).archived_at
    assert services.archive_room(world.partner_lecturer, world.room_b).archived_at == first
    assert first is not None and first <= utcnow()
