"""The one set of queries behind the dashboard and the exports (SQLAlchemy Core, SQLite and
PostgreSQL alike): the exchanges in a filter, and one participation record per student per
exchange. ``summary.summarise`` folds the same records into the dashboard's figures, so the
dashboard and every export show the same numbers.

Definitions (also in docs/architecture.md):

- An exchange is in the filter when it is not cancelled, its dates overlap the period, one of
  its courses belongs to the scope's institution (any institution for admins), and it matches
  the course, exchange and partner-country filters.
- A record is an active enrolment of the scope's institution in such an exchange (its course
  belongs to the institution; with a course filter, that course).
- A phase is *completed* by a student when it has ended (its last day is before the reference
  day) and the ledger holds at least one event of the student dated within the phase's days
  (UTC). A record is *complete* when every phase of its exchange is completed, *in progress*
  while the exchange has phases still to end, *incomplete* otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    case,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from coil.accounts.models import User
from coil.courses.models import Course
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse, ExchangePhase
from coil.extensions import db
from coil.institutions.models import Institution
from coil.reports.emissions import point, trip
from coil.reports.extras import ExchangeExtras
from coil.reports.filters import Filters
from coil.reports.privacy import mask
from coil.reports.record import Record
from coil.rubrics import value
from coil.rubrics.models import ExchangeRubric, RubricDimension

BATCH = 500  # rows fetched at a time: a server-side cursor on PostgreSQL, batches on SQLite


def exchanges_in(filters: Filters) -> Select[Any]:
    """Return a query for the ids of the exchanges in ``filters``."""
    query: Select[Any] = select(Exchange.id).where(Exchange.status != "cancelled")
    if filters.date_from is not None:
        query = query.where(Exchange.end_date >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Exchange.start_date <= filters.date_to)
    if filters.exchange_id is not None:
        query = query.where(Exchange.id == filters.exchange_id)
    member = aliased(ExchangeCourse)
    member_course = aliased(Course)
    if filters.institution_id is not None or filters.owner_id is not None:
        query = query.where(
            exists()
            .where(member.exchange_id == Exchange.id)
            .where(member_course.id == member.course_id)
            .where(_of_scope(member_course, filters))
        )
    if filters.course_id is not None:
        query = query.where(
            exists().where(
                ExchangeCourse.exchange_id == Exchange.id,
                ExchangeCourse.course_id == filters.course_id,
            )
        )
    if filters.faculty or filters.programme:
        own_member, own_course = aliased(ExchangeCourse), aliased(Course)
        query = query.where(
            exists()
            .where(own_member.exchange_id == Exchange.id)
            .where(own_course.id == own_member.course_id)
            .where(_of_scope(own_course, filters))
            .where(*_faculty_terms(own_course, filters))
        )
    if filters.partner_country:
        partner = aliased(Institution)
        partner_member = aliased(ExchangeCourse)
        partner_course = aliased(Course)
        query = query.where(
            exists()
            .where(partner_member.exchange_id == Exchange.id)
            .where(partner_course.id == partner_member.course_id)
            .where(partner.id == partner_course.institution_id)
            .where(partner.country == filters.partner_country)
            .where(
                partner.id != filters.institution_id
                if filters.institution_id is not None
                else literal(True)
            )
        )
    return query


def _of_scope(course: Any, filters: Filters) -> Any:
    """Return the condition that ``course`` belongs to the scope (institution, or lecturer)."""
    terms = [literal(True)]
    if filters.institution_id is not None:
        terms.append(course.institution_id == filters.institution_id)
    if filters.owner_id is not None:
        terms.append(course.owner_id == filters.owner_id)
    return and_(*terms)


def _faculty_terms(course: Any, filters: Filters) -> list[Any]:
    """Return the conditions of the faculty and programme filters on ``course``."""
    terms = []
    if filters.faculty:
        terms.append(course.faculty == filters.faculty)
    if filters.programme:
        terms.append(course.programme == filters.programme)
    return terms


def exchange_rows(filters: Filters) -> list[Any]:
    """Return ``(id, title, status, start_date, end_date)`` of the exchanges in the filter."""
    ids = exchanges_in(filters).subquery()
    return list(
        db.session.execute(
            select(
                Exchange.id, Exchange.title, Exchange.status, Exchange.start_date, Exchange.end_date
            )
            .where(Exchange.id.in_(select(ids.c.id)))
            .order_by(Exchange.start_date, Exchange.id)
        )
    )


def members_of(exchange_ids: list[int]) -> dict[int, list[Any]]:
    """Return ``{exchange id: [(institution id, name, country, latitude, longitude)]}``."""
    members: dict[int, list[Any]] = {}
    if not exchange_ids:
        return members
    rows = db.session.execute(
        select(
            ExchangeCourse.exchange_id,
            Institution.id,
            Institution.name,
            Institution.country,
            Institution.latitude,
            Institution.longitude,
        )
        .join(Course, Course.id == ExchangeCourse.course_id)
        .join(Institution, Institution.id == Course.institution_id)
        .where(ExchangeCourse.exchange_id.in_(exchange_ids))
        .order_by(ExchangeCourse.exchange_id, ExchangeCourse.id)
    )
    for exchange_id, *rest in rows:
        if rest[0] not in {m[0] for m in members.get(exchange_id, [])}:
            members.setdefault(exchange_id, []).append(tuple(rest))
    return members


def _counts(exchange_ids: Any) -> Any:
    """Per (exchange, student): the ledger's counts, one grouped query."""
    kind = LedgerEvent.kind

    def count(code: str, *more: Any) -> Any:
        return func.count(case((and_(kind == code, *more), 1)))

    return (
        select(
            LedgerEvent.exchange_id,
            LedgerEvent.actor_id,
            func.coalesce(
                func.sum(case((kind == kinds.SESSION_ATTENDED, LedgerEvent.value), else_=0)), 0
            ).label("minutes"),
            func.count(
                distinct(case((kind == kinds.SESSION_ATTENDED, LedgerEvent.subject_id)))
            ).label("sessions"),
            count(kinds.MESSAGE).label("messages"),
            count(kinds.MESSAGE, LedgerEvent.cross_institution.is_(True)).label("cross"),
            count(kinds.TASK_COMPLETED).label("tasks"),
            count(kinds.DOCUMENT_SAVED).label("documents"),
            count(kinds.REFLECTION_SUBMITTED).label("reflections"),
            func.count().label("events"),
        )
        .where(LedgerEvent.exchange_id.in_(exchange_ids))
        .group_by(LedgerEvent.exchange_id, LedgerEvent.actor_id)
        .subquery()
    )


