"""Every change to badges and awards: define, approve, award (by rules or by hand), revoke.

Awarding is idempotent: the award row is unique per badge version, student and exchange, and
is inserted inside a savepoint, so a second worker checking at the same moment finds the row
(or the constraint) and awards nothing. The ledger event ``badge.awarded`` is recorded in the
same transaction as the award; the student's notification is sent after commit.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.credentials import queries
from coil.credentials.image import ImageRefused, badge_svg, clean_png
from coil.credentials.models import Award, Badge, BadgeVersion
from coil.credentials.rules import RuleError, all_met, check_rules, observed
from coil.evidence import kinds
from coil.evidence.services import record
from coil.exchanges.models import Exchange, ExchangePhase
from coil.extensions import db
from coil.notifications.services import notify_user
from coil.reflections.queries import portfolio_entries

log = logging.getLogger(__name__)


@dataclass
class BadgeData:
    """A badge version as the form gives it."""

    name: str
    description: str
    criteria: str
    ects: float
    assessment_type: str
    quality_assurance: str
    rules: list[dict[str, Any]] = field(default_factory=list)
    alignment: list[str] = field(default_factory=list)
    learning_outcomes: list[str] = field(default_factory=list)
    eqf_level: int | None = None
    participation: str = "online"
    sync_hours: float = 0.0
    async_hours: float = 0.0
    valid_months: int | None = None
    image: bytes | None = None  # an uploaded PNG or JPEG; None keeps the generated SVG


def check_badge_data(data: BadgeData) -> list[dict[str, Any]]:
    """Return the normalised rules, or raise ``ServiceError`` naming the field at fault."""
    if not data.name.strip():
        raise ServiceError(_("Give the badge a name."), field="name")
    if not data.learning_outcomes:
        raise ServiceError(_("State at least one learning outcome."), field="learning_outcomes")
    if not 0 < data.ects <= 60:
        raise ServiceError(_("The workload must be between 0 and 60 ECTS."), field="ects")
    if data.eqf_level is not None and not 1 <= data.eqf_level <= 8:
        raise ServiceError(_("The EQF level is a number from 1 to 8."), field="eqf_level")
    if data.sync_hours < 0 or data.async_hours < 0:
        raise ServiceError(_("Hours cannot be negative."), field="sync_hours")
    if data.valid_months is not None and not 1 <= data.valid_months <= 600:
        raise ServiceError(_("Validity is 1 to 600 months."), field="valid_months")
    if data.image is not None:
        try:
            data.image = clean_png(data.image)
        except ImageRefused:
            raise ServiceError(
                _("The image must be a PNG or JPEG of at most 512 KB and 1024 pixels."), "image"
            ) from None
    try:
        return check_rules(data.rules)
    except RuleError as error:
        raise ServiceError(_("The rules are not valid: %(why)s", why=str(error)), "rules") from None


def _version(badge: Badge, number: int, data: BadgeData, rules: list[dict[str, Any]]) -> None:
    values = {k: v for k, v in vars(data).items() if k not in ("rules", "image")}
    version = BadgeVersion(
        badge=badge,
        number=number,
        status="submitted",
        rules=rules,
        image_svg=badge_svg(data.name),
        image_png=data.image or _previous_image(badge),
        **values,
    )
    db.session.add(version)


def _previous_image(badge: Badge) -> bytes | None:
    return badge.versions[-1].image_png if badge.versions else None


def create_badge(lecturer: User, exchange: Exchange, data: BadgeData) -> Badge:
    """Define a badge issued by the lecturer's institution; version 1 awaits approval."""
    rules = check_badge_data(data)
    if lecturer.institution_id is None:
        raise ServiceError(_("Only a lecturer of an institution can define a badge."))
    badge = Badge(
        exchange_id=exchange.id, institution_id=lecturer.institution_id, created_by_id=lecturer.id
    )
    db.session.add(badge)
    _version(badge, 1, data, rules)
    db.session.flush()
    log.info("user %s defined badge %s in exchange %s", lecturer.id, badge.id, exchange.id)
    return badge


def revise_badge(lecturer: User, badge: Badge, data: BadgeData) -> BadgeVersion:
    """Change a badge: a new version awaiting approval (awards keep their own version)."""
    rules = check_badge_data(data)
    latest = badge.latest
    if latest.status == "submitted":  # not decided yet: change it in place
        for key, value in vars(data).items():
            if key != "image":
                setattr(latest, key, rules if key == "rules" else value)
        latest.image_svg = badge_svg(data.name)
        latest.image_png = data.image or latest.image_png
    else:
        _version(badge, latest.number + 1, data, rules)
    db.session.flush()
    db.session.expire(badge, ["versions"])
    log.info("user %s revised badge %s", lecturer.id, badge.id)
    return badge.latest


def decide(coordinator: User, version: BadgeVersion, *, approve: bool) -> None:
    """Approve or reject a submitted version (the issuing institution's coordinator)."""
    if version.status != "submitted":
        raise ServiceError(_("This version was already decided."), code="decided")
    version.status = "approved" if approve else "rejected"
    version.decided_by_id, version.decided_at = coordinator.id, utcnow()
    db.session.flush()
    log.info("user %s %s badge version %s", coordinator.id, version.status, version.id)


