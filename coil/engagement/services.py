"""Changes the engagement domain makes: the lecturers' setting, and the daily digest."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from coil.accounts.models import Role, User
from coil.core.errors import ServiceError
from coil.courses.models import Course
from coil.engagement.forms import MAX_DAYS, MIN_DAYS
from coil.engagement.models import DigestSent, EngagementSetting
from coil.engagement.summary import overview
from coil.exchanges.models import Exchange, ExchangeCourse
from coil.extensions import db
from coil.notifications.services import notify_user

log = logging.getLogger(__name__)

DIGEST_KIND = "engagement_digest"


def set_inactivity_days(actor: User, exchange: Exchange, days: int) -> EngagementSetting:
    """Set after how many quiet days the exchange flags a student."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ServiceError(_("Between 1 and 60 days."), field="inactivity_days")
    setting = db.session.scalar(
        select(EngagementSetting).where(EngagementSetting.exchange_id == exchange.id)
    )
    if setting is None:
        setting = EngagementSetting(exchange_id=exchange.id)
        db.session.add(setting)
    setting.inactivity_days = days
    db.session.flush()
    log.info("user %s set inactivity days of exchange %s to %s", actor.id, exchange.id, days)
    return setting


def running_exchanges(now: datetime) -> list[Exchange]:
    """Return the exchanges whose period holds ``now``'s UTC day (not cancelled)."""
    today = now.date()
    return list(
        db.session.scalars(
            select(Exchange)
            .where(
                Exchange.start_date <= today,
                Exchange.end_date >= today,
                Exchange.status.not_in(("cancelled", "finished")),
            )
            .order_by(Exchange.id)
        )
    )


def _lecturers(exchange_ids: list[int]) -> dict[int, list[User]]:
    """Return ``{exchange id: its active lecturers}`` in one query."""
    found: dict[int, list[User]] = defaultdict(list)
    rows = db.session.execute(
        select(ExchangeCourse.exchange_id, User)
        .join(Course, Course.id == ExchangeCourse.course_id)
        .join(User, User.id == Course.owner_id)
        .where(ExchangeCourse.exchange_id.in_(exchange_ids), User.role == Role.LECTURER)
        .order_by(ExchangeCourse.exchange_id, User.id)
    )
    for exchange_id, user in rows:
        if user.is_active and user not in found[exchange_id]:
            found[exchange_id].append(user)
    return found


def send_digests(now: datetime) -> int:
    """Send each lecturer with early warnings one notification for ``now``'s UTC day.

    Safe to run again: a lecturer who got the day's digest gets no second one. Returns how
    many digests were sent. The caller commits (the CLI command, or the daily sweep).
    """
    exchanges = running_exchanges(now)
    lecturers = _lecturers([exchange.id for exchange in exchanges])
    per_lecturer: dict[int, list[tuple[Exchange, int]]] = defaultdict(list)
    people: dict[int, User] = {}
    for exchange in exchanges:
        found = len(overview(exchange, now).warnings)
        if not found:
            continue
        for lecturer in lecturers.get(exchange.id, []):
            people[lecturer.id] = lecturer
            per_lecturer[lecturer.id].append((exchange, found))
    already = set(
        db.session.scalars(
            select(DigestSent.user_id).where(
                DigestSent.day == now.date(), DigestSent.user_id.in_(list(people))
            )
        )
    )
    sent = 0
    for user_id, items in per_lecturer.items():
        if user_id in already:
            continue
        count = sum(found for _, found in items)
        titles = ", ".join(f"“{exchange.title}”" for exchange, _ in items)
        db.session.add(DigestSent(user_id=user_id, day=now.date(), warnings=count))
        notify_user(
            people[user_id],
            DIGEST_KIND,
            {"count": count, "exchanges": titles},
            endpoint="engagement.page",
            values={"exchange_id": items[0][0].id},
        )
        sent += 1
    log.info("sent %s engagement digests for %s", sent, now.date())
    return sent
