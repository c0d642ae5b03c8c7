"""What the journal shows: prompts, where entries stand, counts, and what is asked of a student.

Reads only; every change is in ``services``. For other domains: :func:`student_reflections` (a
student's submitted entries, for whoever may read them in full, e.g. beside a lecturer's rating
form), :func:`portfolio_entries` (the entries a student marked for their portfolio) and
:func:`due_for` (what is asked of a student now; the template global ``reflections_due``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from coil.accounts.models import User
from coil.core.time import utcnow
from coil.exchanges.models import Enrolment, Exchange, ExchangePhase
from coil.extensions import db
from coil.reflections.models import ReflectionEntry, ReflectionPrompt, ReflectionVersion
from coil.reflections.permissions import can_read_in_full
from coil.rubrics.services import rubric_of
from coil.teams.models import Team, TeamMember

DUE_SOON = timedelta(days=7)


@dataclass(frozen=True)
class Status:
    """Where a student's entry stands: ``not_started``, ``draft``, ``submitted``, ``feedback``.

    ``version`` is the newest submitted version; ``pending`` tells that changes made after it
    wait as a draft.
    """

    code: str
    version: int | None = None
    pending: bool = False


@dataclass(frozen=True)
class Due:
    """A prompt asked of a student and not submitted yet."""

    prompt: ReflectionPrompt
    has_draft: bool
    overdue: bool


def prompts_of(exchange: Exchange, *, archived: bool = False) -> list[ReflectionPrompt]:
    """Return the exchange's prompts (or its archived ones), by due moment."""
    condition = (
        ReflectionPrompt.archived_at.is_not(None)
        if archived
        else ReflectionPrompt.archived_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(ReflectionPrompt)
            .where(ReflectionPrompt.exchange_id == exchange.id, condition)
            .order_by(ReflectionPrompt.due_at, ReflectionPrompt.position, ReflectionPrompt.id)
        )
    )


def status_of(entry: ReflectionEntry | None) -> Status:
    """Tell where ``entry`` stands (None: the student has not started)."""
    if entry is None or (not entry.versions and entry.draft is None):
        return Status("not_started")
    latest = entry.latest
    if latest is None:
        return Status("draft")
    code = "feedback" if latest.feedback else "submitted"
    return Status(code, latest.number, pending=entry.draft is not None)


def _entries(*conditions: Any) -> list[ReflectionEntry]:
    return list(
        db.session.scalars(
            select(ReflectionEntry)
            .join(ReflectionPrompt, ReflectionPrompt.id == ReflectionEntry.prompt_id)
            .where(*conditions)
            .options(
                selectinload(ReflectionEntry.versions).selectinload(ReflectionVersion.feedback)
            )
            .order_by(ReflectionEntry.id)
        )
    )


def entry_of(prompt: ReflectionPrompt, user: User) -> ReflectionEntry | None:
    """Return ``user``'s entry for ``prompt``, if they started one."""
    found = _entries(ReflectionEntry.prompt_id == prompt.id, ReflectionEntry.author_id == user.id)
    return found[0] if found else None


def journal_of(user: User, exchange: Exchange) -> dict[int, ReflectionEntry]:
    """Return ``user``'s entries in ``exchange`` by prompt id (archived prompts included)."""
    found = _entries(
        ReflectionPrompt.exchange_id == exchange.id, ReflectionEntry.author_id == user.id
    )
    return {entry.prompt_id: entry for entry in found}


@dataclass(frozen=True)
class StudentEntry:
    """A student of the exchange, their team (if any) and their entry for one prompt."""

    enrolment: Enrolment
    team: Team | None
    entry: ReflectionEntry | None
    status: Status


def entries_for(prompt: ReflectionPrompt, institution_id: int | None = None) -> list[StudentEntry]:
    """Return every student of the prompt's exchange (those who dropped out too) with their
    entry, by name; ``institution_id`` keeps one institution's students."""
    query = (
        select(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.exchange_id == prompt.exchange_id)
        .options(selectinload(Enrolment.user), selectinload(Enrolment.course))
        .order_by(User.name, User.id)
    )
    if institution_id is not None:
        query = query.where(User.institution_id == institution_id)
    enrolments = list(db.session.scalars(query))
    by_author = {e.author_id: e for e in _entries(ReflectionEntry.prompt_id == prompt.id)}
    teams = {
        member.user_id: member.team
        for member in db.session.scalars(
            select(TeamMember)
            .join(Team, Team.id == TeamMember.team_id)
            .where(Team.exchange_id == prompt.exchange_id)
            .options(selectinload(TeamMember.team))
        )
    }
    rows = []
    for enrolment in enrolments:
        entry = by_author.get(enrolment.user_id)
        rows.append(StudentEntry(enrolment, teams.get(enrolment.user_id), entry, status_of(entry)))
    return rows


