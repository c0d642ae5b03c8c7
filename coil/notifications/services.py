"""Telling people what happened: an in-app notification, a live event, and a mail."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select, update

from coil.accounts.models import User
from coil.core.channels import user_channel
from coil.core.events import notify
from coil.core.mail import queue_mail
from coil.core.safety import site_url
from coil.core.time import utcnow
from coil.extensions import db
from coil.notifications.kinds import render
from coil.notifications.models import Notification

log = logging.getLogger(__name__)


def notify_user(
    user: User,
    kind: str,
    params: dict[str, Any],
    *,
    endpoint: str | None = None,
    values: dict[str, Any] | None = None,
    mail: bool = True,
) -> Notification:
    """Record a notification for ``user``; after commit, push it live and mail it.

    ``endpoint`` and ``values`` name the page the notification links to.
    """
    link = site_url(endpoint, **(values or {})) if endpoint else None
    notification = Notification(user_id=user.id, kind=kind, params=params, link=link)
    db.session.add(notification)
    db.session.flush()
    notify(
        "notification",
        "created",
        {"id": notification.id, "kind": kind, "unread": unread_count(user)},
        [user_channel(user.id)],
    )
    if mail and user.is_active:
        with force_locale(user.locale or "en"):
            subject = render(kind, params)
        queue_mail(
            user.email, user.locale, "mail/notification.txt", user=user, subject=subject, link=link
        )
    log.info("notified user %s of %s", user.id, kind)
    return notification


def unread_count(user: User) -> int:
    """Count a user's unread notifications."""
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
    return db.session.scalar(query) or 0


def mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    """Mark some (or all) of a user's notifications read; return how many changed."""
    statement = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if notification_ids is not None:
        statement = statement.where(Notification.id.in_(notification_ids))
    changed = db.session.execute(statement).rowcount  # type: ignore[attr-defined]
    if changed:
        notify("notification", "read", {"unread": unread_count(user)}, [user_channel(user.id)])
    return int(changed or 0)
