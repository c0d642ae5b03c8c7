"""What pages and the awarding read: ledger facts per student, badges, awards."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from coil.credentials.models import Award, Badge, BadgeVersion
from coil.credentials.rules import Facts
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db


def active_students(exchange: Exchange) -> list[int]:
    """Return the ids of the exchange's actively enrolled students."""
    return list(
        db.session.scalars(
            select(Enrolment.user_id).where(
                Enrolment.exchange_id == exchange.id, Enrolment.status == "active"
            )
        )
    )


def facts_for(exchange_id: int, student_ids: Iterable[int]) -> dict[int, Facts]:
    """Return each student's :class:`Facts` from the ledger, in three queries for everyone."""
    ids = list(set(student_ids))
    facts = {user_id: Facts() for user_id in ids}
    if not ids:
        return facts
    mine = (LedgerEvent.exchange_id == exchange_id, LedgerEvent.actor_id.in_(ids))
    # a session counts once its minutes (corrections included) add up to more than nothing
    present = (
        select(LedgerEvent.actor_id, LedgerEvent.subject_id)
        .where(*mine, LedgerEvent.kind == kinds.SESSION_ATTENDED)
        .group_by(LedgerEvent.actor_id, LedgerEvent.subject_id)
        .having(func.sum(LedgerEvent.value) > 0)
        .subquery()
    )
    for actor_id, count in db.session.execute(
        select(present.c.actor_id, func.count()).group_by(present.c.actor_id)
    ):
        facts[actor_id].sessions = count
    for actor_id, count in db.session.execute(
        select(LedgerEvent.actor_id, func.count())
        .where(*mine, LedgerEvent.kind == kinds.TASK_COMPLETED)
        .group_by(LedgerEvent.actor_id)
    ):
        facts[actor_id].tasks = count
    wanted = (kinds.REFLECTION_SUBMITTED, kinds.SELF_ASSESSMENT, kinds.RATING_RECEIVED)
    for actor_id, kind, payload in db.session.execute(
        select(LedgerEvent.actor_id, LedgerEvent.kind, LedgerEvent.payload).where(
            *mine, LedgerEvent.kind.in_(wanted)
        )
    ):
        _add(facts[actor_id], kind, payload or {})
    return facts


def _add(fact: Facts, kind: str, payload: dict) -> None:
    if kind == kinds.REFLECTION_SUBMITTED:
        if isinstance(payload.get("prompt_id"), int):
            fact.reflection_prompts.add(payload["prompt_id"])
        fact.reflection_dimensions.update(str(d) for d in payload.get("dimensions") or [])
    elif kind == kinds.SELF_ASSESSMENT:
        fact.self_assessments.add(str(payload.get("stage")))
    else:
        for key, level in (payload.get("levels") or {}).items():
            if isinstance(level, int) and not isinstance(level, bool):
                fact.best_levels[key] = max(level, fact.best_levels.get(key, 0))


def badges_of(exchange: Exchange) -> list[Badge]:
    """Return the exchange's badges, oldest first."""
    return list(
        db.session.scalars(select(Badge).where(Badge.exchange_id == exchange.id).order_by(Badge.id))
    )


def awards_of_student(student_id: int) -> list[Award]:
    """Return a student's awards, newest first (the wallet)."""
    return list(
        db.session.scalars(
            select(Award).where(Award.student_id == student_id).order_by(Award.id.desc())
        )
    )


def awards_of_badge(badge: Badge) -> list[Award]:
    """Return every award of any version of ``badge``."""
    return list(
        db.session.scalars(
            select(Award)
            .join(BadgeVersion, BadgeVersion.id == Award.version_id)
            .where(BadgeVersion.badge_id == badge.id)
            .order_by(Award.id)
        )
    )


def award_by_uid(uid: str) -> Award | None:
    """Return the award with public identifier ``uid``, if any."""
    return db.session.scalar(select(Award).where(Award.uid == uid))


def revoked_uids(institution_id: int) -> list[tuple[str, str | None]]:
    """Return ``(uid, reason)`` of every revoked credential the institution issued."""
    return [
        (uid, reason)
        for uid, reason in db.session.execute(
            select(Award.uid, Award.revocation_reason)
            .join(BadgeVersion, BadgeVersion.id == Award.version_id)
            .join(Badge, Badge.id == BadgeVersion.badge_id)
            .where(Badge.institution_id == institution_id, Award.revoked_at.is_not(None))
            .order_by(Award.id)
        )
    ]
