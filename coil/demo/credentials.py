"""Demo data for micro-credentials: an approved badge in the Amsterdam-Mexico City exchange.

Pieter (Hogeschool Amstelland) defines "Intercultural Marketing Collaborator", Sanne (its
coordinator) approves it, and checking the rules awards it to every student whose record
(coil/demo/history.py, coil/demo/assessment.py) meets them: all but Camila, present at one live
session, and Valeria, whose closing self-assessment is still to do (the README's journey: she
does it, Pieter checks the rules, she has the badge). Loading twice adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from coil.accounts.services import find_user_by_email
from coil.credentials import services
from coil.credentials.models import Badge
from coil.demo.rooms import LIVE_EXCHANGE, _course
from coil.exchanges.models import ExchangeCourse
from coil.extensions import db

BADGE = services.BadgeData(
    name="Intercultural Marketing Collaborator",
    description="Planned and delivered a marketing campaign with a team spread over Amsterdam "
    "and Mexico City, across a seven-hour time difference.",
    criteria="Attend at least two live sessions and complete the final self-assessment.",
    rules=[{"kind": "sessions", "min": 2}, {"kind": "self_assessment", "stage": "post"}],
    alignment=["curiosity", "empathy"],
    learning_outcomes=[
        "Plans shared work across time zones and cultures.",
        "Adapts a marketing message to another culture's audience.",
    ],
    ects=1.0,
    eqf_level=6,
    assessment_type="Lecturer review of participation evidence and self-assessment",
    participation="online",
    sync_hours=8.0,
    async_hours=20.0,
    quality_assurance="Internal quality assurance of Hogeschool Amstelland",
    valid_months=None,
)


def ensure_demo_badge() -> None:
    """Define, approve and award the demo badge (once)."""
    course = _course(LIVE_EXCHANGE[0], LIVE_EXCHANGE[1])
    pieter = find_user_by_email(LIVE_EXCHANGE[0])
    sanne = find_user_by_email("sanne@amstelland.example")
    if course is None or pieter is None or sanne is None:
        return
    link = db.session.scalar(select(ExchangeCourse).where(ExchangeCourse.course_id == course.id))
    if link is None:
        return
    exchange = link.exchange
    if db.session.scalar(select(Badge.id).where(Badge.exchange_id == exchange.id)) is not None:
        return  # loaded before
    badge = services.create_badge(pieter, exchange, BADGE)
    services.decide(sanne, badge.latest, approve=True)
    services.award_by_rules(exchange)