def _phases_done(exchange_ids: Any, as_of: date) -> Any:
    """Per (exchange, student): the ended phases with at least one event of theirs in them."""
    day = func.date(LedgerEvent.occurred_at)
    return (
        select(
            LedgerEvent.exchange_id,
            LedgerEvent.actor_id,
            func.count(distinct(ExchangePhase.id)).label("done"),
        )
        .join(
            ExchangePhase,
            and_(
                ExchangePhase.exchange_id == LedgerEvent.exchange_id,
                day >= ExchangePhase.start_date,
                day <= ExchangePhase.end_date,
            ),
        )
        .where(LedgerEvent.exchange_id.in_(exchange_ids), ExchangePhase.end_date < as_of)
        .group_by(LedgerEvent.exchange_id, LedgerEvent.actor_id)
        .subquery()
    )


def _phase_counts(exchange_ids: Any, as_of: date) -> Any:
    """Per exchange: how many phases it has, and how many have ended."""
    return (
        select(
            ExchangePhase.exchange_id,
            func.count().label("phases"),
            func.count(case((ExchangePhase.end_date < as_of, 1))).label("ended"),
        )
        .where(ExchangePhase.exchange_id.in_(exchange_ids))
        .group_by(ExchangePhase.exchange_id)
        .subquery()
    )


