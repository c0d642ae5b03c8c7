"""What the assessment pages and other domains read. Reads only; changes are in ``services``.

For other domains: :func:`due_for` (what is asked of a student now, behind the template global
``assessments_due``) and :func:`peer_aggregate` (a student's anonymous peer scores).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from coil.accounts.models import User
from coil.assessment import catme, flags, metrics
from coil.assessment.models import (
    PEERS,
    POST,
    PRE,
    LecturerRating,
    PeerEvaluation,
    PeerScore,
    SelfAssessment,
)
from coil.assessment.windows import window
from coil.core.time import utcnow
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.rubrics.services import rubric_of
from coil.teams.models import Team, TeamMember
from coil.teams.permissions import team_of

# Assessment events say what others think of a student, not what the student did.
NOT_PARTICIPATION = (kinds.SELF_ASSESSMENT, kinds.PEER_EVALUATION, kinds.RATING_RECEIVED)
MIN_RATERS = 2  # fewer teammates than this and an aggregate would tell who gave what


@dataclass(frozen=True)
class Due:
    """An assessment asked of a student now: ``kind`` pre, post or peers, open until the end
    of ``closes`` (a UTC date) or ``reopened_until``."""

    exchange: Exchange
    kind: str
    closes: datetime | None
    last_day: date


def self_assessments(exchange: Exchange, student: User) -> dict[str, SelfAssessment]:
    """Return ``student``'s self-assessments in ``exchange`` by stage."""
    found = db.session.scalars(
        select(SelfAssessment).where(
            SelfAssessment.exchange_id == exchange.id, SelfAssessment.student_id == student.id
        )
    )
    return {row.stage: row for row in found}


def change(done: dict[str, SelfAssessment]) -> dict[str, int]:
    """Return post minus pre per dimension (empty until both are in)."""
    if PRE not in done or POST not in done:
        return {}
    pre, post = done[PRE].levels, done[POST].levels
    return {key: post[key] - pre[key] for key in post if key in pre}


def ratings_of(exchange: Exchange, student: User) -> list[LecturerRating]:
    """Return the lecturers' ratings of ``student`` in ``exchange``, oldest first."""
    return list(
        db.session.scalars(
            select(LecturerRating)
            .where(
                LecturerRating.exchange_id == exchange.id, LecturerRating.student_id == student.id
            )
            .options(selectinload(LecturerRating.rater))
            .order_by(LecturerRating.id)
        )
    )


def evaluation_of(exchange: Exchange, rater: User) -> PeerEvaluation | None:
    """Return the peer evaluation ``rater`` gave in ``exchange``, if any."""
    return db.session.scalar(
        select(PeerEvaluation).where(
            PeerEvaluation.exchange_id == exchange.id, PeerEvaluation.rater_id == rater.id
        )
    )


@dataclass(frozen=True)
class PeerAggregate:
    """The mean a student received per CATME dimension, and from how many teammates."""

    raters: int
    means: dict[str, float]
    overall: float | None


def peer_aggregate(exchange: Exchange, student: User) -> PeerAggregate:
    """Return the means teammates gave ``student``; empty below ``MIN_RATERS`` raters, so
    that the aggregate never tells who gave what."""
    rows = list(
        db.session.scalars(
            select(PeerScore.levels)
            .join(PeerEvaluation, PeerEvaluation.id == PeerScore.evaluation_id)
            .where(PeerEvaluation.exchange_id == exchange.id, PeerScore.ratee_id == student.id)
        )
    )
    if len(rows) < MIN_RATERS:
        return PeerAggregate(len(rows), {}, None)
    means = {key: round(sum(r[key] for r in rows) / len(rows), 2) for key in catme.KEYS}
    overall = round(sum(catme.mean(r) for r in rows) / len(rows), 2)
    return PeerAggregate(len(rows), means, overall)


def active_among(exchange: Exchange, user_ids: set[int]) -> set[int]:
    """Keep the students of ``user_ids`` still active in ``exchange`` (drop-outs are not rated)."""
    return set(
        db.session.scalars(
            select(Enrolment.user_id).where(
                Enrolment.exchange_id == exchange.id,
                Enrolment.user_id.in_(user_ids),
                Enrolment.status == "active",
            )
        )
    )


def ledger_counts(exchange: Exchange, user_ids: list[int] | None = None) -> dict[int, int]:
    """Count the participation events of each student of ``exchange`` (assessments aside)."""
    query = (
        select(LedgerEvent.actor_id, func.count())
        .where(LedgerEvent.exchange_id == exchange.id, LedgerEvent.kind.not_in(NOT_PARTICIPATION))
        .group_by(LedgerEvent.actor_id)
    )
    if user_ids is not None:
        query = query.where(LedgerEvent.actor_id.in_(user_ids))
    return {actor: count for actor, count in db.session.execute(query)}


def ledger_by_kind(exchange: Exchange, student: User) -> dict[str, int]:
    """Count ``student``'s events in ``exchange`` per kind."""
    rows = db.session.execute(
        select(LedgerEvent.kind, func.count())
        .where(LedgerEvent.exchange_id == exchange.id, LedgerEvent.actor_id == student.id)
        .group_by(LedgerEvent.kind)
    )
    return {kind: count for kind, count in rows}


