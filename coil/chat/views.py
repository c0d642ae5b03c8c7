"""Room pages: the rooms index, an exchange's rooms, the topic form, and the live room's shell.

The live part of a room runs over Socket.IO (coil/chat/sockets.py, static/js/room.js); these
pages render what works without it: the list of one's rooms with unread counts, the newest
messages of a room, and the form lecturers use to open a topic room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from coil.accounts.models import Role
from coil.accounts.permissions import is_signed_in
from coil.chat import bp, services
from coil.chat import rooms as room_queries
from coil.chat.models import Room
from coil.chat.permissions import can_moderate, can_post, can_read_room
from coil.core.errors import ServiceError
from coil.core.forms import form_status, refuse
from coil.core.templating import when
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import get_exchange_or_404, is_exchange_lecturer, is_exchange_staff
from coil.extensions import db
from coil.teams.models import Team

FIRST_PAGE = 50  # messages rendered with the page (room.js then joins and takes over)
REACTIONS = ("👍", "❤️", "😄", "🎉", "🤔")  # the fixed set offered on every message


class TopicForm(FlaskForm):
    """Open a topic room in an exchange (its lecturers)."""

    name = StringField(
        _l("Name of the topic room"),
        description=_l("For example: Week 3 – planning the interviews."),
        render_kw={"maxlength": room_queries.MAX_TOPIC_NAME, "autocomplete": "off"},
    )


@dataclass
class ExchangeRooms:
    """One exchange's rooms as the viewer sees them, and the topic form if they may use it."""

    exchange: Exchange
    rooms: list[tuple[Room, int]] = field(default_factory=list)
    form: TopicForm | None = None


def topic_form(exchange: Exchange) -> TopicForm:
    """Return the topic form of ``exchange`` (a prefix keeps several on one page apart)."""
    return TopicForm(prefix=f"topic-{exchange.id}")


def _grouped(listed: list[tuple[Room, int]]) -> list[ExchangeRooms]:
    groups: dict[int, ExchangeRooms] = {}
    for room, unread in listed:
        group = groups.setdefault(room.exchange_id, ExchangeRooms(room.exchange))
        group.rooms.append((room, unread))
    for group in groups.values():
        if is_exchange_lecturer(current_user, group.exchange):
            group.form = topic_form(group.exchange)
    return sorted(groups.values(), key=lambda g: (g.exchange.title.lower(), g.exchange.id))


def _exchange_group(exchange: Exchange, form: TopicForm | None = None) -> ExchangeRooms:
    group = ExchangeRooms(
        exchange, [pair for pair in viewer_rooms() if pair[0].exchange_id == exchange.id]
    )
    if form is not None:
        group.form = form
    elif is_exchange_lecturer(current_user, exchange):
        group.form = topic_form(exchange)
    return group


def viewer_rooms() -> list[tuple[Room, int]]:
    """Return the viewer's rooms with unread counts, computed once per request."""
    if not is_signed_in(current_user) or current_user.role == Role.ADMIN:
        return []  # admins open rooms from an exchange page; they are in none
    if "coil_viewer_rooms" not in g:
        g.coil_viewer_rooms = room_queries.rooms_for(current_user)
    rooms: list[tuple[Room, int]] = g.coil_viewer_rooms
    return rooms


@bp.app_context_processor
def _rooms_nav() -> dict[str, Any]:
    """Give every page ``rooms_nav`` (``{"rooms", "unread"}``) for the Rooms link, or None."""
    if not has_request_context() or not is_signed_in(current_user):
        return {"rooms_nav": None}
    if current_user.role == Role.ADMIN:
        return {"rooms_nav": None}
    listed = viewer_rooms()
    return {"rooms_nav": {"rooms": len(listed), "unread": sum(n for _room, n in listed)}}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """List the viewer's rooms, grouped by exchange, with their unread counts."""
    return render_template("chat/index.html", groups=_grouped(viewer_rooms()))


@bp.get("/exchanges/<int:exchange_id>")
@login_required
def exchange_rooms(exchange_id: int) -> ResponseReturnValue:
    """List the viewer's rooms in one exchange; its lecturers can open a topic room here."""
    exchange = get_exchange_or_404(exchange_id)
    return render_template("chat/exchange.html", exchange=exchange, group=_exchange_group(exchange))


@bp.post("/exchanges/<int:exchange_id>/topics")
@login_required
def create_topic(exchange_id: int) -> ResponseReturnValue:
    """Open a topic room (lecturers); a refusal is shown on the form, never as a crash."""
    exchange = get_exchange_or_404(exchange_id)
    if not is_exchange_lecturer(current_user, exchange):
        abort(403)
    form = topic_form(exchange)
    if form.validate_on_submit():
        try:
            room = room_queries.create_topic(current_user, exchange, form.name.data)
        except ServiceError as error:
            refuse(form, error)
        else:
            services.notify_room_opened(room)
            flash(_("The topic room “%(name)s” is open.", name=room.name), "success")
            return redirect(url_for("chat.room", room_id=room.id))
    return render_template(
        "chat/exchange.html", exchange=exchange, group=_exchange_group(exchange, form)
    ), form_status(form)


@bp.get("/teams/<int:team_id>")
@login_required
def team_room(team_id: int) -> ResponseReturnValue:
    """Send the viewer to a team's room (links from team pages and spaces)."""
    team = db.session.get(Team, team_id) or abort(404)
    room = db.session.scalar(select(Room).where(Room.team_id == team.id)) or abort(404)
    if not can_read_room(current_user, room):
        abort(403)
    return redirect(url_for("chat.room", room_id=room.id))


def _room_config(room: Room) -> dict[str, Any]:
    """What room.js needs to know about the viewer and the room (rendered as JSON)."""
    return {
        "locale": str(get_locale()),
        "timeZone": str(get_timezone()),
        "room": room.id,
        "me": {"id": current_user.id, "name": current_user.name},
        "canPost": can_post(current_user, room),
        "canModerate": can_moderate(current_user, room),
        "staff": is_exchange_staff(current_user, room.exchange),
        "archived": room.archived_at is not None,
        "maxChars": int(current_app.config.get("CHAT_MAX_CHARS", services.DEFAULT_MAX_CHARS)),
        "reactions": list(REACTIONS),
        "page": FIRST_PAGE,
    }


@bp.get("/<int:room_id>")
@login_required
def room(room_id: int) -> ResponseReturnValue:
    """The live room page: the newest messages server-rendered, then room.js takes over."""
    found = db.session.get(Room, room_id) or abort(404)
    if not can_read_room(current_user, found):
        abort(403)
    newest = services.history(current_user, found, None, FIRST_PAGE)
    shown = [
        {**data, "when": when(message.created_at, "short")}
        for message, data in zip(
            newest, services.serialise_page(newest, current_user, found), strict=True
        )
    ]
    others = [
        (other, unread)
        for other, unread in viewer_rooms()
        if other.exchange_id == found.exchange_id and other.id != found.id
    ]
    return render_template(
        "chat/room.html",
        room=found,
        messages=shown,
        more=len(newest) >= FIRST_PAGE,
        room_config=_room_config(found),
        other_rooms=others,
        needs_socket=True,
    )
