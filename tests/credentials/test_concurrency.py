"""Two workers checking the rules at the same moment award a badge once (SQLite and, with
COIL_TEST_DATABASE_URL, PostgreSQL): both see no award, both insert, the constraint keeps one."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from coil.credentials import services
from coil.credentials.models import Award
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.exchanges.models import Exchange
from tests.credentials.conftest import meet_rules


def test_two_workers_at_once_award_once(app, kopi, badge, db, monkeypatch):
    meet_rules(kopi.exchange, kopi["anna"])
    db.session.commit()
    exchange_id = kopi.exchange.id
    both_looked = threading.Barrier(2, timeout=5)
    looked = services._existing

    def look_then_wait(*args):  # both workers find nothing before either inserts
        found = looked(*args)
        both_looked.wait()
        return found

    monkeypatch.setattr(services, "_existing", look_then_wait)
    results: list[object] = []

    def worker() -> None:
        with app.app_context():
            try:
                made = services.award_by_rules(db.session.get_one(Exchange, exchange_id))
                db.session.commit()
                results.append(len(made))
            except Exception as error:  # reported by the assertion below
                db.session.rollback()
                results.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results, key=str) == [0, 1], results
    db.session.rollback()
    assert db.session.scalar(select(func.count(Award.id))) == 1
    events = select(func.count(LedgerEvent.id)).where(LedgerEvent.kind == kinds.BADGE_AWARDED)
    assert db.session.scalar(events) == 1
