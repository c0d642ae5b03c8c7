"""Every change to an exchange's assessment: self-assessments, ratings, peer evaluations,
reopened windows and the per-institution setting.

Services flush; the caller's transaction commits. Each submission is stored once and records
its ledger event in the same transaction (``self_assessment.completed``, ``rating.received``,
``peer_evaluation.given``); a rated student is notified. Refusals raise ``ServiceError`` with a
stable ``code`` and store nothing: ``forbidden``, ``closed``, ``duplicate``, ``malformed``,
``out_of_scale``, ``not_teammate``, ``self``, ``no_team``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from coil.accounts.models import User
from coil.assessment import catme
from coil.assessment.models import (
    PEERS,
    STAGES,
    WINDOWS,
    AssessmentSettings,
    AssessmentWindow,
    LecturerRating,
    PeerEvaluation,
    PeerScore,
    SelfAssessment,
)
from coil.assessment.permissions import can_assess_self, can_manage, can_rate
from coil.assessment.queries import active_among
from coil.assessment.windows import window
from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.evidence import kinds
from coil.evidence.services import record
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.notifications.services import notify_user
from coil.rubrics.services import rubric_of
from coil.teams.permissions import team_of

log = logging.getLogger(__name__)
MAX_NOTE = 5000


def rubric_scale(exchange: Exchange) -> tuple[list[str], list[int]]:
    """Return the keys of the exchange's rubric dimensions and its levels, in order."""
    rubric = rubric_of(exchange)
    return [d.key for d in rubric.dimensions], sorted(level.value for level in rubric.levels)


def _levels(
    raw: Any, keys: list[str] | tuple[str, ...], scale: list[int] | tuple[int, ...], field: str
) -> dict[str, int]:
    if not isinstance(raw, Mapping) or set(raw) != set(keys):
        raise ServiceError(_("Choose a level for every dimension."), field, code="malformed")
    levels = {}
    for key in keys:
        level = raw[key]
        if isinstance(level, bool) or not isinstance(level, int):
            raise ServiceError(_("Choose a level for every dimension."), key, code="malformed")
        if level not in scale:
            raise ServiceError(
                _("Choose a level from %(low)d to %(high)d.", low=scale[0], high=scale[-1]),
                key,
                code="out_of_scale",
            )
        levels[key] = level
    return levels


def _require_open(exchange: Exchange, kind: str) -> None:
    if not window(exchange, kind).is_open():
        raise ServiceError(_("This assessment is not open now."), code="closed")


def _store_once(row: Any, message: str) -> None:
    """Add ``row``; a second submission (also one racing this one) is refused, not stored.

    The unique constraint decides; the caller rolls the refused transaction back, as after
    every refusal (no savepoint: SQLite's driver would commit the work before it).
    """
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        raise ServiceError(message, code="duplicate") from None


def submit_self_assessment(
    actor: User, exchange: Exchange, stage: str, levels: Any
) -> SelfAssessment:
    """Store ``actor``'s self-assessment for ``stage`` (pre or post) and record it."""
    if stage not in STAGES:
        raise ServiceError(_("There is no such self-assessment."), code="malformed")
    if not can_assess_self(actor, exchange):
        raise ServiceError(
            _("Only the students of this exchange assess themselves in it."), code="forbidden"
        )
    _require_open(exchange, stage)
    keys, scale = rubric_scale(exchange)
    clean = _levels(levels, keys, scale, "levels")
    done = SelfAssessment(exchange_id=exchange.id, student_id=actor.id, stage=stage, levels=clean)
    _store_once(done, _("You have already submitted this self-assessment."))
    record(
        kinds.SELF_ASSESSMENT,
        exchange.id,
        actor,
        subject_id=done.id,
        payload={"stage": stage, "levels": clean},
        occurred_at=done.created_at,
    )
    log.info("user %s self-assessed (%s) in exchange %s", actor.id, stage, exchange.id)
    return done


def per_institution(exchange: Exchange) -> bool:
    """Tell whether ``exchange`` asks for one rating per member institution and student."""
    settings = db.session.get(AssessmentSettings, exchange.id)
    return settings is not None and settings.per_institution


