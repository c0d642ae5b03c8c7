"""The reflections domain's view of the shared test world (tests/world.py, preset KOPI), and a
prompt to answer.

Anna (NL) and Dewi (Jakarta) are in team 1, Bram (NL) in team 2, Dirk dropped out of team 1;
Lena (NL) and Budi (ID) lecture; Cora coordinates NL and Citra ID. The prompt is Lena's, in the
comparison phase, due on Friday 5 March 2027 at 17:00 in Amsterdam (16:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from coil.reflections import services
from coil.reflections.models import ReflectionPrompt
from tests.world import World

DUE_UTC = datetime(2027, 3, 5, 16, 0, tzinfo=UTC)
COMPARISON = 1  # the position of the comparison phase among the default phases


def prompt_data(**changes: Any) -> services.PromptData:
    """A prompt as the form gives it (changes override single fields)."""
    values: dict[str, Any] = {
        "phase": COMPARISON,
        "texts": {"en": "What surprised you?", "nl": "Wat verraste je?"},
        "dimensions": ["curiosity", "empathy"],
        "due_day": date(2027, 3, 5),
        "due_time": time(17, 0),
        "timezone": "Europe/Amsterdam",
    }
    values.update(changes)
    return services.PromptData(**values)


@pytest.fixture()
def kopi(factory: Any, db: Any) -> World:
    return factory.world()


@pytest.fixture()
def prompt(kopi: World, db: Any) -> ReflectionPrompt:
    made = services.create_prompt(kopi["lena"], kopi.exchange, prompt_data())
    db.session.commit()
    return made
