"""Every state change of an exchange's set-up: settings, phases, attributes, enrolment.

Services flush and never commit; the request (or CLI) around them commits once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from coil.accounts import services as accounts
from coil.accounts.models import Invitation, Role, User
from coil.core.errors import ServiceError
from coil.core.mail import queue_mail
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.exchanges.models import (
    DEFAULT_PHASES,
    AttributeAnswer,
    Enrolment,
    Exchange,
    ExchangeAttribute,
    ExchangeCourse,
    ExchangePhase,
)
from coil.exchanges.permissions import can_manage_exchange
from coil.exchanges.roster import RosterRow, RowError
from coil.extensions import db

log = logging.getLogger(__name__)
MAX_PHASES = 8
MAX_ATTRIBUTES = 10
MAX_OPTIONS = 12
ATTRIBUTE_MODES = ("spread", "group")
JOIN_LINK_USES = 200
JOIN_LINK_DAYS = 30
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


@dataclass(frozen=True, slots=True)
class RosterResult:
    """What an accepted roster upload did."""

    created: int
    enrolled: int
    already: int


class RosterRejected(ServiceError):
    """A roster with row errors: nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(_("Nothing was imported: correct the rows listed below and try again."))
        self.errors = errors


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


def enrolments_of(exchange: Exchange) -> list[Enrolment]:
    """Return every enrolment of the exchange, by course and name."""
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.exchange_id == exchange.id)
            .order_by(Enrolment.course_id, User.name, User.id)
        )
    )


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


# --- enrolment -----------------------------------------------------------------------------


def _member_course(actor: User, course: Course) -> Exchange:
    exchange = exchange_of(course)
    if exchange is None:
        raise ServiceError(
            _("This course is not in an exchange yet: students join once it is."),
            field="course_id",
        )
    if actor.role != Role.LECTURER or course.owner_id != actor.id:
        raise ServiceError(_("You can only enrol students in your own course."), field="course_id")
    return exchange


def create_join_link(
    actor: User, course: Course, *, max_uses: int = JOIN_LINK_USES, days: int = JOIN_LINK_DAYS
) -> tuple[Invitation, str]:
    """Create a student join link for the lecturer's own course in an exchange."""
    exchange = _member_course(actor, course)
    invitation, token = accounts.create_invitation(
        actor,
        role=Role.STUDENT,
        institution=course.institution,
        max_uses=max_uses,
        days=days,
        note=course.title[:200],
        course_id=course.id,
    )
    log.info("user %s made join link %s for exchange %s", actor.id, invitation.id, exchange.id)
    return invitation, token


def enrol(
    student: User, course: Course, student_number: str | None = None
) -> tuple[Enrolment, bool]:
    """Enrol a student in a member course; return the enrolment and whether it is new.

    Enrolling again in the same course changes nothing (a dropped student stays dropped, so a
    join link cannot undo a lecturer's decision); another course of the same exchange is refused.
    """
    exchange = exchange_of(course)
    if exchange is None:
        raise ServiceError(_("This course is not in an exchange."), code="no_exchange")
    if student.role != Role.STUDENT:
        raise ServiceError(_("Only student accounts can be enrolled."), code="not_student")
    existing = db.session.scalar(
        select(Enrolment).where(
            Enrolment.exchange_id == exchange.id, Enrolment.user_id == student.id
        )
    )
    if existing is not None:
        if existing.course_id != course.id:
            raise ServiceError(
                _("You are already enrolled in another course of this exchange."),
                code="other_course",
            )
        if student_number and not existing.student_number:
            existing.student_number = student_number
        return existing, False
    enrolment = Enrolment(
        exchange_id=exchange.id,
        course_id=course.id,
        user_id=student.id,
        student_number=student_number,
    )
    db.session.add(enrolment)
    db.session.flush()
    log.info("user %s enrolled in course %s (exchange %s)", student.id, course.id, exchange.id)
    return enrolment, True


def enrol_by_invitation(student: User, invitation: Invitation) -> Enrolment:
    """Enrol the student a course join link was used by."""
    course = db.session.get(Course, invitation.course_id)
    if course is None:
        raise ServiceError(_("This invitation link is not valid."), code="unknown")
    enrolment, _new = enrol(student, course)
    return enrolment


def join_by_link(student: User, token: str) -> tuple[Enrolment, bool]:
    """Enrol a signed-in student through a course join link (one use of the link if new)."""
    invitation = accounts.find_invitation(token)
    course = db.session.get(Course, invitation.course_id) if invitation.course_id else None
    if course is None:
        raise ServiceError(_("This link is for a new account, not for joining a course."))
    enrolment, new = enrol(student, course)
    if new:
        accounts.claim_invitation_use(invitation)
    return enrolment, new


