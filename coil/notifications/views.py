"""Notification pages: the list, opening one, marking all read."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from flask import (
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from coil.accounts.permissions import is_signed_in
from coil.core.safety import safe_next_url
from coil.extensions import db
from coil.notifications import bp, services
from coil.notifications.forms import NotificationActionForm
from coil.notifications.kinds import render
from coil.notifications.models import Notification
from coil.notifications.permissions import get_notification_or_404


@dataclass(frozen=True, slots=True)
class Row:
    """One notification as the list shows it."""

    notification: Notification
    text: str
    target: str | None


def local_target(link: str | None) -> str | None:
    """Return the on-site path of ``link`` if it points into COIL_SITE_URL, else None."""
    if not link:
        return None
    parts = urlsplit(link.strip())
    if parts.scheme or parts.netloc:
        site = urlsplit(current_app.config["SITE_URL"])
        if (parts.scheme.lower(), parts.netloc.lower()) != (
            site.scheme.lower(),
            site.netloc.lower(),
        ):
            return None
        base = site.path.rstrip("/")
        if base and parts.path != base and not parts.path.startswith(base + "/"):
            return None
    path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return safe_next_url(path)


@bp.app_context_processor
def _unread() -> dict[str, int]:
    """Give every page the viewer's number of unread notifications (for the header)."""
    if not has_request_context() or not is_signed_in(current_user):
        return {"unread_notifications": 0}
    return {"unread_notifications": services.unread_count(current_user)}


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """List the signed-in user's notifications, newest first."""
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    ).all()
    rows = [Row(n, render(n.kind, n.params), local_target(n.link)) for n in items]
    return render_template(
        "notifications/index.html",
        rows=rows,
        unread=services.unread_count(current_user),
        form=NotificationActionForm(),
    )


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id: int) -> ResponseReturnValue:
    """Mark one notification read and go to the page it is about (POST: it changes state)."""
    notification = get_notification_or_404(notification_id)
    if not NotificationActionForm().validate_on_submit():
        abort(400)
    services.mark_read(current_user, [notification.id])
    return redirect(local_target(notification.link) or url_for("notifications.index"))


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read() -> ResponseReturnValue:
    """Mark all of the signed-in user's notifications read."""
    if not NotificationActionForm().validate_on_submit():
        abort(400)
    if services.mark_read(current_user):
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
