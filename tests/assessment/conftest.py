"""The assessment domain's view of the shared test world (tests/world.py, preset KOPI).

Anna (NL) and Dewi (Jakarta) are in team 1, Bram (NL) in team 2, Dirk dropped out of team 1;
Lena (NL) and Budi (ID) lecture; Cora coordinates NL. The exchange runs from 1 February to
30 April 2027, so its windows are closed today unless a test opens them (``opened``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from coil.assessment import catme, services
from coil.core.time import utcnow
from tests.world import World

VALUE_KEYS = ["self_awareness", "worldview", "empathy", "communication", "curiosity", "openness"]


def levels(value: int = 2, **changes: int) -> dict[str, int]:
    """Levels on the VALUE rubric (every dimension ``value``; ``changes`` for single ones)."""
    return {key: changes.get(key, value) for key in VALUE_KEYS}


def peer(value: int = 4, **changes: int) -> dict[str, int]:
    """Scores on the five CATME dimensions."""
    return {key: changes.get(key, value) for key in catme.KEYS}


@pytest.fixture()
def kopi(factory: Any, db: Any) -> World:
    return factory.world()


@pytest.fixture()
def opened(kopi: World, db: Any) -> World:
    """The KOPI world with every window reopened by Lena for a week."""
    for kind in ("pre", "post", "peers"):
        services.reopen(kopi["lena"], kopi.exchange, kind, utcnow() + timedelta(days=7))
    db.session.commit()
    return kopi
