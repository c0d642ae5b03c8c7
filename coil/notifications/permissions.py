"""Who may see notifications: only the person each one is for."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.permissions import Actor, is_signed_in
from coil.extensions import db
from coil.notifications.models import Notification


def can_open_notification(actor: Actor, notification: Notification) -> bool:
    """Tell whether ``actor`` may open or mark ``notification`` (its recipient only)."""
    return is_signed_in(actor) and notification.user_id == actor.id


def get_notification_or_404(notification_id: int) -> Notification:
    """Load one of the current user's notifications, or stop with 404.

    Someone else's notification is a 404 too, not a 403: whether it exists is private.
    """
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can_open_notification(current_user, notification):
        abort(404)
    return notification
