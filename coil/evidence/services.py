"""Recording participation: the one entry point every domain calls, in its own transaction.

:func:`record` writes one event for one action; :func:`record_rows` writes many in one
statement (the chat send path records a whole batch of messages that way). Events are kept
only for active students of the exchange: what lecturers do is not participation evidence.
Both flush with the caller's transaction, so an action and its event commit or roll back
together. Nothing here updates an event: a correction is a new event.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select

from coil.accounts.models import User
from coil.core.time import utcnow
from coil.evidence.kinds import KINDS
from coil.evidence.models import EvidenceNotice, LedgerEvent
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.teams.models import Team, TeamMember

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Participant:
    """What the ledger copies of a student at the time of an event."""

    user_id: int
    course_id: int
    institution_id: int | None
    team_id: int | None


def participants_in(
    exchange_ids: Iterable[int], user_ids: Iterable[int]
) -> dict[tuple[int, int], Participant]:
    """Return ``{(exchange id, user id): Participant}`` for the active students among them.

    One query, whatever the number of exchanges and people; the team counts once the
    exchange's teams are published.
    """
    exchanges, ids = set(exchange_ids), set(user_ids)
    if not exchanges or not ids:
        return {}
    published_team = (
        select(TeamMember.user_id, Team.exchange_id, Team.id.label("team_id"))
        .join(Team, Team.id == TeamMember.team_id)
        .join(Exchange, Exchange.id == Team.exchange_id)
        .where(Team.exchange_id.in_(exchanges), Exchange.teams_published_at.is_not(None))
        .subquery()
    )
    rows = db.session.execute(
        select(
            Enrolment.exchange_id,
            Enrolment.user_id,
            Enrolment.course_id,
            User.institution_id,
            published_team.c.team_id,
        )
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(
            published_team,
            and_(
                published_team.c.user_id == Enrolment.user_id,
                published_team.c.exchange_id == Enrolment.exchange_id,
            ),
        )
        .where(
            Enrolment.exchange_id.in_(exchanges),
            Enrolment.status == "active",
            Enrolment.user_id.in_(ids),
        )
    )
    return {
        (row.exchange_id, row.user_id): Participant(
            row.user_id, row.course_id, row.institution_id, row.team_id
        )
        for row in rows
    }


def event_row(
    kind: str,
    exchange_id: int,
    who: Participant,
    *,
    subject_id: int | None = None,
    value: int | None = None,
    cross: bool = False,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    team_id: int | None = None,
) -> dict[str, Any]:
    """Return the column values of one event (for :func:`record_rows`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger event kind {kind!r}")
    return {
        "exchange_id": exchange_id,
        "actor_id": who.user_id,
        "team_id": team_id if team_id is not None else who.team_id,
        "course_id": who.course_id,
        "institution_id": who.institution_id,
        "kind": kind,
        "occurred_at": occurred_at or utcnow(),
        "subject_id": subject_id,
        "value": value,
        "cross_institution": cross,
        "payload": payload or {},
    }


def record_rows(rows: Sequence[dict[str, Any]]) -> None:
    """Append many events in one statement, in the caller's transaction."""
    if rows:
        db.session.execute(insert(LedgerEvent), list(rows))


def record(
    kind: str,
    exchange_id: int,
    actor: User | int,
    *,
    subject_id: int | None = None,
    value: int | None = None,
    cross: bool = False,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    team_id: int | None = None,
) -> LedgerEvent | None:
    """Append one event for ``actor``'s action, if they are an active student of the exchange.

    Returns the event, or None for people whose actions are not participation evidence
    (lecturers, coordinators, students who dropped out).
    """
    user_id = actor if isinstance(actor, int) else actor.id
    who = participants_in([exchange_id], [user_id]).get((exchange_id, user_id))
    if who is None:
        return None
    values = event_row(
        kind,
        exchange_id,
        who,
        subject_id=subject_id,
        value=value,
        cross=cross,
        payload=payload,
        occurred_at=occurred_at,
        team_id=team_id,
    )
    event = LedgerEvent(**values)
    db.session.add(event)
    db.session.flush()
    return event


def events_of(exchange_id: int, user_id: int) -> list[LedgerEvent]:
    """Return every event about one student in one exchange, newest first."""
    return list(
        db.session.scalars(
            select(LedgerEvent)
            .where(and_(LedgerEvent.exchange_id == exchange_id, LedgerEvent.actor_id == user_id))
            .order_by(LedgerEvent.occurred_at.desc(), LedgerEvent.id.desc())
        )
    )


def count_events_of(exchange_id: int, user_id: int) -> int:
    """Return how many events the ledger holds about one student in one exchange."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LedgerEvent)
            .where(LedgerEvent.exchange_id == exchange_id, LedgerEvent.actor_id == user_id)
        )
        or 0
    )


def events_page(exchange_id: int, user_id: int, offset: int, limit: int) -> list[LedgerEvent]:
    """Return one page of the events about one student in one exchange, newest first."""
    return list(
        db.session.scalars(
            select(LedgerEvent)
            .where(LedgerEvent.exchange_id == exchange_id, LedgerEvent.actor_id == user_id)
            .order_by(LedgerEvent.occurred_at.desc(), LedgerEvent.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )


def has_seen_notice(user: User, exchange: Exchange) -> bool:
    """Tell whether ``user`` has seen what the exchange records about them."""
    found = db.session.scalar(
        select(EvidenceNotice.id).where(
            EvidenceNotice.exchange_id == exchange.id, EvidenceNotice.user_id == user.id
        )
    )
    return found is not None


def acknowledge_notice(user: User, exchange: Exchange) -> None:
    """Remember that ``user`` has seen the notice (idempotent)."""
    if not has_seen_notice(user, exchange):
        db.session.add(EvidenceNotice(exchange_id=exchange.id, user_id=user.id))
        db.session.flush()
        log.info("user %s acknowledged the evidence notice of exchange %s", user.id, exchange.id)