def rate(
    actor: User, exchange: Exchange, student: User, levels: Any, note: Any = ""
) -> LecturerRating:
    """Store ``actor``'s rating of ``student``, record it, and notify the student."""
    if not can_rate(actor, exchange):
        raise ServiceError(
            _("Only the lecturers of this exchange rate its students."), code="forbidden"
        )
    enrolled = db.session.scalar(
        db.select(Enrolment.id).where(
            Enrolment.exchange_id == exchange.id, Enrolment.user_id == student.id
        )
    )
    if enrolled is None:
        raise ServiceError(_("This student is not in the exchange."), code="not_found")
    keys, scale = rubric_scale(exchange)
    clean = _levels(levels, keys, scale, "levels")
    if not isinstance(note, str):
        raise ServiceError(_("The note could not be read."), "note", code="malformed")
    note = note.replace("\x00", "").strip()
    if len(note) > MAX_NOTE:
        raise ServiceError(
            _("Shorten the note to at most %(n)d characters.", n=MAX_NOTE), "note", "too_long"
        )
    shared = per_institution(exchange) and actor.institution_id is not None
    slot = f"i:{actor.institution_id}" if shared else f"u:{actor.id}"
    rating = LecturerRating(
        exchange_id=exchange.id,
        student_id=student.id,
        rater_id=actor.id,
        rater_institution_id=actor.institution_id,
        slot=slot,
        levels=clean,
        note=note,
    )
    message = (
        _("A lecturer of your institution has already rated this student.")
        if shared
        else _("You have already rated this student.")
    )
    _store_once(rating, message)
    record(
        kinds.RATING_RECEIVED,
        exchange.id,
        student,
        subject_id=rating.id,
        payload={
            "levels": clean,
            "rater": actor.id,
            "rater_institution": actor.institution_id,
        },
        occurred_at=rating.created_at,
    )
    notify_user(
        student,
        "rating_received",
        {"lecturer": actor.name, "exchange": exchange.title},
        endpoint="assessment.mine",
        values={"exchange_id": exchange.id},
    )
    log.info("user %s rated user %s in exchange %s", actor.id, student.id, exchange.id)
    return rating


def evaluate_peers(
    actor: User, exchange: Exchange, scores: Any, self_scores: Any
) -> PeerEvaluation:
    """Store ``actor``'s evaluation of every teammate (``scores`` by user id) and of
    themself, and record it with each teammate's mean."""
    if not can_assess_self(actor, exchange):
        raise ServiceError(
            _("Only the students of this exchange evaluate their teammates."), code="forbidden"
        )
    _require_open(exchange, PEERS)
    team = team_of(actor, exchange)
    if team is None:
        raise ServiceError(_("You are not in a team yet."), code="no_team")
    if not isinstance(scores, Mapping) or not scores:
        raise ServiceError(_("Rate each of your teammates."), code="malformed")
    if actor.id in scores:
        raise ServiceError(
            _("Rate yourself in your own part of the form, not as a teammate."), code="self"
        )
    teammates = active_among(exchange, {m.user_id for m in team.members}) - {actor.id}
    if any(ratee not in teammates for ratee in scores):
        raise ServiceError(_("You can only evaluate members of your team."), code="not_teammate")
    if set(scores) != teammates:
        raise ServiceError(_("Rate each of your teammates."), code="malformed")
    clean = {
        ratee: _levels(scores[ratee], catme.KEYS, catme.SCALE, "scores") for ratee in sorted(scores)
    }
    own = _levels(self_scores, catme.KEYS, catme.SCALE, "self")
    evaluation = PeerEvaluation(
        exchange_id=exchange.id, rater_id=actor.id, team_id=team.id, self_scores=own
    )
    evaluation.scores = [PeerScore(ratee_id=r, levels=levels) for r, levels in clean.items()]
    _store_once(evaluation, _("You have already evaluated your teammates."))
    record(
        kinds.PEER_EVALUATION,
        exchange.id,
        actor,
        subject_id=evaluation.id,
        payload={"scores": {str(r): catme.mean(levels) for r, levels in clean.items()}},
        occurred_at=evaluation.created_at,
    )
    log.info("user %s evaluated %d teammates in exchange %s", actor.id, len(clean), exchange.id)
    return evaluation


def reopen(actor: User, exchange: Exchange, kind: str, until: datetime) -> AssessmentWindow:
    """Open window ``kind`` again until ``until`` (a moment in the future)."""
    if not can_manage(actor, exchange):
        raise ServiceError(
            _("Only the lecturers of this exchange can reopen its assessments."), code="forbidden"
        )
    if kind not in WINDOWS:
        raise ServiceError(_("There is no such assessment."), code="malformed")
    if until <= utcnow():
        raise ServiceError(_("Choose a moment in the future."), "until", code="past")
    found = db.session.scalar(
        db.select(AssessmentWindow).where(
            AssessmentWindow.exchange_id == exchange.id, AssessmentWindow.kind == kind
        )
    )
    if found is None:
        found = AssessmentWindow(exchange_id=exchange.id, kind=kind)
        db.session.add(found)
    found.reopened_until, found.reopened_by_id = until, actor.id
    db.session.flush()
    log.info("user %s reopened %s of exchange %s until %s", actor.id, kind, exchange.id, until)
    return found


def set_per_institution(actor: User, exchange: Exchange, value: bool) -> AssessmentSettings:
    """Ask for one rating per member institution and student (or one per lecturer)."""
    if not can_manage(actor, exchange):
        raise ServiceError(
            _("Only the lecturers of this exchange can change how it rates."), code="forbidden"
        )
    settings = db.session.get(AssessmentSettings, exchange.id)
    if settings is None:
        settings = AssessmentSettings(exchange_id=exchange.id)
        db.session.add(settings)
    settings.per_institution = bool(value)
    db.session.flush()
    log.info(
        "user %s set per-institution ratings of exchange %s to %s", actor.id, exchange.id, value
    )
    return settings
