"""The figures behind the dashboard and the exports, against sums done by hand (conftest)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from coil.reports import emissions
from coil.reports.figures import Filters, count_records, records
from coil.reports.overview import overview
from tests.reports.conftest import AMSTERDAM, AS_OF, JAKARTA
from tests.world import World


def nl(world: World, **changes: Any) -> Filters:
    return Filters(world.institutions["nl"].id, **{"as_of": AS_OF, **changes})


def test_records_of_own_institution_add_up(kopi: World) -> None:
    rows = {r.name: r for r in records(nl(kopi)) if not r.partner}
    assert set(rows) == {"Anna", "Bram"}  # not Dewi (Jakarta: a partner), not Dirk (dropped out)
    anna, bram = rows["Anna"], rows["Bram"]
    assert (anna.minutes, anna.hours, anna.sessions) == (95, 1.58, 2)
    assert (anna.messages, anna.cross_replies, anna.tasks_done) == (2, 1, 1)
    assert (anna.document_versions, anna.reflections, anna.events) == (2, 1, 13)
    assert (anna.phases, anna.phases_completed, anna.completion) == (2, 2, "complete")
    assert anna.pre == {"curiosity": 1.0, "empathy": 2.0}
    assert anna.post == {"curiosity": 3.0, "empathy": 2.0}
    assert anna.rating == {"curiosity": 3.0}
    assert anna.peer_average == 3.5  # (3.0 from Bram + 4.0 from Dewi) / 2
    assert anna.badges == ["Bridge builder"]
    assert anna.partners == "Universitas Kopi" and anna.partner_countries == "ID"
    assert (bram.events, bram.phases_completed, bram.completion) == (2, 1, "incomplete")
    assert (bram.peer_evaluations_given, bram.peer_average) == (1, None)
    assert count_records(nl(kopi)) == 3  # and Dewi, Jakarta's student, as a partner


def test_summary_of_own_institution(kopi: World) -> None:
    view = overview(nl(kopi))
    s = view.summary
    assert (s.students, s.minutes, s.hours, s.sessions) == (2, 95, 1.58, 2)
    assert dict(s.completion) == {"complete": 1, "incomplete": 1}
    assert dict(s.distribution) == {"10-24": 1, "1-9": 1}  # Anna 13 events, Bram 2
    changes = {c.key: (c.students, c.pre, c.post, c.change) for c in s.changes}
    assert changes == {"curiosity": (1, 1.0, 3.0, 2.0), "empathy": (1, 2.0, 2.0, 0.0)}
    assert [c.key for c in s.changes] == ["empathy", "curiosity"]  # the rubric's order
    assert (s.peer_rated, s.peer_average, s.peer_given) == (1, 3.5, 1)
    assert dict(s.badges) == {"Bridge builder": 1}
    assert dict(view.statuses) == {"running": 1}
    assert view.partners == [("Universitas Kopi", "ID")]
    assert dict(view.students_by_country) == {"NL": 2, "ID": 1}
    # two students, each one return trip Amsterdam-Jakarta
    one_way = emissions.great_circle_km(AMSTERDAM, JAKARTA)
    assert s.travellers == 2 and s.unplaced == 0
    assert s.trip_km == pytest.approx(4 * one_way)
    # neither Amsterdam nor Jakarta is in the UK: DESNZ's "International, to/from non-UK"
    assert s.co2e_kg == pytest.approx(4 * one_way * 0.14253)
    assert dict(s.km_by_band) == pytest.approx({"international": 4 * one_way})


def test_scopes_and_filters(kopi: World) -> None:
    jakarta = Filters(kopi.institutions["id"].id, as_of=AS_OF)
    assert [r.name for r in records(jakarta) if not r.partner] == ["Dewi"]
    assert sorted(r.name for r in records(Filters(None, as_of=AS_OF))) == ["Anna", "Bram", "Dewi"]
    assert count_records(nl(kopi, date_to=date(2027, 1, 31))) == 0  # ends before it starts
    assert count_records(nl(kopi, date_from=date(2027, 4, 30))) == 3  # its last day
    assert count_records(nl(kopi, partner_country="ID")) == 3
    assert count_records(nl(kopi, partner_country="MX")) == 0
    assert count_records(nl(kopi, partner_country="NL")) == 0  # own country is no partner
    assert count_records(nl(kopi, course_id=kopi.courses["nl"].id)) == 3
    assert count_records(nl(kopi, exchange_id=kopi.exchange.id + 1)) == 0
    stranger = Filters(kopi.stranger.id, as_of=AS_OF) if kopi.stranger else None
    assert stranger is not None and count_records(stranger) == 0


def test_phases_that_have_not_ended_are_in_progress(kopi: World) -> None:
    march = {r.name: r for r in records(nl(kopi, as_of=date(2027, 3, 15))) if not r.partner}
    assert march["Anna"].phases_completed == 1  # February has ended, March-April not
    assert march["Anna"].completion == "in_progress"


def test_unknown_coordinates_are_counted_not_guessed(kopi: World, db: Any) -> None:
    kopi.institutions["id"].latitude = kopi.institutions["id"].longitude = None
    db.session.commit()
    s = overview(nl(kopi)).summary
    assert (s.travellers, s.unplaced, s.co2e_kg) == (0, 2, 0.0)


def test_an_exchange_without_phases_is_one_phase(kopi: World, db: Any) -> None:
    from coil.exchanges.models import ExchangePhase

    db.session.execute(db.delete(ExchangePhase))
    db.session.commit()
    after = {r.name: r for r in records(nl(kopi))}  # 10 May 2027: the exchange has ended
    assert (after["Anna"].phases, after["Anna"].phases_completed) == (1, 1)
    assert after["Anna"].completion == after["Bram"].completion == "complete"
    during = {
        r.name: r.completion for r in records(nl(kopi, as_of=date(2027, 3, 1))) if not r.partner
    }
    assert during == {"Anna": "in_progress", "Bram": "in_progress"}