def students(exchange: Exchange, institution_id: int | None = None) -> list[Enrolment]:
    """Return the exchange's enrolments (dropped out too) by name; optionally one institution's."""
    query = (
        select(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.exchange_id == exchange.id)
        .options(selectinload(Enrolment.user))
        .order_by(User.name, User.id)
    )
    if institution_id is not None:
        query = query.where(User.institution_id == institution_id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Progress:
    """How far an exchange's assessment is: counts per kind, over its active students."""

    active: int
    pre: int
    post: int
    peers: int
    rated: int


def progress(exchange: Exchange) -> Progress:
    """Count the exchange's active students and how many of them did each part."""
    active_ids = select(Enrolment.user_id).where(
        Enrolment.exchange_id == exchange.id, Enrolment.status == "active"
    )
    stages = Counter(
        db.session.scalars(
            select(SelfAssessment.stage).where(
                SelfAssessment.exchange_id == exchange.id,
                SelfAssessment.student_id.in_(active_ids),
            )
        )
    )
    peers = db.session.scalar(
        select(func.count())
        .select_from(PeerEvaluation)
        .where(PeerEvaluation.exchange_id == exchange.id, PeerEvaluation.rater_id.in_(active_ids))
    )
    rated = db.session.scalar(
        select(func.count(func.distinct(LecturerRating.student_id))).where(
            LecturerRating.exchange_id == exchange.id, LecturerRating.student_id.in_(active_ids)
        )
    )
    active = db.session.scalar(select(func.count()).select_from(active_ids.subquery()))
    return Progress(active or 0, stages[PRE], stages[POST], peers or 0, rated or 0)


def agreement(exchange: Exchange) -> dict[str, metrics.Agreement]:
    """Measure, per rubric dimension, how far the raters of the exchange's students agree
    (raters are lecturers, or member institutions when one rating per institution is asked)."""
    rubric = rubric_of(exchange)
    scale = sorted(level.value for level in rubric.levels)
    rows = list(
        db.session.scalars(select(LecturerRating).where(LecturerRating.exchange_id == exchange.id))
    )
    slots: dict[str, int] = {}
    result = {}
    for dimension in rubric.dimensions:
        ratings: dict[int, dict[int, int]] = defaultdict(dict)
        for row in rows:
            if dimension.key in row.levels:
                rater = slots.setdefault(row.slot, len(slots))
                ratings[row.student_id][rater] = row.levels[dimension.key]
        result[dimension.key] = metrics.agreement(ratings, scale)
    return result


@dataclass(frozen=True)
class TeamPeers:
    """Who gave whom what in one team (means of the five dimensions), and its flags."""

    team: Team
    members: list[User]
    given: dict[tuple[int, int], float]
    own: dict[int, float]
    flags: list[flags.Flag]


def peer_details(exchange: Exchange) -> list[TeamPeers]:
    """Return every team's peer evaluations with the CATME-style flags and ledger contrast."""
    teams = list(
        db.session.scalars(
            select(Team)
            .where(Team.exchange_id == exchange.id)
            .options(selectinload(Team.members).selectinload(TeamMember.user))
            .order_by(Team.number)
        )
    )
    evaluations = list(
        db.session.scalars(
            select(PeerEvaluation)
            .where(PeerEvaluation.exchange_id == exchange.id)
            .options(selectinload(PeerEvaluation.scores))
        )
    )
    given = {
        (e.rater_id, s.ratee_id): round(catme.mean(s.levels), 2)
        for e in evaluations
        for s in e.scores
    }
    own = {e.rater_id: round(catme.mean(e.self_scores), 2) for e in evaluations}
    recorded = ledger_counts(exchange)
    result = []
    for team in teams:
        ids = [m.user_id for m in team.members]
        mine = {k: v for k, v in given.items() if k[0] in ids and k[1] in ids}
        found = flags.team_flags(team.id, ids, mine, own, recorded) if mine else []
        result.append(
            TeamPeers(
                team,
                [m.user for m in team.members],
                mine,
                {i: own[i] for i in ids if i in own},
                found,
            )
        )
    return result


def due_for(user: User, now: datetime | None = None) -> list[Due]:
    """Return what is asked of ``user`` now: open self-assessments and peer evaluations of
    exchanges they are active in (planned or running) that they have not given yet."""
    now = now or utcnow()
    exchanges = list(
        db.session.scalars(
            select(Exchange)
            .join(
                Enrolment,
                and_(
                    Enrolment.exchange_id == Exchange.id,
                    Enrolment.user_id == user.id,
                    Enrolment.status == "active",
                ),
            )
            .where(Exchange.status.in_(("planned", "running")))
            .order_by(Exchange.id)
        )
    )
    due = []
    for exchange in exchanges:
        done = set(self_assessments(exchange, user))
        if evaluation_of(exchange, user) is not None or team_of(user, exchange) is None:
            done.add(PEERS)
        for kind in (PRE, POST, PEERS):
            open_window = window(exchange, kind)
            if kind not in done and open_window.is_open(now):
                due.append(Due(exchange, kind, open_window.reopened_until, open_window.closes))
    return due
