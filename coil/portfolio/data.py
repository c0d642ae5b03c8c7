"""What a portfolio holds: one student's evidence in one exchange, gathered from every domain.

``portfolio_of`` builds a plain :class:`Portfolio` that the page, the HTML export and the PDF all
render, so the three always show the same figures. The ledger's figures are computed by the
database (a handful of aggregate queries), never by loading events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import distinct, func, select

from coil.accounts.models import User
from coil.core.time import utcnow
from coil.evidence import kinds
from coil.evidence.kinds import KINDS
from coil.evidence.models import LedgerEvent
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.portfolio.sections import Evidence, evidence_of
from coil.reflections.models import ReflectionEntry
from coil.reflections.queries import portfolio_entries

# Kinds shown as counts of what the student did (sessions are shown as hours).
CONTRIBUTION_KINDS = (
    kinds.MESSAGE,
    kinds.TURN_TAKEN,
    kinds.CARD_DRAWN,
    kinds.TASK_CREATED,
    kinds.TASK_COMPLETED,
    kinds.DOCUMENT_SAVED,
    kinds.FILE_SHARED,
    kinds.REFLECTION_SUBMITTED,
    kinds.PEER_EVALUATION,
)


@dataclass(frozen=True)
class Contribution:
    """How often the student did one kind of thing."""

    kind: str
    label: Any
    count: int


@dataclass(frozen=True)
class Member:
    """A member course of the exchange, as the portfolio names it."""

    course: str
    institution: str
    country: str
    city: str
    own: bool


@dataclass
class Portfolio:
    """One student's evidence in one exchange."""

    student: User
    exchange: Exchange
    enrolment: Enrolment
    members: list[Member]
    first_day: date
    last_day: date
    sessions_attended: int
    minutes_present: int
    contributions: list[Contribution]
    messages: int
    cross_messages: int
    active_days: int
    reflections: list[ReflectionEntry]
    generated_at: datetime
    evidence: Evidence | None = None  # rubric assessment, peer evaluation, badges

    @property
    def partners(self) -> list[Member]:
        """Return the member courses of the other institutions."""
        return [member for member in self.members if not member.own]

    @property
    def hours_present(self) -> float:
        """Return the synchronous hours attended, to the tenth."""
        return round(self.minutes_present / 60, 1)

    @property
    def cross_rate(self) -> float | None:
        """Return the share of messages that answered someone of another institution."""
        return self.cross_messages / self.messages if self.messages else None


def _counts(exchange_id: int, user_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(LedgerEvent.kind, func.count())
        .where(LedgerEvent.exchange_id == exchange_id, LedgerEvent.actor_id == user_id)
        .group_by(LedgerEvent.kind)
    )
    return {kind: count for kind, count in rows}


def _sessions(exchange_id: int, user_id: int) -> tuple[int, int]:
    """Return (sessions attended, minutes present): net minutes per session, corrections summed."""
    per_session = (
        select(func.sum(LedgerEvent.value).label("minutes"))
        .where(
            LedgerEvent.exchange_id == exchange_id,
            LedgerEvent.actor_id == user_id,
            LedgerEvent.kind == kinds.SESSION_ATTENDED,
        )
        .group_by(LedgerEvent.subject_id)
        .subquery()
    )
    attended, minutes = db.session.execute(
        select(
            func.count().filter(per_session.c.minutes > 0),
            func.coalesce(func.sum(per_session.c.minutes), 0),
        )
    ).one()
    return int(attended or 0), max(0, int(minutes or 0))


def _cross_and_days(exchange_id: int, user_id: int) -> tuple[int, int]:
    cross, days = db.session.execute(
        select(
            func.count().filter(
                LedgerEvent.kind == kinds.MESSAGE, LedgerEvent.cross_institution.is_(True)
            ),
            func.count(distinct(func.date(LedgerEvent.occurred_at))),
        ).where(LedgerEvent.exchange_id == exchange_id, LedgerEvent.actor_id == user_id)
    ).one()
    return int(cross or 0), int(days or 0)


def _members(exchange: Exchange, own_course_id: int) -> list[Member]:
    members = []
    for course in exchange.courses:
        institution = course.institution
        members.append(
            Member(
                course=course.title,
                institution=institution.name if institution else "",
                country=institution.country if institution else "",
                city=institution.city if institution else "",
                own=course.id == own_course_id,
            )
        )
    return members


def portfolio_of(exchange: Exchange, student: User, enrolment: Enrolment) -> Portfolio:
    """Gather ``student``'s evidence in ``exchange`` (the caller has checked who may see it)."""
    counts = _counts(exchange.id, student.id)
    attended, minutes = _sessions(exchange.id, student.id)
    cross, days = _cross_and_days(exchange.id, student.id)
    return Portfolio(
        student=student,
        exchange=exchange,
        enrolment=enrolment,
        members=_members(exchange, enrolment.course_id),
        first_day=exchange.start_date,
        last_day=exchange.end_date,
        sessions_attended=attended,
        minutes_present=minutes,
        contributions=[
            Contribution(kind, KINDS[kind].label, counts.get(kind, 0))
            for kind in CONTRIBUTION_KINDS
        ],
        messages=counts.get(kinds.MESSAGE, 0),
        cross_messages=cross,
        active_days=days,
        reflections=portfolio_entries(student, exchange),
        generated_at=utcnow(),
        evidence=evidence_of(exchange, student),
    )
