"""The raw ledger export: every participation event in the filter, one row each, streamed.

Scope as for the participation records: every event of the exchanges in the filter. The
events of the viewer's own students (their institution when the event happened, which the
ledger copies onto each event; for a lecturer, their own courses) name the student; the
partner institutions' students appear under their pseudonym in that exchange (``privacy``),
unless the exchange's agreement shares identities; admins see every name. Details that name
other people by their number (whom a peer evaluation scored) are reduced to a count, so that
no export links a pseudonym back to a person. Rows come in ledger order (the primary key,
so neither database sorts a million rows first), read in batches: a server-side cursor on
PostgreSQL (``stream_results``), ``fetchmany`` batches on SQLite, never all rows at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from operator import attrgetter
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import CursorResult, Select, Text, and_, case, cast, func, literal, select

from coil.accounts.models import User
from coil.courses.models import Course
from coil.evidence.models import LedgerEvent
from coil.exchanges.models import Exchange
from coil.extensions import db
from coil.reports.figures import exchanges_in
from coil.reports.filters import Filters
from coil.reports.privacy import pseudonym, pseudonym_key, sharing_exchanges
from coil.reports.writers import Column

BATCH = 2000  # rows per fetch: small rows, so a larger batch than the records'
JSON_TEXT = ("payload",)  # columns whose values are JSON text (writers.write's json_text)


COLUMNS = 14  # the exported columns; the query adds ``partner`` after them
PEER_EVALUATION = "peer_evaluation.given"


def _partner(filters: Filters) -> Any:
    """Return 1 for an event of a partner institution's student, else 0."""
    own = []
    if filters.institution_id is not None:
        own.append(LedgerEvent.institution_id == filters.institution_id)
    if filters.owner_id is not None:
        own.append(Course.owner_id == filters.owner_id)
    return case((and_(*own), 0), else_=1) if own else literal(0)


def ledger_query(filters: Filters) -> Select[Any]:
    """Return the query for the ledger events in ``filters``."""
    ids = select(exchanges_in(filters).subquery().c.id)
    query: Any = (
        select(
            LedgerEvent.id,
            LedgerEvent.occurred_at,
            LedgerEvent.exchange_id,
            Exchange.title.label("exchange"),
            LedgerEvent.kind,
            LedgerEvent.actor_id,
            User.name,
            LedgerEvent.institution_id,
            LedgerEvent.course_id,
            LedgerEvent.team_id,
            LedgerEvent.subject_id,
            LedgerEvent.value,
            LedgerEvent.cross_institution,
            # JSON text as stored: CSV and XLSX write it as it is, JSON Lines splices it in
            cast(LedgerEvent.payload, Text).label("payload"),
            _partner(filters).label("partner"),
        )
        .join(Exchange, Exchange.id == LedgerEvent.exchange_id)
        .join(User, User.id == LedgerEvent.actor_id)
        .outerjoin(Course, Course.id == LedgerEvent.course_id)
        .where(LedgerEvent.exchange_id.in_(ids))
        .order_by(LedgerEvent.id)
    )
    if filters.course_id is not None:
        query = query.where(LedgerEvent.course_id == filters.course_id)
    return query


def count_events(filters: Filters) -> int:
    """Return how many events ``filters`` covers (a ledger export's rows expected)."""
    query = ledger_query(filters).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


def streamed(filters: Filters) -> CursorResult[Any]:
    """Return the ledger events in ``filters`` as a result read in batches of ``BATCH`` (a
    server-side cursor on PostgreSQL), on the session's connection: Core rows, no ORM work."""
    statement = ledger_query(filters).execution_options(yield_per=BATCH, stream_results=True)
    return db.session.connection().execute(statement)


def _counted_only(payload: str | None) -> str | None:
    """Return a peer evaluation's details as how many peers it scored (no one's number)."""
    try:
        scores = json.loads(payload or "{}").get("scores") or {}
    except (ValueError, AttributeError):
        return None
    return json.dumps({"peers": len(scores)})


def events(filters: Filters) -> Iterator[tuple[Any, ...]]:
    """Yield the ledger events in ``filters`` as tuples in the columns' order, partner
    students under their pseudonym."""
    exchange_ids = list(db.session.scalars(exchanges_in(filters)))
    shared = sharing_exchanges(exchange_ids)
    key = pseudonym_key()
    with streamed(filters) as result:
        for row in result:
            values = list(row[:COLUMNS])
            if row[COLUMNS] and values[2] not in shared:
                values[5], values[6] = None, pseudonym(values[2], values[5], key)
            if values[4] == PEER_EVALUATION:
                values[13] = _counted_only(values[13])
            yield tuple(values)


def ledger_columns() -> list[Column]:
    """Return the ledger export's columns, headers in the current language."""
    return [
        ("id", _("Event"), attrgetter("id")),
        ("occurred_at", _("When (UTC)"), attrgetter("occurred_at")),
        ("exchange_id", _("Exchange number"), attrgetter("exchange_id")),
        ("exchange", _("Exchange"), attrgetter("exchange")),
        ("kind", _("Kind"), attrgetter("kind")),
        ("actor_id", _("Student number in COIL"), attrgetter("actor_id")),
        ("name", _("Student"), attrgetter("name")),
        ("institution_id", _("Institution number"), attrgetter("institution_id")),
        ("course_id", _("Course number"), attrgetter("course_id")),
        ("team_id", _("Team number"), attrgetter("team_id")),
        ("subject_id", _("Subject"), attrgetter("subject_id")),
        ("value", _("Value"), attrgetter("value")),
        ("cross_institution", _("Across institutions"), attrgetter("cross_institution")),
        ("payload", _("Details"), attrgetter("payload")),
    ]
