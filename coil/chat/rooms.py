"""Finding rooms: the rooms a person is in with their unread counts, topic rooms, search."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from coil.accounts.models import Role, User
from coil.chat.models import Message, Room, RoomRead
from coil.chat.permissions import require_read
from coil.chat.services import _is_visible
from coil.core.errors import ServiceError
from coil.courses.models import Course
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
from coil.exchanges.permissions import is_exchange_lecturer
from coil.extensions import db
from coil.teams.models import TeamMember

log = logging.getLogger(__name__)
MAX_TOPIC_NAME = 120
MAX_QUERY = 200
SEARCH_LIMIT = 50


def _readable_room_ids(user: User) -> Any:
    """Return a query of the ids of the rooms ``user`` reads as student, lecturer or coordinator."""
    enrolled = select(Enrolment.exchange_id).where(
        Enrolment.user_id == user.id, Enrolment.status == "active"
    )
    published = select(Exchange.id).where(Exchange.teams_published_at.is_not(None))
    teams = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    as_student = and_(
        Room.exchange_id.in_(enrolled),
        or_(Room.team_id.is_(None), and_(Room.team_id.in_(teams), Room.exchange_id.in_(published))),
    )
    courses = select(ExchangeCourse.exchange_id).join(Course, Course.id == ExchangeCourse.course_id)
    staff: Any
    if user.role == Role.LECTURER:
        staff = Room.exchange_id.in_(courses.where(Course.owner_id == user.id))
    elif user.role == Role.COORDINATOR and user.institution_id is not None:
        staff = Room.exchange_id.in_(courses.where(Course.institution_id == user.institution_id))
    else:
        staff = false()  # admins open rooms from an exchange page; they are not in every room
    return select(Room.id).where(or_(as_student, staff))


def rooms_for(user: User) -> list[tuple[Room, int]]:
    """Return the rooms ``user`` is in, with the number of unread messages in each."""
    unread = (
        select(Message.room_id, func.count(Message.id))
        .outerjoin(RoomRead, and_(RoomRead.room_id == Message.room_id, RoomRead.user_id == user.id))
        .where(
            Message.room_id.in_(_readable_room_ids(user)),
            Message.id > func.coalesce(RoomRead.last_read_message_id, 0),
            Message.deleted_at.is_(None),
            Message.removed_by_id.is_(None),
            or_(Message.author_id != user.id, Message.author_id.is_(None)),
        )
        .group_by(Message.room_id)
    )
    counts = {room_id: n for room_id, n in db.session.execute(unread)}
    rooms = db.session.scalars(
        select(Room)
        .where(Room.id.in_(_readable_room_ids(user)))
        .options(selectinload(Room.exchange))
        .order_by(Room.exchange_id, Room.kind, Room.id)
    )
    return [(room, counts.get(room.id, 0)) for room in rooms]


def create_topic(actor: User, exchange: Exchange, name: Any) -> Room:
    """Open a topic room for the whole exchange, as one of its lecturers."""
    if not is_exchange_lecturer(actor, exchange):
        raise ServiceError(
            _("Only the exchange's lecturers can add topic rooms."), code="forbidden"
        )
    title = name.strip() if isinstance(name, str) else ""
    if not title:
        raise ServiceError(_("Give the topic a name."), field="name", code="empty")
    if len(title) > MAX_TOPIC_NAME:
        raise ServiceError(
            _("A topic name can be at most %(limit)d characters.", limit=MAX_TOPIC_NAME),
            field="name",
            code="too_long",
        )
    room = Room(exchange=exchange, kind="topic", name=title)
    db.session.add(room)
    db.session.flush()
    log.info("topic room %s opened in exchange %s by user %s", room.id, exchange.id, actor.id)
    return room


def search(actor: User, room: Room, query: Any) -> list[Message]:
    """Return the newest visible messages of ``room`` containing ``query`` (case-insensitive)."""
    require_read(actor, room)
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY:
        raise ServiceError(_("Type a word to search for."), code="malformed")
    escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = db.session.scalars(
        select(Message)
        .where(
            Message.room_id == room.id,
            Message.body.ilike(f"%{escaped}%", escape="\\"),
            Message.deleted_at.is_(None),
            Message.removed_by_id.is_(None),
        )
        .order_by(Message.id.desc())
        .limit(SEARCH_LIMIT)
    )
    return [message for message in found if _is_visible(message)]
