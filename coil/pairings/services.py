"""Every state change of a pairing: propose, talk, agree, accept or decline, withdraw.

Acceptance creates the Exchange (or adds the course to the proposer's exchange, for a third
or fourth course) in the same transaction as the answer.
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from coil.accounts.models import Role, User
from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.courses import partner_search
from coil.courses.matching import verdicts
from coil.courses.models import Course
from coil.courses.services import set_status
from coil.exchanges.models import MAX_COURSES, Exchange, ExchangeCourse
from coil.exchanges.signals import course_joined
from coil.extensions import db
from coil.notifications.services import notify_user
from coil.pairings.models import AGREEMENT_KEYS, AgreementItem, Proposal, ProposalMessage
from coil.pairings.permissions import (
    can_answer,
    can_propose,
    can_take_part,
    can_withdraw,
    is_proposer,
)

log = logging.getLogger(__name__)
MAX_TEXT = 5000


def _params(proposal: Proposal, for_proposer: bool) -> dict[str, str]:
    mine, theirs = (
        (proposal.from_course, proposal.to_course)
        if for_proposer
        else (proposal.to_course, proposal.from_course)
    )
    return {
        "course": mine.title,
        "their_course": theirs.title,
        "institution": theirs.institution.name,
    }


def _tell_other_side(actor: User, proposal: Proposal, kind: str) -> None:
    to_proposer = not is_proposer(actor, proposal)
    other = proposal.from_course.owner if to_proposer else proposal.to_course.owner
    notify_user(
        other,
        kind,
        _params(proposal, to_proposer),
        endpoint="pairings.show",
        values={"proposal_id": proposal.id},
    )


def _blocked(a: Course, b: Course) -> bool:
    return b.institution_id in partner_search.blocked_partners(a.institution_id)


def current_exchange(course: Course) -> Exchange | None:
    """Return the exchange ``course`` takes part in, if any."""
    member = db.session.scalar(select(ExchangeCourse).where(ExchangeCourse.course_id == course.id))
    return member.exchange if member else None


def propose(actor: User, from_course: Course, to_course: Course, message: str) -> Proposal:
    """Propose pairing ``from_course`` (the actor's) with ``to_course``; tell its lecturer."""
    if not can_propose(actor, from_course, to_course):
        raise ServiceError(
            _(
                "You can propose only from your own open course to an open course "
                "of another institution."
            )
        )
    if _blocked(from_course, to_course):
        raise ServiceError(_("Your institutions do not pair courses with each other."))
    if len(message) > MAX_TEXT:
        raise ServiceError(
            _("Keep the message under %(n)d characters.", n=MAX_TEXT), field="message"
        )
    pending = db.session.scalar(
        select(Proposal.id).where(
            Proposal.status == "pending",
            ((Proposal.from_course_id == from_course.id) & (Proposal.to_course_id == to_course.id))
            | (
                (Proposal.from_course_id == to_course.id)
                & (Proposal.to_course_id == from_course.id)
            ),
        )
    )
    if pending is not None:
        raise ServiceError(_("A proposal between these two courses is already waiting."))
    exchange = current_exchange(from_course)
    if exchange is not None and len(exchange.members) >= MAX_COURSES:
        raise ServiceError(_("An exchange has at most %(n)d courses.", n=MAX_COURSES))
    if current_exchange(to_course) is not None:
        raise ServiceError(_("That course already takes part in an exchange."))
    proposal = Proposal(
        from_course=from_course,
        to_course=to_course,
        exchange=exchange,
        created_by=actor,
        message=message.strip(),
    )
    # Empty points show suggestions in each reader's language (coil/pairings/defaults.py).
    proposal.agreement = [AgreementItem(key=key) for key in AGREEMENT_KEYS]
    db.session.add(proposal)
    db.session.flush()
    _tell_other_side(actor, proposal, "proposal_received")
    log.info(
        "user %s proposed %s -> %s (proposal %s)",
        actor.id,
        from_course.id,
        to_course.id,
        proposal.id,
    )
    return proposal


def reply(actor: User, proposal: Proposal, body: str) -> ProposalMessage:
    """Add a message to the proposal's conversation and tell the other lecturer."""
    if not can_take_part(actor, proposal):
        raise ServiceError(_("You cannot reply to this proposal."))
    body = body.strip()
    if not body:
        raise ServiceError(_("Write a message first."), field="body")
    if len(body) > MAX_TEXT:
        raise ServiceError(_("Keep the message under %(n)d characters.", n=MAX_TEXT), field="body")
    message = ProposalMessage(proposal_id=proposal.id, author_id=actor.id, body=body)
    db.session.add(message)
    db.session.flush()
    _tell_other_side(actor, proposal, "proposal_reply")
    return message


def update_agreement(
    actor: User,
    proposal: Proposal,
    texts: dict[str, str],
    confirmed: set[str],
    share_identities: bool | None = None,
) -> list[str]:
    """Save the actor's side of the agreement: item texts, which items they confirm, and
    (unless None) whether partners' reports may name their side's students.

    A changed text clears the other side's confirmation. Returns the keys that changed
    (``share_identities`` among them when the actor's answer changed).
    """
    if not can_take_part(actor, proposal):
        raise ServiceError(_("You cannot change this agreement."))
    mine = "confirmed_by_proposer" if is_proposer(actor, proposal) else "confirmed_by_recipient"
    theirs = (
        "confirmed_by_recipient" if mine == "confirmed_by_proposer" else "confirmed_by_proposer"
    )
    changed = []
    for item in proposal.agreement:
        text = texts.get(item.key, item.text).strip()
        if len(text) > MAX_TEXT:
            raise ServiceError(
                _("Keep each point under %(n)d characters.", n=MAX_TEXT), field=item.key
            )
        if text != item.text:
            item.text = text
            item.updated_by_id = actor.id
            item.updated_at = utcnow()
            setattr(item, theirs, False)
            changed.append(item.key)
        setattr(item, mine, item.key in confirmed and bool(text))
    if share_identities is not None:
        side = "identities_by_" + mine.removeprefix("confirmed_by_")
        if getattr(proposal, side) != share_identities:
            setattr(proposal, side, share_identities)
            changed.append("share_identities")
    db.session.flush()
    if changed:
        _tell_other_side(actor, proposal, "agreement_changed")
    return changed


def unresolved(proposal: Proposal) -> list[AgreementItem]:
    """Return the agreement items not yet filled in and confirmed by both sides."""
    return [item for item in proposal.agreement if not item.resolved]


def accept(actor: User, proposal: Proposal) -> Exchange:
    """Accept a proposal: create the exchange (or join the proposer's) and pair both courses."""
    if not can_answer(actor, proposal):
        raise ServiceError(_("Only the other lecturer can accept this proposal."))
    if _blocked(proposal.from_course, proposal.to_course):
        raise ServiceError(_("Your institutions do not pair courses with each other."))
    if current_exchange(proposal.to_course) is not None:
        raise ServiceError(_("Your course already takes part in an exchange."))
    exchange = current_exchange(proposal.from_course)
    if exchange is None:
        exchange = _new_exchange(proposal)
        exchange.members.append(ExchangeCourse(course=proposal.from_course))
    elif len(exchange.members) >= MAX_COURSES:
        raise ServiceError(_("An exchange has at most %(n)d courses.", n=MAX_COURSES))
    else:
        _retitle(exchange, proposal.to_course)
    exchange.members.append(ExchangeCourse(course=proposal.to_course))
    db.session.flush()
    course_joined.send(exchange)  # the exchange's shared space and room exist from the start
    for course in (proposal.from_course, proposal.to_course):
        set_status(course, "paired")
    proposal.status = "accepted"
    proposal.exchange = exchange
    proposal.responded_by_id = actor.id
    proposal.responded_at = utcnow()
    db.session.flush()
    _tell_other_side(actor, proposal, "proposal_accepted")
    _tell_exchange(actor, proposal, exchange)
    log.info("user %s accepted proposal %s: exchange %s", actor.id, proposal.id, exchange.id)
    return exchange


def _tell_exchange(actor: User, proposal: Proposal, exchange: Exchange) -> None:
    """Tell the coordinators of both sides, and the lecturers of earlier member courses."""
    told = {actor.id, proposal.from_course.owner_id}
    joining = proposal.to_course
    for course in exchange.courses:
        if course.owner_id not in told and course.id != joining.id:
            told.add(course.owner_id)
            notify_user(
                course.owner,
                "exchange_joined",
                {
                    "their_course": joining.title,
                    "institution": joining.institution.name,
                    "exchange": exchange.title,
                },
                endpoint="exchanges.show",
                values={"exchange_id": exchange.id},
            )
    for mine, theirs in ((proposal.from_course, joining), (joining, proposal.from_course)):
        coordinators = db.session.scalars(
            select(User).where(
                User.institution_id == mine.institution_id,
                User.role == Role.COORDINATOR,
                User.active.is_(True),
            )
        )
        for coordinator in coordinators:
            notify_user(
                coordinator,
                "exchange_created",
                {
                    "course": mine.title,
                    "their_course": theirs.title,
                    "institution": theirs.institution.name,
                },
                endpoint="exchanges.show",
                values={"exchange_id": exchange.id},
            )


def _retitle(exchange: Exchange, joining: Course) -> None:
    """Name a joining course in the exchange's title, unless the lecturers chose their own."""
    if exchange.title == " × ".join(course.title for course in exchange.courses)[:200]:
        exchange.title = " × ".join([*(c.title for c in exchange.courses), joining.title])[:200]


def _new_exchange(proposal: Proposal) -> Exchange:
    a, b = proposal.from_course, proposal.to_course
    first, last = max(a.first_day, b.first_day), min(a.last_day, b.last_day)
    language, level = a.working_languages[0].language, a.working_languages[0].min_level
    match = partner_search.explain(a, b)
    if isinstance(match, verdicts.Match):
        for reason in match.reasons:
            if reason.code == "weeks":
                first, last = reason.params["first"], reason.params["last"]
            elif reason.code == "language":
                language, level = reason.params["language"], reason.params["level"]
    if last < first:  # no overlap left (the courses changed since): keep a valid record
        first = last = max(a.first_day, b.first_day, utcnow().date())
    exchange = Exchange(
        title=f"{a.title} × {b.title}"[:200],
        start_date=first,
        end_date=last,
        working_language=language,
        min_level=level,
    )
    db.session.add(exchange)
    return exchange


def decline(actor: User, proposal: Proposal, reason: str) -> None:
    """Decline a proposal with a reason the proposer will see."""
    if not can_answer(actor, proposal):
        raise ServiceError(_("Only the other lecturer can decline this proposal."))
    if not reason.strip():
        raise ServiceError(
            _("Say briefly why, so the other lecturer can look elsewhere."), field="reason"
        )
    proposal.status = "declined"
    proposal.decline_reason = reason.strip()[:MAX_TEXT]
    proposal.responded_by_id = actor.id
    proposal.responded_at = utcnow()
    db.session.flush()
    _tell_other_side(actor, proposal, "proposal_declined")


def withdraw(actor: User, proposal: Proposal) -> None:
    """Withdraw one's own pending proposal."""
    if not can_withdraw(actor, proposal):
        raise ServiceError(_("You can only withdraw your own pending proposal."))
    proposal.status = "withdrawn"
    proposal.responded_at = utcnow()
    db.session.flush()
    _tell_other_side(actor, proposal, "proposal_withdrawn")


def accepted_proposals(exchange: Exchange) -> list[Proposal]:
    """Return the accepted proposals that formed or joined ``exchange``, oldest first."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.exchange_id == exchange.id, Proposal.status == "accepted")
            .order_by(Proposal.id)
        )
    )
