"""What the lecturer's, coordinator's and administrator's home pages read.

What an exchange needs from its lecturers is a list of :class:`~coil.home.queries.Ask` built
by the functions in :data:`EXCHANGE_ATTENTION`; add one function per new kind of item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from coil.accounts.models import AvailabilitySlot, Invitation, User
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse, ExchangePhase
from coil.extensions import db
from coil.home.queries import ACTIVE, Ask, next_session, phase_on
from coil.institutions.models import Institution, PartnerRelation
from coil.pairings.models import Proposal
from coil.pairings.services import accepted_proposals, unresolved
from coil.schedule.models import LiveSession


@dataclass
class LecturerExchange:
    """A lecturer's or coordinator's exchange: its phase, next session and what needs attention."""

    exchange: Exchange
    phase: ExchangePhase | None
    next_session: LiveSession | None
    attention: list[Ask] = field(default_factory=list)


# -- lecturers and coordinators ------------------------------------------------------------------


def staff_exchanges(
    *, owner_id: int | None = None, institution_id: int | None = None, now: datetime | None = None
) -> list[LecturerExchange]:
    """Return the planned and running exchanges with a course taught by ``owner_id`` or given at
    ``institution_id``, each with its phase, next session and what needs attention."""
    now = now or utcnow()
    members = select(ExchangeCourse.exchange_id).join(Course, Course.id == ExchangeCourse.course_id)
    if owner_id is not None:
        members = members.where(Course.owner_id == owner_id)
    if institution_id is not None:
        members = members.where(Course.institution_id == institution_id)
    exchanges = db.session.scalars(
        select(Exchange)
        .where(Exchange.id.in_(members), Exchange.status.in_(ACTIVE))
        .order_by(Exchange.start_date, Exchange.id)
    ).all()
    return [
        LecturerExchange(
            exchange=exchange,
            phase=phase_on(exchange, now.date()),
            next_session=next_session(exchange, None, now),
            attention=[ask for function in EXCHANGE_ATTENTION for ask in function(exchange)],
        )
        for exchange in exchanges
    ]


def availability_counts(exchange: Exchange) -> tuple[int, int]:
    """Return how many active students of ``exchange`` filled in their availability, and how
    many active students it has."""
    slots = exists().where(AvailabilitySlot.user_id == Enrolment.user_id)
    row = db.session.execute(
        select(func.count(), func.count().filter(slots)).where(
            Enrolment.exchange_id == exchange.id, Enrolment.status == "active"
        )
    ).one()
    return int(row[1]), int(row[0])


def _attention_availability(exchange: Exchange) -> list[Ask]:
    filled, total = availability_counts(exchange)
    if exchange.teams_published_at is not None or filled == total:
        return []
    missing = total - filled
    return [
        Ask(
            ngettext(
                "%(num)d student has not filled in their availability yet.",
                "%(num)d students have not filled in their availability yet.",
                missing,
            ),
            url_for("exchanges.roster", exchange_id=exchange.id),
        )
    ]


def _attention_agreement(exchange: Exchange) -> list[Ask]:
    asks = []
    for proposal in accepted_proposals(exchange):
        open_points = unresolved(proposal)
        if open_points:
            asks.append(
                Ask(
                    ngettext(
                        "%(num)d agreement point with %(course)s is still open.",
                        "%(num)d agreement points with %(course)s are still open.",
                        len(open_points),
                        course=proposal.to_course.title,
                    ),
                    url_for("pairings.show", proposal_id=proposal.id, _anchor="agreement-title"),
                )
            )
    return asks


def _attention_teams(exchange: Exchange) -> list[Ask]:
    if exchange.teams_published_at is not None:
        return []
    return [
        Ask(
            _("Teams are not published yet."),
            url_for("teams.index", exchange_id=exchange.id),
        )
    ]


# Each function answers what one part of an exchange needs from its lecturers; add more here.
EXCHANGE_ATTENTION: list[Callable[[Exchange], list[Ask]]] = [
    _attention_availability,
    _attention_teams,
    _attention_agreement,
]


def courses_of(owner: User) -> list[Course]:
    """Return the lecturer's courses, open ones first, then by title."""
    return list(
        db.session.scalars(
            select(Course)
            .where(Course.owner_id == owner.id, Course.status != "closed")
            .order_by((Course.status != "open"), Course.title, Course.id)
        )
    )


def courses_in_exchanges(course_ids: list[int]) -> set[int]:
    """Return which of the courses already take part in an exchange."""
    return set(
        db.session.scalars(
            select(ExchangeCourse.course_id).where(ExchangeCourse.course_id.in_(course_ids))
        )
    )


def pending_proposals(
    *, owner_id: int | None = None, institution_id: int | None = None
) -> tuple[list[Proposal], list[Proposal]]:
    """Return the pending proposals waiting for an answer from the lecturer (or institution),
    and those it sent that wait for the partner, newest first."""
    sender, recipient = aliased(Course), aliased(Course)
    query = (
        select(Proposal)
        .join(sender, Proposal.from_course_id == sender.id)
        .join(recipient, Proposal.to_course_id == recipient.id)
        .where(Proposal.status == "pending")
        .order_by(Proposal.id.desc())
    )
    if owner_id is not None:
        received = query.where(recipient.owner_id == owner_id)
        sent = query.where(sender.owner_id == owner_id)
    else:
        received = query.where(recipient.institution_id == institution_id)
        sent = query.where(sender.institution_id == institution_id)
    return list(db.session.scalars(received)), list(db.session.scalars(sent))


def partners_to_review(institution_id: int | None) -> list[Institution]:
    """Return the institutions the coordinator's lecturers propose to, hear from or run an
    exchange with, on which the coordinator has made no partner decision yet, by name."""
    if institution_id is None:
        return []
    sender, recipient = aliased(Course), aliased(Course)
    pairs = (
        select(sender.institution_id, recipient.institution_id)
        .select_from(Proposal)
        .join(sender, Proposal.from_course_id == sender.id)
        .join(recipient, Proposal.to_course_id == recipient.id)
        .where(
            Proposal.status.in_(("pending", "accepted")),
            or_(
                sender.institution_id == institution_id, recipient.institution_id == institution_id
            ),
        )
    )
    partners = {a if b == institution_id else b for a, b in db.session.execute(pairs)}
    partners.discard(institution_id)
    decided = select(PartnerRelation.partner_id).where(
        PartnerRelation.institution_id == institution_id
    )
    return list(
        db.session.scalars(
            select(Institution)
            .where(Institution.id.in_(partners), Institution.id.not_in(decided))
            .order_by(Institution.name)
        )
    )


def open_invitations(role: str | None = None, limit: int = 20) -> list[Invitation]:
    """Return invitations still waiting to be used (of one role, if given), soonest expiring
    first."""
    query = (
        select(Invitation)
        .where(
            Invitation.revoked_at.is_(None),
            Invitation.use_count < Invitation.max_uses,
            Invitation.expires_at > utcnow(),
            Invitation.course_id.is_(None),
        )
        .order_by(Invitation.expires_at, Invitation.id)
        .limit(limit)
    )
    if role is not None:
        query = query.where(Invitation.role == role)
    return list(db.session.scalars(query))
