"""Who may read and write in a room: named predicates over the exchange's own."""

from __future__ import annotations

from typing import Any

from coil.chat.models import Room
from coil.exchanges.permissions import (
    is_exchange_coordinator,
    is_exchange_lecturer,
    is_exchange_student,
    team_of,
)


def is_room_member(actor: Any, room: Room) -> bool:
    """Tell whether ``actor`` takes part in ``room`` as a student."""
    if room.team_id is not None:
        team = team_of(actor, room.exchange)
        return team is not None and team.id == room.team_id
    return is_exchange_student(actor, room.exchange)


def can_read_room(actor: Any, room: Room) -> bool:
    """Tell whether ``actor`` may read ``room`` (coordinators read along)."""
    exchange = room.exchange
    return (
        is_exchange_lecturer(actor, exchange)
        or is_exchange_coordinator(actor, exchange)
        or is_room_member(actor, room)
    )


def can_post(actor: Any, room: Room) -> bool:
    """Tell whether ``actor`` may write in ``room``: members and lecturers, while it is open."""
    if room.archived_at is not None:
        return False
    return is_exchange_lecturer(actor, room.exchange) or is_room_member(actor, room)


def can_moderate(actor: Any, room: Room) -> bool:
    """Tell whether ``actor`` may remove messages and archive ``room`` (its lecturers)."""
    return is_exchange_lecturer(actor, room.exchange)
