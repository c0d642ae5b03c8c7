"""Every state change of an exchange's set-up: title, dates, phases and team attributes.

Also the reads the other exchange modules share (the exchange of a course, the teaching
overlap, the attributes, the planned phases). Enrolment, join links and rosters are in
``enrolling.py``; a student's availability and answers for team formation in
``team_profile.py``. Services flush and never commit; the request (or CLI) around them commits
once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.courses.models import Course
from coil.exchanges.models import (
    DEFAULT_PHASES,
    AttributeAnswer,
    Exchange,
    ExchangeAttribute,
    ExchangeCourse,
    ExchangePhase,
)
from coil.exchanges.permissions import can_manage_exchange
from coil.extensions import db

log = logging.getLogger(__name__)
MAX_PHASES = 8
MAX_ATTRIBUTES = 10
MAX_OPTIONS = 12
ATTRIBUTE_MODES = ("spread", "group")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True, slots=True)
class PhaseData:
    """A phase as the lecturers set it: key (a default phase or ``custom``), title, dates."""

    key: str
    title: str
    start_date: date
    end_date: date


@dataclass(frozen=True, slots=True)
class AttributeData:
    """A team attribute as the lecturers set it; empty ``options`` means free text."""

    key: str
    label: str
    options: list[str] = field(default_factory=list)
    mode: str = "spread"
    weight: float = 1.0


# --- reading -------------------------------------------------------------------------------


def exchange_of(course: Course) -> Exchange | None:
    """Return the exchange ``course`` takes part in, if any."""
    return db.session.scalar(
        select(Exchange)
        .join(ExchangeCourse, ExchangeCourse.exchange_id == Exchange.id)
        .where(ExchangeCourse.course_id == course.id)
    )


def teaching_overlap(exchange: Exchange) -> tuple[date, date] | None:
    """Return the first and last day every member course teaches, or None without overlap."""
    courses = exchange.courses
    if not courses:
        return None
    first = max(c.first_day for c in courses)
    last = min(c.last_day for c in courses)
    return (first, last) if first <= last else None


def attributes_of(exchange: Exchange) -> list[ExchangeAttribute]:
    """Return the team attributes the lecturers chose, in the order they were added."""
    return list(
        db.session.scalars(
            select(ExchangeAttribute)
            .where(ExchangeAttribute.exchange_id == exchange.id)
            .order_by(ExchangeAttribute.id)
        )
    )


def default_phases(start: date, end: date) -> list[PhaseData]:
    """Spread the default phases evenly over ``start``..``end`` (fewer when days are fewer)."""
    days = (end - start).days + 1
    count = min(len(DEFAULT_PHASES), max(days, 1))
    phases = []
    for i, key in enumerate(DEFAULT_PHASES[:count]):
        first = start + timedelta(days=i * days // count)
        last = start + timedelta(days=(i + 1) * days // count - 1)
        phases.append(PhaseData(key, "", first, last))
    return phases


def planned_phases(exchange: Exchange) -> list[PhaseData]:
    """Return the exchange's phases, or the default ones it would get, for display."""
    if exchange.phases:
        return [PhaseData(p.key, p.title, p.start_date, p.end_date) for p in exchange.phases]
    return default_phases(exchange.start_date, exchange.end_date)


# --- settings ------------------------------------------------------------------------------


def _require_manager(actor: User, exchange: Exchange) -> None:
    if not can_manage_exchange(actor, exchange):
        raise ServiceError(_("Only the lecturers of this exchange can change it."))


def ensure_phases(exchange: Exchange) -> list[ExchangePhase]:
    """Give an exchange without phases the default four, spread evenly over its dates."""
    if not exchange.phases:
        for position, phase in enumerate(default_phases(exchange.start_date, exchange.end_date)):
            exchange.phases.append(
                ExchangePhase(
                    position=position,
                    key=phase.key,
                    title=phase.title,
                    start_date=phase.start_date,
                    end_date=phase.end_date,
                )
            )
        db.session.flush()
    return exchange.phases


def _check_dates(exchange: Exchange, start: date, end: date) -> None:
    if end < start:
        raise ServiceError(_("The exchange must end after it starts."), field="end_date")
    overlap = teaching_overlap(exchange)
    if overlap is None:
        raise ServiceError(
            _("The member courses have no teaching days in common."), field="start_date"
        )
    first, last = overlap
    if start < first or end > last:
        raise ServiceError(
            _(
                "Choose dates between %(first)s and %(last)s: the days all member courses teach.",
                first=first.isoformat(),
                last=last.isoformat(),
            ),
            field="start_date" if start < first else "end_date",
        )


