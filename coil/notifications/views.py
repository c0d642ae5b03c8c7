"""Notification pages."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from coil.extensions import db
from coil.notifications import bp
from coil.notifications.kinds import render
from coil.notifications.models import Notification


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """List the signed-in user's notifications, newest first."""
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
        .limit(100)
    ).all()
    return render_template("notifications/index.html", items=items, render=render)