def active_students(exchange: Exchange) -> int:
    """Count the exchange's active students."""
    query = (
        select(func.count())
        .select_from(Enrolment)
        .where(Enrolment.exchange_id == exchange.id, Enrolment.status == "active")
    )
    return db.session.scalar(query) or 0


def submitted_counts(exchange: Exchange) -> dict[int, int]:
    """Count, per prompt of ``exchange``, the entries with at least one submitted version."""
    rows = db.session.execute(
        select(ReflectionEntry.prompt_id, func.count(func.distinct(ReflectionEntry.id)))
        .join(ReflectionVersion, ReflectionVersion.entry_id == ReflectionEntry.id)
        .join(ReflectionPrompt, ReflectionPrompt.id == ReflectionEntry.prompt_id)
        .where(ReflectionPrompt.exchange_id == exchange.id)
        .group_by(ReflectionEntry.prompt_id)
    )
    return {prompt_id: count for prompt_id, count in rows}


def shared_with(user: User, exchange: Exchange, team_member_ids: Iterable[int]) -> list[Any]:
    """Return the submitted entries teammates (``team_member_ids``) shared in ``exchange``."""
    others = [member for member in team_member_ids if member != user.id]
    if not others:
        return []
    entries = _entries(
        ReflectionPrompt.exchange_id == exchange.id,
        ReflectionPrompt.archived_at.is_(None),
        ReflectionEntry.author_id.in_(others),
        ReflectionEntry.shared.is_(True),
    )
    return [entry for entry in entries if entry.versions]


def student_reflections(actor: User, exchange: Exchange, student: User) -> list[ReflectionEntry]:
    """Return ``student``'s submitted entries in ``exchange`` that ``actor`` may read in full
    (their versions and feedback loaded), by prompt due moment; drafts are never included."""
    entries = _entries(
        ReflectionPrompt.exchange_id == exchange.id, ReflectionEntry.author_id == student.id
    )
    readable = [e for e in entries if e.versions and can_read_in_full(actor, e)]
    return sorted(readable, key=lambda e: (e.prompt.due_at, e.prompt_id))


def portfolio_entries(user: User, exchange: Exchange | None = None) -> list[ReflectionEntry]:
    """Return the submitted entries ``user`` marked for their portfolio (in one exchange, or
    all), newest submission first; each entry's ``latest`` is the version to show."""
    conditions = [ReflectionEntry.author_id == user.id, ReflectionEntry.in_portfolio.is_(True)]
    if exchange is not None:
        conditions.append(ReflectionPrompt.exchange_id == exchange.id)
    entries = [e for e in _entries(*conditions) if e.versions]
    return sorted(entries, key=lambda e: e.versions[-1].submitted_at, reverse=True)


def due_for(user: User, now: datetime | None = None, soon: timedelta = DUE_SOON) -> list[Due]:
    """Return what is asked of ``user`` and not submitted yet, soonest due first: prompts of
    exchanges they are active in (not finished or cancelled) whose phase has begun or that are
    due within ``soon`` (overdue ones included)."""
    now = now or utcnow()
    submitted = exists(
        select(ReflectionVersion.id)
        .join(ReflectionEntry, ReflectionEntry.id == ReflectionVersion.entry_id)
        .where(
            ReflectionEntry.prompt_id == ReflectionPrompt.id,
            ReflectionEntry.author_id == user.id,
        )
    )
    prompts = list(
        db.session.scalars(
            select(ReflectionPrompt)
            .join(Exchange, Exchange.id == ReflectionPrompt.exchange_id)
            .join(
                Enrolment,
                and_(
                    Enrolment.exchange_id == Exchange.id,
                    Enrolment.user_id == user.id,
                    Enrolment.status == "active",
                ),
            )
            .outerjoin(ExchangePhase, ExchangePhase.id == ReflectionPrompt.phase_id)
            .where(
                ReflectionPrompt.archived_at.is_(None),
                Exchange.status.in_(("planned", "running")),
                or_(
                    ExchangePhase.id.is_(None),
                    ExchangePhase.start_date <= now.date(),
                    ReflectionPrompt.due_at <= now + soon,
                ),
                ~submitted,
            )
            .order_by(ReflectionPrompt.due_at, ReflectionPrompt.id)
        )
    )
    drafts = set(
        db.session.scalars(
            select(ReflectionEntry.prompt_id).where(
                ReflectionEntry.author_id == user.id,
                ReflectionEntry.prompt_id.in_([p.id for p in prompts]),
                ReflectionEntry.draft.is_not(None),
            )
        )
    )
    return [Due(p, p.id in drafts, p.due_at < now) for p in prompts]


def dimension_keys(exchange: Exchange) -> list[str]:
    """Return the keys of the dimensions of the exchange's rubric, in rubric order."""
    return [dimension.key for dimension in rubric_of(exchange).dimensions]


def picked_starters(exchange: Exchange) -> set[str]:
    """Return the keys of the starters the exchange's prompts were copied from."""
    return {prompt.starter for prompt in prompts_of(exchange) if prompt.starter}