def _check_phases(phases: list[PhaseData], start: date, end: date) -> None:
    if not phases:
        raise ServiceError(_("Keep at least one phase."), field="phases")
    if len(phases) > MAX_PHASES:
        raise ServiceError(_("Use at most %(n)d phases.", n=MAX_PHASES), field="phases")
    previous: PhaseData | None = None
    for n, phase in enumerate(phases, 1):
        if phase.key not in (*DEFAULT_PHASES, "custom"):
            raise ServiceError(_("Phase %(n)d is not known.", n=n), field="phases")
        if phase.key == "custom" and not phase.title.strip():
            raise ServiceError(_("Give phase %(n)d a title.", n=n), field="phases")
        if len(phase.title) > 120:
            raise ServiceError(_("Shorten the title of phase %(n)d.", n=n), field="phases")
        if phase.end_date < phase.start_date:
            raise ServiceError(_("Phase %(n)d ends before it starts.", n=n), field="phases")
        if phase.start_date < start or phase.end_date > end:
            raise ServiceError(
                _("Phase %(n)d must lie within the exchange's dates.", n=n), field="phases"
            )
        if previous is not None and phase.start_date <= previous.end_date:
            raise ServiceError(
                _("Phase %(n)d must start after phase %(m)d ends.", n=n, m=n - 1),
                field="phases",
            )
        previous = phase


def _check_attributes(attributes: list[AttributeData]) -> None:
    if len(attributes) > MAX_ATTRIBUTES:
        raise ServiceError(_("Use at most %(n)d attributes.", n=MAX_ATTRIBUTES), field="attributes")
    keys = [a.key for a in attributes]
    if len(set(keys)) != len(keys):
        raise ServiceError(_("Give each attribute a different key."), field="attributes")
    for attribute in attributes:
        if not _KEY_RE.match(attribute.key):
            raise ServiceError(
                _(
                    "The key %(key)s is not usable: use lower-case letters, digits and _.",
                    key=attribute.key[:40],
                ),
                field="attributes",
            )
        if not attribute.label.strip() or len(attribute.label) > 120:
            raise ServiceError(
                _("Give the attribute %(key)s a label.", key=attribute.key), field="attributes"
            )
        if attribute.mode not in ATTRIBUTE_MODES:
            raise ServiceError(_("Choose spread or group."), field="attributes")
        if not 0 <= attribute.weight <= 5:
            raise ServiceError(_("Choose a weight from 0 to 5."), field="attributes")
        options = attribute.options
        if len(options) > MAX_OPTIONS or any(not o or len(o) > 120 for o in options):
            raise ServiceError(
                _("Give at most %(n)d options, each up to 120 characters.", n=MAX_OPTIONS),
                field="attributes",
            )
        if len(set(options)) != len(options):
            raise ServiceError(_("List each option once."), field="attributes")


def update_settings(
    actor: User,
    exchange: Exchange,
    *,
    title: str,
    start_date: date,
    end_date: date,
    phases: list[PhaseData],
    attributes: list[AttributeData],
) -> None:
    """Change an exchange's title, dates, phases and team attributes in one go."""
    _require_manager(actor, exchange)
    title = title.strip()
    if not title or len(title) > 200:
        raise ServiceError(_("Give the exchange a title of up to 200 characters."), field="title")
    _check_dates(exchange, start_date, end_date)
    _check_phases(phases, start_date, end_date)
    _check_attributes(attributes)
    exchange.title = title
    exchange.start_date = start_date
    exchange.end_date = end_date
    _sync_phases(exchange, phases)
    _sync_attributes(exchange, attributes)
    db.session.flush()
    log.info("user %s updated the settings of exchange %s", actor.id, exchange.id)


def _sync_phases(exchange: Exchange, phases: list[PhaseData]) -> None:
    # Positions are kept in place (row i stays position i), so the unique (exchange, position)
    # constraint never sees two rows at one position during the flush.
    existing = list(exchange.phases)
    for position, data in enumerate(phases):
        if position < len(existing):
            phase = existing[position]
        else:
            phase = ExchangePhase(position=position)
            exchange.phases.append(phase)
        phase.key = data.key
        phase.title = data.title.strip()
        phase.start_date = data.start_date
        phase.end_date = data.end_date
    for phase in existing[len(phases) :]:
        exchange.phases.remove(phase)


def _sync_attributes(exchange: Exchange, attributes: list[AttributeData]) -> None:
    current = {a.key: a for a in attributes_of(exchange)}
    wanted = {a.key: a for a in attributes}
    gone = [a.id for key, a in current.items() if key not in wanted]
    if gone:
        db.session.execute(delete(AttributeAnswer).where(AttributeAnswer.attribute_id.in_(gone)))
        db.session.execute(delete(ExchangeAttribute).where(ExchangeAttribute.id.in_(gone)))
    for key, data in wanted.items():
        row = current.get(key) or ExchangeAttribute(exchange_id=exchange.id, key=key)
        row.label = data.label.strip()
        row.options = list(data.options)
        row.mode = data.mode
        row.weight = data.weight
        db.session.add(row)
