"""Enrolment in an exchange: join links, enrolling, dropping out, roster uploads.

A lecturer enrols students in their own member course, by a join link (an invitation of
``accounts.services`` that names the course) or by uploading a roster that creates the accounts
it needs. A student is in at most one course of an exchange. Services flush and never commit;
the request (or CLI) around them commits once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from coil.accounts import invitations
from coil.accounts import services as accounts
from coil.accounts.models import Invitation, Role, User
from coil.accounts.signals import InvitationUse, invitation_used
from coil.core.errors import ServiceError
from coil.core.mail import queue_mail
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.exchanges.models import Enrolment, Exchange
from coil.exchanges.roster import RosterRow, RowError
from coil.exchanges.services import exchange_of
from coil.extensions import db

log = logging.getLogger(__name__)
JOIN_LINK_USES = 200
JOIN_LINK_DAYS = 30


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
    invitation, token = invitations.create_invitation(
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


@invitation_used.connect
def _enrol_by_link(user: User, *, invitation: Invitation, **_extra: Any) -> InvitationUse | None:
    """Enrol whoever takes up a course join link (a new account, or a signed-in student)."""
    if invitation.course_id is None:
        return None
    course = db.session.get(Course, invitation.course_id)
    if course is None:
        raise ServiceError(_("This invitation link is not valid."), code="unknown")
    enrolment, new = enrol(user, course)
    return InvitationUse(new, "exchanges.show", {"exchange_id": enrolment.exchange_id})


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
