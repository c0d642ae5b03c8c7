"""Engagement figures of an exchange, summed by the database from the participation ledger.

Two GROUP BY queries do the work, whatever the number of events: one row per student
(:func:`student_figures`) and one row per UTC day and kind (:func:`daily_counts`). Teams and
classes are sums of their students' rows, and the voice balance is the Gini coefficient of
those sums (``metrics``); no ledger event is ever loaded into Python. The SQL is SQLAlchemy
Core and runs alike on SQLite and PostgreSQL (``utc_day`` is the one expression that differs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, distinct, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from coil.accounts.models import User
from coil.engagement.metrics import gini, rate, shares
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.teams.models import Team, TeamMember

#: The counters of a student, team, class or exchange, in the order tables show them.
COUNTERS = (
    "active_days",
    "messages",
    "cross",
    "turns",
    "sessions",
    "minutes",
    "tasks",
    "documents",
    "reflections",
)


class utc_day(FunctionElement[date]):
    """The UTC calendar day of a timestamp column (SQLite stores UTC without an offset)."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day)
def _utc_day_default(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC' AS DATE)"


@dataclass
class Figures:
    """What one student (or a team, a class, the exchange) did; sums of ledger events."""

    active_days: int = 0
    messages: int = 0
    cross: int = 0  # messages that reply to, or follow, someone of another institution
    turns: int = 0
    sessions: int = 0
    minutes: int = 0
    tasks: int = 0
    documents: int = 0
    reflections: int = 0
    last_active: datetime | None = None

    @property
    def cross_rate(self) -> float | None:
        """Return the share of messages that cross institutions (None without messages)."""
        return rate(self.cross, self.messages)

    def add(self, other: Figures) -> None:
        """Add ``other``'s counters to these (active days add up as person-days)."""
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_active and (not self.last_active or other.last_active > self.last_active):
            self.last_active = other.last_active


@dataclass
class Student:
    """An active student of the exchange with their figures."""

    user_id: int
    name: str
    course_id: int
    institution_id: int | None
    team_id: int | None
    figures: Figures


@dataclass
class TeamFigures:
    """A team's sums, each member's share of its voice, and the balance between classes."""

    team_id: int
    number: int
    name: str
    members: list[Student]
    totals: Figures = field(default_factory=Figures)
    message_shares: dict[int, float] = field(default_factory=dict)  # user id -> share
    turn_shares: dict[int, float] = field(default_factory=dict)
    message_gini: float | None = None
    turn_gini: float | None = None
    course_members: dict[int, int] = field(default_factory=dict)  # course id -> members
    course_shares: dict[int, float] = field(default_factory=dict)  # course id -> message share


#: Events that say someone was assessed or assessed themselves, not that they took part in the
#: team's work: they count for no "active day" and no "last active" (a lecturer's rating of a
#: silent student must not make them look active).
NOT_ACTIVITY = (
    kinds.SELF_ASSESSMENT,
    kinds.PEER_EVALUATION,
    kinds.RATING_RECEIVED,
    kinds.BADGE_AWARDED,
)


def _count(kind: str) -> Any:
    return func.sum(case((LedgerEvent.kind == kind, 1), else_=0))


def _per_student(exchange_id: int) -> Any:
    """The GROUP BY over the exchange's ledger: one row of sums per actor."""
    event = LedgerEvent
    session = event.kind == kinds.SESSION_ATTENDED
    return (
        select(
            event.actor_id.label("user_id"),
            func.count(distinct(utc_day(event.occurred_at))).label("active_days"),
            _count(kinds.MESSAGE).label("messages"),
            func.sum(
                case((and_(event.kind == kinds.MESSAGE, event.cross_institution), 1), else_=0)
            ).label("cross"),
            _count(kinds.TURN_TAKEN).label("turns"),
            func.count(distinct(case((session, event.subject_id)))).label("sessions"),
            func.sum(case((session, event.value), else_=0)).label("minutes"),
            _count(kinds.TASK_COMPLETED).label("tasks"),
            _count(kinds.DOCUMENT_SAVED).label("documents"),
            _count(kinds.REFLECTION_SUBMITTED).label("reflections"),
            func.max(event.occurred_at).label("last_active"),
        )
        .where(event.exchange_id == exchange_id, event.kind.notin_(NOT_ACTIVITY))
        .group_by(event.actor_id)
        .subquery("per_student")
    )


def student_figures(exchange: Exchange) -> list[Student]:
    """Return every active student of ``exchange`` with their figures, by name.

    Students with no event at all are there too, with zeros: they are the ones to notice.
    """
    sums = _per_student(exchange.id)
    membership = (
        select(TeamMember.user_id, TeamMember.team_id)
        .join(Team, Team.id == TeamMember.team_id)
        .where(Team.exchange_id == exchange.id)
        .subquery("membership")
    )
    rows = db.session.execute(
        select(
            Enrolment.user_id,
            User.name,
            Enrolment.course_id,
            User.institution_id,
            membership.c.team_id,
            *(sums.c[name] for name in COUNTERS),
            sums.c.last_active,
        )
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(sums, sums.c.user_id == Enrolment.user_id)
        .outerjoin(membership, membership.c.user_id == Enrolment.user_id)
        .where(Enrolment.exchange_id == exchange.id, Enrolment.status == "active")
        .order_by(User.name, Enrolment.user_id)
    )
    return [
        Student(
            row.user_id,
            row.name,
            row.course_id,
            row.institution_id,
            row.team_id,
            Figures(
                **{name: int(row._mapping[name] or 0) for name in COUNTERS},
                last_active=row.last_active,
            ),
        )
        for row in rows
    ]


def team_figures(exchange: Exchange, students: list[Student]) -> list[TeamFigures]:
    """Return each team of ``exchange`` with its sums, voice shares and class balance."""
    by_team: dict[int, list[Student]] = defaultdict(list)
    for student in students:
        if student.team_id is not None:
            by_team[student.team_id].append(student)
    result = []
    for team in db.session.scalars(
        select(Team).where(Team.exchange_id == exchange.id).order_by(Team.number)
    ):
        members = by_team.get(team.id, [])
        figures = TeamFigures(team.id, team.number, team.name, members)
        for member in members:
            figures.totals.add(member.figures)
        messages = {m.user_id: m.figures.messages for m in members}
        turns = {m.user_id: m.figures.turns for m in members}
        figures.message_shares, figures.turn_shares = shares(messages), shares(turns)
        figures.message_gini = gini(list(messages.values()))
        figures.turn_gini = gini(list(turns.values()))
        per_course: dict[int, int] = defaultdict(int)
        for member in members:
            figures.course_members[member.course_id] = (
                figures.course_members.get(member.course_id, 0) + 1
            )
            per_course[member.course_id] += member.figures.messages
        figures.course_shares = shares(per_course)
        result.append(figures)
    return result


def totals(students: list[Student], key: str | None = None) -> dict[Any, Figures]:
    """Sum students' figures: all of them under ``None``, or grouped by an attribute."""
    summed: dict[Any, Figures] = defaultdict(Figures)
    for student in students:
        summed[getattr(student, key) if key else None].add(student.figures)
    return dict(summed)


#: The kinds the weekly chart follows, in its order.
WEEKLY_KINDS = (
    kinds.MESSAGE,
    kinds.TURN_TAKEN,
    kinds.SESSION_ATTENDED,
    kinds.TASK_COMPLETED,
    kinds.DOCUMENT_SAVED,
    kinds.REFLECTION_SUBMITTED,
)


def daily_counts(exchange: Exchange) -> dict[tuple[date, str], int]:
    """Return ``{(UTC day, kind): events}`` for the weekly chart's kinds (one GROUP BY)."""
    day = utc_day(LedgerEvent.occurred_at)
    rows = db.session.execute(
        select(day.label("day"), LedgerEvent.kind, func.count().label("events"))
        .where(LedgerEvent.exchange_id == exchange.id, LedgerEvent.kind.in_(WEEKLY_KINDS))
        .group_by(day, LedgerEvent.kind)
    )
    return {(_as_date(row.day), row.kind): int(row.events) for row in rows}


def weekly_counts(exchange: Exchange, daily: dict[tuple[date, str], int]) -> list[dict[str, Any]]:
    """Fold daily counts into weeks that start on the exchange's weekday.

    Week 1 starts on the exchange's first day; the weeks run to its last day, and further
    either way to hold every event (``week`` is 0 or less for weeks before the start).
    """
    start = exchange.start_date
    days = [day for day, _kind in daily]
    first = min([*days, start])
    last = max([*days, exchange.end_date])
    low = (first - start).days // 7
    high = (last - start).days // 7
    rows: list[dict[str, Any]] = [
        {"week": n + 1, "starts": start + timedelta(days=7 * n), "counts": {}}
        for n in range(low, high + 1)
    ]
    for (day, kind), count in daily.items():
        counts: dict[str, int] = rows[(day - start).days // 7 - low]["counts"]
        counts[kind] = counts.get(kind, 0) + count
    return rows


def _as_date(value: Any) -> date:
    """SQLite's date() answers a string, PostgreSQL a date."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
