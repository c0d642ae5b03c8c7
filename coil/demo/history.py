"""Six weeks of participation history for the running demo exchange, so engagement shows.

The ledger events of the Amsterdam-Mexico City exchange (``coil.demo.rooms``) over the six
weeks before the day the demo is seeded, whatever the exchange's own dates: messages (about
half of them across institutions), speaking turns, prompt cards, a weekly live session per
team with minutes present, tasks, document versions and reflections. Seeded random, so every
demo looks alike. Two patterns for the early warnings: Team Cacao drifts (Youssef writes most
of its messages, and Emma writes only to her own class), and Camila falls silent after the
second week. One bulk insert (``record_rows``); a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from coil.accounts.services import find_user_by_email
from coil.core.time import utcnow
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.evidence.services import Participant, event_row, participants_in, record_rows
from coil.extensions import db
from coil.teams.models import Team

WEEKS = 6
SEED = 20261205
DOMINANT = "youssef@amstelland.example"  # talks over Team Cacao
OWN_CLASS_ONLY = "emma@amstelland.example"  # writes only to her own class
SILENT = "camila@utvalle.example"  # nothing after the second week
SILENT_AFTER_DAYS = 14


def ensure_history() -> int:
    """Record the demo exchange's history if it has none yet; return how many events."""
    team = db.session.scalar(select(Team).where(Team.name == "Team Cacao"))
    if team is None:
        return 0
    exchange = team.exchange
    today = utcnow().date()
    first = today - timedelta(weeks=WEEKS)
    before = datetime.combine(today - timedelta(days=1), time.min, UTC)
    already = db.session.scalar(
        select(func.count())
        .select_from(LedgerEvent)
        .where(LedgerEvent.exchange_id == exchange.id, LedgerEvent.occurred_at < before)
    )
    if already:
        return 0
    members = [member.user_id for t in exchange.teams for member in t.members]
    who = participants_in([exchange.id], members)
    people = {key[1]: participant for key, participant in who.items()}
    emails = {
        email: user.id for email in (DOMINANT, OWN_CLASS_ONLY, SILENT)
        if (user := find_user_by_email(email)) is not None
    }  # fmt: skip
    rng = random.Random(SEED)  # noqa: S311 (demo data, not a secret)
    rows: list[dict[str, Any]] = []
    for offset in range(WEEKS * 7):
        day = first + timedelta(days=offset)
        for user_id, participant in sorted(people.items()):
            if user_id == emails.get(SILENT) and offset >= SILENT_AFTER_DAYS:
                continue
            rows += _day(rng, exchange.id, participant, day, offset, emails)
    record_rows(rows)
    return len(rows)


def _at(rng: random.Random, day: Any, hour: int | None = None) -> datetime:
    moment = time(hour if hour is not None else rng.randrange(8, 21), rng.randrange(60))
    return datetime.combine(day, moment, UTC)


def _day(
    rng: random.Random,
    exchange_id: int,
    who: Participant,
    day: Any,
    offset: int,
    emails: dict[str, int],
) -> list[dict[str, Any]]:
    """One student's events of one day."""
    rows = []

    def add(kind: str, **extra: Any) -> None:
        rows.append(event_row(kind, exchange_id, who, occurred_at=_at(rng, day), **extra))

    dominant = who.user_id == emails.get(DOMINANT)
    if dominant or rng.random() < 0.55:
        for _ in range(rng.randint(6, 14) if dominant else rng.randint(1, 4)):
            own_only = who.user_id == emails.get(OWN_CLASS_ONLY)
            add(kinds.MESSAGE, cross=not own_only and rng.random() < 0.5)
        if rng.random() < 0.2:
            add(kinds.TASK_CREATED)
        if rng.random() < 0.15:
            add(kinds.TASK_COMPLETED)
        if rng.random() < 0.25:
            add(kinds.DOCUMENT_SAVED)
        if rng.random() < 0.05:
            add(kinds.CARD_DRAWN)
    if offset % 7 == 2 and rng.random() < 0.85:  # the team's weekly live session
        session = 1000 * (who.team_id or 0) + offset // 7 + 1
        minutes = rng.randint(40, 60)
        when = _at(rng, day, 15)
        rows.append(event_row(kinds.SESSION_ATTENDED, exchange_id, who, subject_id=session,
                              value=minutes, occurred_at=when))  # fmt: skip
        for _ in range(rng.randint(3, 6) if dominant else rng.randint(0, 2)):
            add(kinds.TURN_TAKEN)
    if offset % 14 == 12 and rng.random() < 0.8:
        add(kinds.REFLECTION_SUBMITTED)
    return rows