def award(
    version: BadgeVersion,
    student_id: int,
    exchange: Exchange,
    *,
    by: User | None = None,
    justification: str | None = None,
    seen: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> Award | None:
    """Award ``version`` to a student, unless they have it already; return the new award."""
    now = now or utcnow()
    if _existing(version, student_id, exchange) is not None:
        return None
    until = now + timedelta(days=30 * version.valid_months) if version.valid_months else None
    made = Award(
        uid=str(uuid.uuid4()),
        version_id=version.id,
        student_id=student_id,
        exchange_id=exchange.id,
        awarded_at=now,
        valid_until=until,
        method="manual" if by else "rules",
        justification=justification,
        awarded_by_id=by.id if by else None,
        observed=seen or [],
    )
    try:
        with db.session.begin_nested():  # a concurrent award of the same makes this one void
            db.session.add(made)
            db.session.flush()
    except IntegrityError:
        log.info("badge version %s already awarded to user %s", version.id, student_id)
        return None
    payload = {"badge": version.name, "version": version.number}
    record(kinds.BADGE_AWARDED, exchange.id, student_id, subject_id=made.id, payload=payload)
    student = db.session.get_one(User, student_id)
    notify_user(
        student,
        "badge_awarded",
        {"badge": version.name, "exchange": exchange.title},
        endpoint="credentials.wallet",
    )
    log.info("awarded badge version %s to user %s (award %s)", version.id, student_id, made.id)
    return made


def _existing(version: BadgeVersion, student_id: int, exchange: Exchange) -> Award | None:
    return db.session.scalar(
        select(Award).where(
            Award.version_id == version.id,
            Award.student_id == student_id,
            Award.exchange_id == exchange.id,
        )
    )


def award_by_rules(exchange: Exchange) -> list[Award]:
    """Award every approved badge of ``exchange`` to each student whose ledger meets its rules."""
    students = queries.active_students(exchange)
    facts = queries.facts_for(exchange.id, students)
    made: list[Award] = []
    for badge in queries.badges_of(exchange):
        version = badge.current
        if version is None:
            continue
        for student_id in students:
            fact = facts[student_id]
            if all_met(version.rules, fact):
                seen = [observed(rule, fact) for rule in version.rules]
                new = award(version, student_id, exchange, seen=seen)
                if new is not None:
                    made.append(new)
    return made


def award_due(today: date) -> list[Award]:
    """Check the exchanges where a phase (or the exchange) ended on or before ``today``."""
    ended = select(ExchangePhase.exchange_id).where(ExchangePhase.end_date <= today)
    exchanges = db.session.scalars(
        select(Exchange).where((Exchange.id.in_(ended)) | (Exchange.end_date <= today))
    )
    made: list[Award] = []
    for exchange in exchanges:
        made.extend(award_by_rules(exchange))
    return made


def award_manually(lecturer: User, badge: Badge, student: User, justification: str) -> Award:
    """Award ``badge``'s approved version to ``student`` by hand, with a written justification."""
    version = badge.current
    if version is None:
        raise ServiceError(_("This badge has no approved version yet."), code="unapproved")
    if len(justification.strip()) < 10:
        raise ServiceError(_("Write why the student earned this badge."), field="justification")
    if student.id not in queries.active_students(badge.exchange):
        raise ServiceError(_("Only active students of the exchange can get it."), "student")
    made = award(version, student.id, badge.exchange, by=lecturer, justification=justification)
    if made is None:
        raise ServiceError(_("The student already has this badge."), code="duplicate")
    return made


def revoke(actor: User, award_: Award, reason: str) -> None:
    """Revoke an award with a reason; the student is told."""
    if award_.revoked_at is not None:
        raise ServiceError(_("This badge was already revoked."), code="revoked")
    if len(reason.strip()) < 5:
        raise ServiceError(_("Give the reason for revoking."), field="reason")
    award_.revoked_at, award_.revoked_by_id = utcnow(), actor.id
    award_.revocation_reason = reason.strip()
    db.session.flush()
    notify_user(
        award_.student,
        "badge_revoked",
        {"badge": award_.version.name, "reason": award_.revocation_reason},
        endpoint="credentials.wallet",
    )
    log.info("user %s revoked award %s", actor.id, award_.id)


def set_public(student: User, award_: Award, *, public: bool, did: str | None = None) -> None:
    """Let the student choose whether the badge page names them, and give their DID."""
    award_.public = public
    if did is not None:
        did = did.strip()
        if did and (not did.startswith("did:") or len(did) > 300):
            raise ServiceError(_("A DID starts with “did:”."), field="did")
        award_.subject_did = did or None
    db.session.flush()
    log.info("user %s set award %s public=%s", student.id, award_.id, public)


def set_evidence(student: User, award_: Award, entry_ids: list[int]) -> None:
    """Make the chosen portfolio entries of the award's exchange public as its evidence (the
    rest private again). Only the holder's own submitted portfolio entries can be chosen."""
    mine = {entry.id: entry for entry in portfolio_entries(student, award_.exchange)}
    unknown = set(entry_ids) - set(mine)
    if unknown:
        raise ServiceError(
            _("Choose among the reflections you put in your portfolio for this exchange."),
            field="entry",
        )
    award_.evidence = [mine[entry_id] for entry_id in sorted(set(entry_ids))]
    db.session.flush()
    log.info("user %s set %d evidence entries on award %s", student.id, len(entry_ids), award_.id)
