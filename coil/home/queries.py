"""What a student's home page reads (their exchanges, team, room, sessions, tasks), and the
pieces every home shares.

Nothing here writes. What is asked of a student now is a list of :class:`Ask` built by the
functions in :data:`STUDENT_ASKS` (for lecturers: ``staff.EXCHANGE_ATTENTION``), so that other
domains' items (assessments, badges) can be added as one more function each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from coil.accounts.models import AvailabilitySlot, User, UserLanguage
from coil.assessment.queries import due_for as assessment_due_for
from coil.chat.models import Room
from coil.chat.rooms import rooms_for
from coil.core.time import utcnow
from coil.exchanges.models import Enrolment, Exchange, ExchangePhase
from coil.extensions import db
from coil.schedule.models import LiveSession
from coil.spaces.models import Space, Task
from coil.teams.models import Team, TeamMember

ACTIVE = ("planned", "running")
TASKS_SHOWN = 5


@dataclass(frozen=True)
class Ask:
    """Something asked of the viewer now: what, where to do it, and by when (if known)."""

    text: str
    url: str
    due: datetime | None = None


@dataclass
class StudentExchange:
    """A student's exchange as their home page shows it."""

    exchange: Exchange
    phase: ExchangePhase | None
    team: Team | None  # only once the exchange's teams are published
    room: Room | None
    unread: int
    space: Space | None
    next_session: LiveSession | None
    tasks: list[Task] = field(default_factory=list)


def phase_on(exchange: Exchange, today: date) -> ExchangePhase | None:
    """Return the phase of ``exchange`` whose dates include ``today``, if any."""
    return next((p for p in exchange.phases if p.start_date <= today <= p.end_date), None)


def next_session(exchange: Exchange, team: Team | None, now: datetime) -> LiveSession | None:
    """Return the next live session of the exchange, or of the team, that has not ended."""
    return db.session.scalars(
        select(LiveSession)
        .where(
            LiveSession.exchange_id == exchange.id,
            LiveSession.ends_at > now,
            or_(LiveSession.team_id.is_(None), LiveSession.team_id == (team.id if team else -1)),
        )
        .order_by(LiveSession.starts_at, LiveSession.id)
        .limit(1)
    ).first()


# -- students ------------------------------------------------------------------------------------


def student_exchanges(user: User, now: datetime | None = None) -> list[StudentExchange]:
    """Return the planned and running exchanges ``user`` takes part in, with their team, team
    room and its unread count, space, next live session and open tasks, soonest due first."""
    now = now or utcnow()
    exchanges = db.session.scalars(
        select(Exchange)
        .join(Enrolment, Enrolment.exchange_id == Exchange.id)
        .where(
            Enrolment.user_id == user.id,
            Enrolment.status == "active",
            Exchange.status.in_(ACTIVE),
        )
        .order_by(Exchange.start_date, Exchange.id)
    ).all()
    unread = {room.id: (room, count) for room, count in rooms_for(user)}
    result = []
    for exchange in exchanges:
        team = None
        if exchange.teams_published_at is not None:
            team = db.session.scalars(
                select(Team)
                .join(TeamMember, TeamMember.team_id == Team.id)
                .where(Team.exchange_id == exchange.id, TeamMember.user_id == user.id)
            ).first()
        room = next(
            (
                r
                for r, _n in unread.values()
                if r.exchange_id == exchange.id and team and r.team_id == team.id
            ),
            None,
        )
        space = db.session.scalars(
            select(Space).where(
                Space.exchange_id == exchange.id,
                Space.team_id == team.id if team else Space.team_id.is_(None),
            )
        ).first()
        result.append(
            StudentExchange(
                exchange=exchange,
                phase=phase_on(exchange, now.date()),
                team=team,
                room=room,
                unread=unread[room.id][1] if room else 0,
                space=space,
                next_session=next_session(exchange, team, now),
                tasks=open_tasks(user, exchange, team),
            )
        )
    return result


def open_tasks(user: User, exchange: Exchange, team: Team | None) -> list[Task]:
    """Return the unfinished tasks of the student's team space (theirs or nobody's), with a due
    moment first, soonest first."""
    if team is None:
        return []
    return list(
        db.session.scalars(
            select(Task)
            .join(Space, Space.id == Task.space_id)
            .where(
                Space.exchange_id == exchange.id,
                Space.team_id == team.id,
                Task.status != "done",
                or_(Task.assignee_id == user.id, Task.assignee_id.is_(None)),
            )
            .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
            .limit(TASKS_SHOWN)
        )
    )


def _ask_availability(user: User, exchanges: list[StudentExchange]) -> list[Ask]:
    has_slots = db.session.scalar(select(exists().where(AvailabilitySlot.user_id == user.id)))
    if has_slots or not exchanges:
        return []
    return [
        Ask(
            _("Fill in when you can meet each week, so that your lecturers can form teams."),
            url_for("accounts.availability"),
        )
    ]


def _ask_languages(user: User, exchanges: list[StudentExchange]) -> list[Ask]:
    spoken = db.session.scalar(select(exists().where(UserLanguage.user_id == user.id)))
    if spoken:
        return []
    return [Ask(_("Add the languages you speak to your profile."), url_for("accounts.profile"))]


def _ask_exchange_profile(user: User, exchanges: list[StudentExchange]) -> list[Ask]:
    return [
        Ask(
            _(
                "Check your profile for %(exchange)s before teams are formed.",
                exchange=item.exchange.title,
            ),
            url_for("exchanges.profile", exchange_id=item.exchange.id),
        )
        for item in exchanges
        if item.exchange.teams_published_at is None
    ]


def _ask_assessments(user: User, exchanges: list[StudentExchange]) -> list[Ask]:
    texts = {
        "pre": _("Rate yourself on the rubric at the start of %(exchange)s."),
        "post": _("Rate yourself on the rubric at the end of %(exchange)s."),
        "peers": _("Evaluate your teammates in %(exchange)s."),
    }
    return [
        Ask(
            texts[due.kind] % {"exchange": due.exchange.title},
            url_for("assessment.mine", exchange_id=due.exchange.id),
            due.closes,
        )
        for due in assessment_due_for(user)
        if due.kind in texts
    ]


# Each function answers what one part of the platform asks of a student now; add more here.
STUDENT_ASKS: list[Callable[[User, list[StudentExchange]], list[Ask]]] = [
    _ask_availability,
    _ask_languages,
    _ask_exchange_profile,
    _ask_assessments,
]


def asked_of_student(user: User, exchanges: list[StudentExchange]) -> list[Ask]:
    """Return what is asked of the student now, in the order of :data:`STUDENT_ASKS`."""
    return [ask for function in STUDENT_ASKS for ask in function(user, exchanges)]
