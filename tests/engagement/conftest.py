"""An exchange with a hand-computed history for the engagement tests.

Amsterdam (Lena lectures, Cora coordinates) and Mexico City (Mateo lectures): team "Alpha"
holds Anna and Bram (NL) and Diego and Elena (MX); team "Beta" holds Carla (NL) alone; Dirk
(NL) dropped out. The exchange starts on Monday 1 February 2027; ``NOW`` is 1 March, 12:00 UTC.

What the ledger holds (``history``):

- Anna: 6 messages on 20 Feb (4 across institutions), 6 on 27 Feb (5 across), 3 speaking
  turns, live session 7 attended for 60 minutes with a correction of -10, a task done, two
  document versions, a reflection: 2 active days, 12 messages, 9 across, 1 session, 50 min.
- Bram: 2 messages on 28 Feb (none across), 1 turn.
- Diego: 1 message across on 10 Feb 10:00 (quiet for 19 days on 1 March).
- Elena: nothing.
- Carla: 5 messages on 28 Feb, none across.
- Dirk (dropped): 4 messages, which count for nobody.

So team Alpha wrote 15 messages: Anna 80 % (Gini of [0, 1, 2, 12] = 74/120), the NL class
14/15; its turns [0, 0, 1, 3] have a Gini of 20/32. Beta never met live.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from coil.evidence import kinds
from coil.evidence.services import Participant, event_row, participants_in, record_rows
from tests.world import AMS, MEX, Person, Side, Spec, World

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)

SPEC = Spec(
    sides=(
        Side(
            "nl",
            {"name": "Hogeschool Eng", "country": "NL", "timezone": AMS},
            lecturer=Person("lena", "Lena", "lena@eng.example"),
            coordinator=Person("cora", "Cora", "cora@eng.example"),
            course={"first_day": date(2027, 1, 18), "last_day": date(2027, 5, 14)},
            students=(
                Person("anna", "Anna"),
                Person("bram", "Bram"),
                Person("carla", "Carla"),
                Person("dirk", "Dirk", status="dropped"),
            ),
        ),
        Side(
            "mx",
            {"name": "Universidad Eng", "country": "MX", "timezone": MEX},
            lecturer=Person("mateo", "Mateo", "mateo@eng.example"),
            coordinator=Person("mara", "Mara"),
            course={"first_day": date(2027, 1, 18), "last_day": date(2027, 5, 14)},
            students=(Person("diego", "Diego"), Person("elena", "Elena")),
        ),
    ),
    exchange={
        "title": "Engaged",
        "status": "running",
        "start_date": date(2027, 2, 1),
        "end_date": date(2027, 4, 30),
        "working_language": "en",
        "min_level": "B2",
    },
    teams=(("Alpha", ("anna", "bram", "diego", "elena", "dirk")), ("Beta", ("carla",))),
)


def at(day: int, hour: int = 10, month: int = 2) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=UTC)


def events(world: World, key: str, kind: str, count: int, when: datetime, **extra: Any) -> list:
    """``count`` events of one kind by one person (a minute apart)."""
    user = world[key]
    who = participants_in([world.exchange.id], [user.id]).get((world.exchange.id, user.id))
    if who is None:  # a dropped student: write the row the ledger would have kept before
        who = Participant(user.id, world.courses["nl"].id, user.institution_id, None)
    return [
        event_row(kind, world.exchange.id, who, occurred_at=when + timedelta(minutes=i), **extra)
        for i in range(count)
    ]


def write_history(world: World) -> None:
    m = kinds.MESSAGE
    rows = [
        *events(world, "anna", m, 4, at(20), cross=True),
        *events(world, "anna", m, 2, at(20, 11)),
        *events(world, "anna", m, 5, at(27), cross=True),
        *events(world, "anna", m, 1, at(27, 11)),
        *events(world, "anna", kinds.TURN_TAKEN, 3, at(27, 12)),
        *events(world, "anna", kinds.SESSION_ATTENDED, 1, at(27, 13), subject_id=7, value=60),
        *events(world, "anna", kinds.SESSION_ATTENDED, 1, at(27, 14), subject_id=7, value=-10),
        *events(world, "anna", kinds.TASK_COMPLETED, 1, at(27, 15)),
        *events(world, "anna", kinds.DOCUMENT_SAVED, 2, at(27, 16)),
        *events(world, "anna", kinds.REFLECTION_SUBMITTED, 1, at(27, 17)),
        *events(world, "bram", m, 2, at(28)),
        *events(world, "bram", kinds.TURN_TAKEN, 1, at(28, 11)),
        *events(world, "diego", m, 1, at(10), cross=True),
        *events(world, "carla", m, 5, at(28)),
        *events(world, "dirk", m, 4, at(15)),
    ]
    record_rows(rows)


@pytest.fixture()
def world(factory: Any, db: Any) -> World:
    made = factory.world(SPEC)
    write_history(made)
    db.session.commit()
    return made


@pytest.fixture()
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Make the pages' clock read ``NOW``."""
    from coil.core import time

    monkeypatch.setattr(time, "utcnow", lambda: NOW)
    return NOW
