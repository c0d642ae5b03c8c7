"""Room pages (the live part runs over Socket.IO: coil/chat/sockets.py)."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from coil.chat import bp
from coil.chat.models import Room
from coil.chat.permissions import can_read_room
from coil.extensions import db


@bp.get("/<int:room_id>")
@login_required
def room(room_id: int) -> ResponseReturnValue:
    """The live room page."""
    found = db.session.get(Room, room_id) or abort(404)
    if not can_read_room(current_user, found):
        abort(403)
    return render_template("chat/room.html", room=found)
