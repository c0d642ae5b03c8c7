"""The credentials domain's view of the shared test world (KOPI), and an approved badge.

Anna (NL) and Dewi (Jakarta) are in team 1, Bram (NL) in team 2, Dirk dropped out; Lena (NL)
and Budi (ID) lecture; Cora coordinates NL, Citra ID. Lena defines the badge, so Hogeschool
Kopi (NL) issues it and Cora approves it.
"""

from __future__ import annotations

from typing import Any

import pytest

from coil.credentials import services
from coil.credentials.models import Badge
from coil.evidence import kinds
from coil.evidence.services import record
from tests.world import World

RULES = [
    {"kind": "sessions", "min": 2},
    {"kind": "reflections", "min": 2, "dimensions": 3},
    {"kind": "self_assessment", "stage": "post"},
    {"kind": "rating", "level": 2, "dimensions": 1},
]


def badge_data(**changes: Any) -> services.BadgeData:
    """A badge as the form gives it (changes override single fields)."""
    values: dict[str, Any] = {
        "name": "Intercultural Collaborator",
        "description": "Worked in an international team across time zones.",
        "criteria": "Attend live sessions, reflect, and assess yourself.",
        "ects": 1.0,
        "assessment_type": "Portfolio and lecturer rating",
        "quality_assurance": "Internal quality assurance of the issuing institution",
        "rules": RULES,
        "alignment": ["curiosity", "empathy"],
        "learning_outcomes": ["Collaborates respectfully across cultures."],
        "eqf_level": 6,
        "sync_hours": 8.0,
        "async_hours": 20.0,
        "valid_months": None,
    }
    values.update(changes)
    return services.BadgeData(**values)


def meet_rules(exchange: Any, student: Any) -> None:
    """Record ledger events that satisfy :data:`RULES` for ``student``."""
    for session_id in (101, 102):
        record(kinds.SESSION_ATTENDED, exchange.id, student, subject_id=session_id, value=45)
    for prompt_id, dims in ((1, ["curiosity", "empathy"]), (2, ["openness"])):
        record(
            kinds.REFLECTION_SUBMITTED,
            exchange.id,
            student,
            payload={"prompt_id": prompt_id, "dimensions": dims, "version": 1},
        )
    record(
        kinds.SELF_ASSESSMENT,
        exchange.id,
        student,
        payload={"stage": "post", "levels": {"curiosity": 2}},
    )
    record(
        kinds.RATING_RECEIVED,
        exchange.id,
        student,
        payload={"levels": {"empathy": 3, "curiosity": 1}, "rater": 1, "rater_institution": 1},
    )


@pytest.fixture()
def kopi(factory: Any, db: Any) -> World:
    return factory.world()


@pytest.fixture()
def badge(kopi: World, db: Any) -> Badge:
    made = services.create_badge(kopi["lena"], kopi.exchange, badge_data())
    services.decide(kopi["cora"], made.latest, approve=True)
    db.session.commit()
    return made
