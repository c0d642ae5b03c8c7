"""The reports domain's view of the shared test world (tests/world.py, preset KOPI), with a
participation history small enough to add up by hand.

Amsterdam (Hogeschool Kopi: Anna, Bram; Dirk dropped out) and Jakarta (Universitas Kopi: Dewi)
run "Marketing across borders" (1 February to 30 April 2027) in two phases: February, and
March to April. The reference day is 10 May 2027, so both phases have ended.

Events (minutes are the ``value`` of ``session.attended``; the second is a correction):

- Anna: session 1 +60 and -10 minutes (10 Feb), session 2 +45 (5 Mar); a message across
  institutions (11 Feb) and one not (6 Mar); a task done, two document versions, a
  reflection (7 Mar); self-assessment pre {curiosity 1, empathy 2} and post {curiosity 3,
  empathy 2}; a lecturer rating {curiosity 3}; the badge "Bridge builder". 13 events, both
  phases: complete.
- Bram: a message (12 Feb); a peer evaluation of Anna, 3.0 (12 Feb). 2 events, February
  only: incomplete.
- Dewi: a message (12 Feb); a peer evaluation of Anna, 4.0 (12 Feb).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from coil.evidence import kinds
from coil.evidence.services import record
from coil.exchanges.models import ExchangePhase
from tests.world import World

AS_OF = date(2027, 5, 10)
AMSTERDAM = (52.3676, 4.9041)
JAKARTA = (-6.2088, 106.8456)


def at(month: int, day: int) -> datetime:
    return datetime(2027, month, day, 10, 0, tzinfo=UTC)


@pytest.fixture()
def kopi(factory: Any, db: Any) -> World:
    world = factory.world()
    world.institutions["nl"].latitude, world.institutions["nl"].longitude = AMSTERDAM
    world.institutions["id"].latitude, world.institutions["id"].longitude = JAKARTA
    exchange = world.exchange
    db.session.execute(db.delete(ExchangePhase).where(ExchangePhase.exchange_id == exchange.id))
    db.session.add_all(
        [
            ExchangePhase(
                exchange_id=exchange.id,
                position=0,
                key="icebreaker",
                start_date=date(2027, 2, 1),
                end_date=date(2027, 2, 28),
            ),
            ExchangePhase(
                exchange_id=exchange.id,
                position=1,
                key="collaboration",
                start_date=date(2027, 3, 1),
                end_date=date(2027, 4, 30),
            ),
        ]
    )
    anna, bram, dewi = world["anna"], world["bram"], world["dewi"]
    x = exchange.id

    def ev(kind: str, who: Any, when: datetime, **kw: Any) -> None:
        assert record(kind, x, who, occurred_at=when, **kw) is not None

    ev(kinds.SESSION_ATTENDED, anna, at(2, 10), subject_id=1, value=60)
    ev(kinds.SESSION_ATTENDED, anna, at(2, 10), subject_id=1, value=-10)
    ev(kinds.SESSION_ATTENDED, anna, at(3, 5), subject_id=2, value=45)
    ev(kinds.MESSAGE, anna, at(2, 11), subject_id=11, cross=True)
    ev(kinds.MESSAGE, anna, at(3, 6), subject_id=12)
    ev(kinds.TASK_COMPLETED, anna, at(3, 7), subject_id=21)
    ev(kinds.DOCUMENT_SAVED, anna, at(3, 7), subject_id=31)
    ev(kinds.DOCUMENT_SAVED, anna, at(3, 7), subject_id=32)
    ev(kinds.REFLECTION_SUBMITTED, anna, at(3, 7), subject_id=41)
    pre = {"stage": "pre", "levels": {"curiosity": 1, "empathy": 2}}
    ev(kinds.SELF_ASSESSMENT, anna, at(2, 2), payload=pre)
    post = {"stage": "post", "levels": {"curiosity": 3, "empathy": 2}}
    ev(kinds.SELF_ASSESSMENT, anna, at(4, 20), payload=post)
    rating = {"levels": {"curiosity": 3}, "rater": world["lena"].id, "rater_institution": 1}
    ev(kinds.RATING_RECEIVED, anna, at(4, 25), payload=rating)
    ev(kinds.BADGE_AWARDED, anna, at(4, 28), payload={"badge": "Bridge builder", "version": 1})
    ev(kinds.MESSAGE, bram, at(2, 12), subject_id=13)
    ev(kinds.PEER_EVALUATION, bram, at(2, 12), payload={"scores": {str(anna.id): 3.0}})
    ev(kinds.MESSAGE, dewi, at(2, 12), subject_id=14, cross=True)
    ev(kinds.PEER_EVALUATION, dewi, at(2, 12), payload={"scores": {str(anna.id): 4.0}})
    db.session.commit()
    return world
