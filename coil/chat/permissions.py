"""Who may read and write in a room: named predicates over the exchange's own."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.chat.models import Room
from coil.core.errors import ServiceError
from coil.courses.models import Course
from coil.exchanges.models import Enrolment, ExchangeCourse
from coil.exchanges.permissions import (
    is_exchange_coordinator,
    is_exchange_lecturer,
    is_exchange_student,
)
from coil.extensions import db
from coil.teams.models import TeamMember
from coil.teams.permissions import team_of


def is_room_member(actor: Actor, room: Room) -> bool:
    """Tell whether ``actor`` takes part in ``room`` as a student."""
    if room.team_id is not None:
        team = team_of(actor, room.exchange)
        return team is not None and team.id == room.team_id
    return is_exchange_student(actor, room.exchange)


def can_read_room(actor: Actor, room: Room) -> bool:
    """Tell whether ``actor`` may read ``room`` (coordinators read along)."""
    exchange = room.exchange
    return (
        is_exchange_lecturer(actor, exchange)
        or is_exchange_coordinator(actor, exchange)
        or is_room_member(actor, room)
    )


def can_post(actor: Actor, room: Room) -> bool:
    """Tell whether ``actor`` may write in ``room``: members and lecturers, while it is open."""
    if room.archived_at is not None:
        return False
    return is_exchange_lecturer(actor, room.exchange) or is_room_member(actor, room)


def can_moderate(actor: Actor, room: Room) -> bool:
    """Tell whether ``actor`` may remove messages and archive ``room`` (its lecturers)."""
    return is_exchange_lecturer(actor, room.exchange)


def require_read(actor: Actor, room: Room) -> None:
    """Raise ``not_member`` unless ``actor`` may read ``room``."""
    if not can_read_room(actor, room):
        raise ServiceError(_("You are not a member of this room."), code="not_member")


def require_post(actor: Actor, room: Room) -> None:
    """Raise the precise refusal (archived, forbidden, not_member) unless ``actor`` may post."""
    if can_post(actor, room):
        return
    if room.archived_at is not None and can_read_room(actor, room):
        raise ServiceError(_("This room is archived."), code="archived")
    if can_read_room(actor, room):
        raise ServiceError(_("You may read this room but not write in it."), code="forbidden")
    raise ServiceError(_("You are not a member of this room."), code="not_member")


def posting_rights(pairs: set[tuple[Any, Room]]) -> set[tuple[int, int]]:
    """Return the (user id, room id) pairs of ``pairs`` where :func:`can_post` holds.

    The same rule as :func:`can_post`, decided with three queries for the whole set instead of
    several per pair: the group-commit writer checks a batch of sends from many people at once.
    """
    pairs = {
        (user, room) for user, room in pairs if is_signed_in(user) and room.archived_at is None
    }
    if not pairs:
        return set()
    user_ids = {user.id for user, _room in pairs}
    exchange_ids = {room.exchange_id for _user, room in pairs}
    team_ids = {room.team_id for _user, room in pairs if room.team_id is not None}
    owners = _pairs(
        db.session.execute(
            select(ExchangeCourse.exchange_id, Course.owner_id)
            .join(Course, Course.id == ExchangeCourse.course_id)
            .where(ExchangeCourse.exchange_id.in_(exchange_ids), Course.owner_id.in_(user_ids))
        )
    )
    enrolled = _pairs(
        db.session.execute(
            select(Enrolment.exchange_id, Enrolment.user_id).where(
                Enrolment.exchange_id.in_(exchange_ids),
                Enrolment.user_id.in_(user_ids),
                Enrolment.status == "active",
            )
        )
    )
    in_team: set[tuple[int, int]] = set()
    if team_ids:
        in_team = _pairs(
            db.session.execute(
                select(TeamMember.team_id, TeamMember.user_id).where(
                    TeamMember.team_id.in_(team_ids), TeamMember.user_id.in_(user_ids)
                )
            )
        )
    allowed = set()
    for user, room in pairs:
        lecturer = user.role == Role.LECTURER and (room.exchange_id, user.id) in owners
        student = (room.exchange_id, user.id) in enrolled and (
            room.team_id is None
            or (room.exchange.teams_published_at is not None and (room.team_id, user.id) in in_team)
        )
        if lecturer or student:
            allowed.add((user.id, room.id))
    return allowed


def _pairs(rows: Any) -> set[tuple[int, int]]:
    return {(first, second) for first, second in rows}