def drop_student(actor: User, enrolment: Enrolment) -> None:
    """Mark a lecturer's own student as dropped out of the exchange."""
    if actor.role != Role.LECTURER or enrolment.course.owner_id != actor.id:
        raise ServiceError(_("You can only change the enrolment of your own students."))
    if enrolment.status != "dropped":
        enrolment.status = "dropped"
        enrolment.dropped_at = utcnow()
        db.session.flush()
        log.info("user %s marked enrolment %s as dropped", actor.id, enrolment.id)


def import_roster(actor: User, course: Course, rows: list[RosterRow]) -> RosterResult:
    """Enrol every student of a parsed roster, creating accounts; all or nothing.

    Raises RosterRejected listing each row that cannot be enrolled; then nothing is written.
    New accounts get a mail with a link to choose their password, sent after commit.
    """
    exchange = _member_course(actor, course)
    emails = [row.email for row in rows]
    users = (
        {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
        if emails
        else {}
    )
    enrolled = {
        e.user_id: e
        for e in db.session.scalars(
            select(Enrolment).where(
                Enrolment.exchange_id == exchange.id,
                Enrolment.user_id.in_([u.id for u in users.values()]),
            )
        )
    }
    errors: list[RowError] = []
    for row in rows:
        user = users.get(row.email)
        if user is None:
            continue
        if user.role != Role.STUDENT:
            errors.append(RowError(row.line, "not_student", row.email))
        elif not user.is_active:
            errors.append(RowError(row.line, "inactive", row.email))
        elif user.id in enrolled and enrolled[user.id].course_id != course.id:
            errors.append(RowError(row.line, "other_course", row.email))
    if errors:
        raise RosterRejected(errors)
    created = new_enrolments = 0
    for row in rows:
        user = users.get(row.email)
        if user is None:
            user = accounts.create_user(
                email=row.email,
                name=row.name,
                password=None,
                role=Role.STUDENT,
                institution=course.institution,
            )
            created += 1
            queue_mail(
                user.email,
                None,
                "exchanges/welcome_mail.txt",
                user=user,
                course=course,
                exchange=exchange,
                lecturer=actor,
                link=accounts.password_setup_link(user),
            )
        _enrolment, new = enrol(user, course, row.student_number)
        new_enrolments += new
    log.info(
        "user %s imported a roster into course %s: %d new accounts, %d enrolled",
        actor.id,
        course.id,
        created,
        new_enrolments,
    )
    return RosterResult(created, new_enrolments, len(rows) - new_enrolments)


# --- the student's profile for team formation ----------------------------------------------


def save_team_profile(
    student: User,
    exchange: Exchange,
    *,
    slots: list[tuple[int, time, time]],
    answers: dict[int, str],
) -> None:
    """Save a student's weekly availability and answers to the exchange's attributes."""
    if student.role != Role.STUDENT or not db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.exchange_id == exchange.id,
            Enrolment.user_id == student.id,
            Enrolment.status == "active",
        )
    ):
        raise ServiceError(_("Only students of this exchange fill in this profile."))
    accounts.set_availability(student, slots)
    attributes = {a.id: a for a in attributes_of(exchange)}
    for attribute_id, value in answers.items():
        attribute = attributes.get(attribute_id)
        if attribute is None:
            raise ServiceError(_("This question is no longer asked."), field="answers")
        value = value.strip()
        if attribute.options and value and value not in attribute.options:
            raise ServiceError(_("Choose an answer from the list."), field="answers")
        if len(value) > 120:
            raise ServiceError(_("Keep answers under 120 characters."), field="answers")
        answer = db.session.scalar(
            select(AttributeAnswer).where(
                AttributeAnswer.attribute_id == attribute_id,
                AttributeAnswer.user_id == student.id,
            )
        )
        if not value:
            if answer is not None:
                db.session.delete(answer)
        elif answer is None:
            db.session.add(
                AttributeAnswer(attribute_id=attribute_id, user_id=student.id, value=value)
            )
        else:
            answer.value = value
    db.session.flush()
    log.info("user %s saved their team profile for exchange %s", student.id, exchange.id)


def answers_of(student: User, exchange: Exchange) -> dict[int, str]:
    """Return a student's answers to the exchange's attributes, by attribute id."""
    rows = db.session.execute(
        select(AttributeAnswer.attribute_id, AttributeAnswer.value)
        .join(ExchangeAttribute, ExchangeAttribute.id == AttributeAnswer.attribute_id)
        .where(
            ExchangeAttribute.exchange_id == exchange.id,
            AttributeAnswer.user_id == student.id,
        )
    )
    return {attribute_id: value for attribute_id, value in rows}
