"""Rubrics in the database: the platform's default made on first use, and an exchange's choice."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import can_manage_exchange
from coil.extensions import db
from coil.rubrics import value
from coil.rubrics.models import ExchangeRubric, Rubric, RubricDimension, RubricLevel

log = logging.getLogger(__name__)


def _build_platform_rubric() -> Rubric:
    rubric = Rubric(
        key=value.KEY, name=value.NAME, description=value.DESCRIPTION, source=value.SOURCE
    )
    rubric.levels = [RubricLevel(value=v, name=names) for v, names in value.LEVELS.items()]
    rubric.dimensions = [
        RubricDimension(
            key=key,
            position=position,
            group=group,
            name=name,
            descriptors={"0": value.BELOW, **{str(n): d for n, d in enumerate(texts, start=1)}},
        )
        for position, (key, group, name, texts) in enumerate(value.DIMENSIONS)
    ]
    return rubric


def platform_rubric() -> Rubric:
    """Return the platform's default rubric, creating it the first time it is needed.

    Two processes creating it at once: the unique key lets one win, the other reads it.
    """
    found = db.session.scalar(select(Rubric).where(Rubric.key == value.KEY))
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            rubric = _build_platform_rubric()
            db.session.add(rubric)
    except IntegrityError:
        rubric = db.session.scalars(select(Rubric).where(Rubric.key == value.KEY)).one()
    return rubric


def rubric_of(exchange: Exchange) -> Rubric:
    """Return the rubric ``exchange`` assesses with (the platform's default unless it chose)."""
    chosen = db.session.get(ExchangeRubric, exchange.id)
    return chosen.rubric if chosen is not None else platform_rubric()


def available_rubrics(exchange: Exchange) -> list[Rubric]:
    """Return the rubrics ``exchange`` may use: the platform's and its institutions' own."""
    institutions = {course.institution_id for course in exchange.courses}
    own = db.session.scalars(
        select(Rubric).where(Rubric.institution_id.in_(institutions)).order_by(Rubric.id)
    )
    return [platform_rubric(), *own]


def choose_rubric(actor: User, exchange: Exchange, rubric: Rubric) -> None:
    """Let the exchange's lecturers pick the rubric it assesses with."""
    if not can_manage_exchange(actor, exchange):
        raise ServiceError(_("Only the lecturers of this exchange can choose its rubric."))
    if rubric.id not in {r.id for r in available_rubrics(exchange)}:
        raise ServiceError(_("Choose a rubric of the platform or of a member institution."))
    chosen = db.session.get(ExchangeRubric, exchange.id)
    if chosen is None:
        db.session.add(ExchangeRubric(exchange_id=exchange.id, rubric_id=rubric.id))
    else:
        chosen.rubric_id = rubric.id
    db.session.flush()
    log.info("user %s chose rubric %s for exchange %s", actor.id, rubric.id, exchange.id)
