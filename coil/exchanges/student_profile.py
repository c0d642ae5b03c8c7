"""A student's profile for team formation: weekly availability and answers to the attributes.

The lecturers choose the attributes (``services.update_settings``); each actively enrolled
student answers them and enters the hours they are free, which team formation reads. Services
flush and never commit; the request around them commits once.
"""

from __future__ import annotations

import logging
from datetime import time

from flask_babel import gettext as _
from sqlalchemy import select

from coil.accounts import services as accounts
from coil.accounts.models import Role, User
from coil.core.errors import ServiceError
from coil.exchanges.models import AttributeAnswer, Enrolment, Exchange, ExchangeAttribute
from coil.exchanges.services import attributes_of
from coil.extensions import db

log = logging.getLogger(__name__)


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
