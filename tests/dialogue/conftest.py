"""The chat domain's world (an exchange, two teams, their rooms, people around them), phases,
cards, and a clock the dialogue services read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from coil.core.time import utcnow
from coil.dialogue import services
from coil.dialogue.models import PromptCard
from coil.exchanges.models import ExchangePhase
from tests.chat import conftest as chat
from tests.chat.conftest import World

# The chat domain's world with its rooms, reused here (``emitted`` is the root fixture).
world = chat.world


@dataclass
class Clock:
    """The time the dialogue services see; tests move it on."""

    now: datetime

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(utcnow())
    monkeypatch.setattr("coil.dialogue.rounds.utcnow", lambda: clock.now)
    monkeypatch.setattr("coil.dialogue.services.utcnow", lambda: clock.now)
    return clock


@pytest.fixture()
def phases(world: World, db: Any) -> list[ExchangePhase]:
    """Icebreaker (February) and comparison (March onwards) phases of the world's exchange."""
    made = [
        ExchangePhase(
            position=0, key="icebreaker", start_date=date(2027, 2, 1), end_date=date(2027, 2, 28)
        ),
        ExchangePhase(
            position=1, key="comparison", start_date=date(2027, 3, 1), end_date=date(2027, 4, 30)
        ),
    ]
    world.exchange.phases.extend(made)
    db.session.commit()
    return made


def write(world: World, text: str, kind: str = "icebreaker", phase: Any = None) -> PromptCard:
    """Write a card as the world's lecturer (flushed; the caller commits)."""
    return services.create_card(
        world.lecturer, world.exchange, kind, text, None if phase is None else phase.id
    )