def records_query(filters: Filters) -> Select[Any]:
    """Return the query for the participation records in ``filters`` (one row per record)."""
    ids = select(exchanges_in(filters).subquery().c.id)
    counts, done, phases = (
        _counts(ids),
        _phases_done(ids, filters.as_of),
        _phase_counts(ids, filters.as_of),
    )

    def zero(column: Any) -> Any:
        return func.coalesce(column, 0)

    partner: Any = literal(0)
    if filters.institution_id is not None or filters.owner_id is not None:
        partner = case((_of_scope(Course, filters), 0), else_=1)

    query: Any = (
        select(
            Enrolment.exchange_id,
            Enrolment.user_id,
            Institution.name.label("institution"),
            Course.title.label("course"),
            User.name,
            User.email,
            Enrolment.student_number,
            Exchange.title.label("exchange"),
            Exchange.start_date,
            Exchange.end_date,
            zero(phases.c.phases).label("phases"),
            zero(phases.c.ended).label("ended"),
            zero(done.c.done).label("phases_completed"),
            zero(counts.c.minutes).label("minutes"),
            zero(counts.c.sessions).label("sessions"),
            zero(counts.c.messages).label("messages"),
            zero(counts.c.cross).label("cross"),
            zero(counts.c.tasks).label("tasks"),
            zero(counts.c.documents).label("documents"),
            zero(counts.c.reflections).label("reflections"),
            zero(counts.c.events).label("events"),
            Enrolment.course_id,
            Institution.latitude,
            Institution.longitude,
            Institution.country.label("home_country"),
            Course.institution_id,
            partner.label("partner"),
        )
        .join(Exchange, Exchange.id == Enrolment.exchange_id)
        .join(User, User.id == Enrolment.user_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(Institution, Institution.id == Course.institution_id)
        .outerjoin(
            counts,
            and_(
                counts.c.exchange_id == Enrolment.exchange_id,
                counts.c.actor_id == Enrolment.user_id,
            ),
        )
        .outerjoin(
            done,
            and_(
                done.c.exchange_id == Enrolment.exchange_id,
                done.c.actor_id == Enrolment.user_id,
            ),
        )
        .outerjoin(phases, phases.c.exchange_id == Enrolment.exchange_id)
        .where(Enrolment.exchange_id.in_(ids), Enrolment.status == "active")
        .order_by(Exchange.start_date, Enrolment.exchange_id, partner, User.name, Enrolment.user_id)
    )
    # the scope's own students are narrowed by the course, faculty and programme filters; the
    # partner institutions' students in the same exchanges all come along (``privacy``)
    own = [*_faculty_terms(Course, filters)]
    if filters.course_id is not None:
        own.append(Enrolment.course_id == filters.course_id)
    if own:
        query = query.where(or_(and_(*own), partner == 1))
    return query


def count_records(filters: Filters) -> int:
    """Return how many records ``filters`` covers (an export's rows expected)."""
    query = records_query(filters).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


def dimension_keys(filters: Filters) -> list[str]:
    """Return the rubric dimensions the records carry: the platform rubric's, then any other
    rubric's chosen by an exchange in the filter."""
    ids = select(exchanges_in(filters).subquery().c.id)
    keys = list(value.DIMENSION_KEYS)
    chosen = db.session.scalars(
        select(RubricDimension.key)
        .join(ExchangeRubric, ExchangeRubric.rubric_id == RubricDimension.rubric_id)
        .where(ExchangeRubric.exchange_id.in_(ids))
        .order_by(RubricDimension.position)
    )
    for key in chosen:
        if key not in keys:
            keys.append(key)
    return keys


def records(filters: Filters) -> Iterator[Record]:
    """Yield the participation records in ``filters``, reading the database in batches:
    per exchange, the scope's students by name, then the partner institutions' students
    (pseudonymised unless the exchange shares identities; see ``privacy``)."""
    return mask(_records(filters))


def _records(filters: Filters) -> Iterator[Record]:
    extras: ExchangeExtras | None = None
    members: dict[int, list[Any]] = {}
    result = db.session.execute(
        records_query(filters).execution_options(yield_per=BATCH, stream_results=True)
    )
    for row in result:
        if extras is None or extras.exchange_id != row.exchange_id:
            extras = ExchangeExtras.load(row.exchange_id)
            members = members_of([row.exchange_id])
        partners = [m for m in members.get(row.exchange_id, []) if m[0] != row.institution_id]
        record = Record(
            exchange_id=row.exchange_id,
            user_id=row.user_id,
            institution=row.institution,
            course=row.course,
            name=row.name,
            email=row.email,
            student_number=row.student_number,
            exchange=row.exchange,
            start_date=row.start_date,
            end_date=row.end_date,
            partners="; ".join(p[1] for p in partners),
            partner_countries="; ".join(sorted({p[2] for p in partners})),
            phases=row.phases,
            phases_completed=row.phases_completed,
            minutes=int(row.minutes),
            sessions=row.sessions,
            messages=row.messages,
            cross_replies=row.cross,
            tasks_done=row.tasks,
            document_versions=row.documents,
            reflections=row.reflections,
            events=row.events,
            course_id=row.course_id,
            partner=bool(row.partner),
        )
        avoided = trip(
            point(row.latitude, row.longitude),
            row.home_country,
            [(point(p[3], p[4]), p[2]) for p in partners],
        )
        if avoided is not None:
            record.trip_km, record.trip_band = avoided.km, avoided.band
        if not row.phases:  # no phases stored: the whole exchange is its one phase
            ended = row.end_date < filters.as_of
            record.phases, record.phases_completed = 1, int(ended and row.events > 0)
            record.completion = "in_progress" if not ended else "incomplete"
            if record.phases_completed:
                record.completion = "complete"
        elif row.phases_completed >= row.phases:
            record.completion = "complete"
        elif row.ended < row.phases:
            record.completion = "in_progress"
        extras.fill(record)
        yield record
