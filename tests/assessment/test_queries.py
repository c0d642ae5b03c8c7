"""Windows, what is due for a student, the anonymous peer aggregate, agreement and flags as
the pages read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from coil.assessment import queries, services
from coil.assessment.windows import window
from coil.core.time import utcnow
from coil.exchanges.services import ensure_phases
from coil.teams.models import TeamMember
from tests.assessment.conftest import levels, peer
from tests.world import enrol_student


def test_pre_opens_with_the_first_phase_and_post_and_peers_with_the_last(kopi, db):
    phases = ensure_phases(kopi.exchange)
    db.session.commit()
    first, last = phases[0], phases[-1]
    pre, post = window(kopi.exchange, "pre"), window(kopi.exchange, "post")
    assert (pre.opens, pre.closes) == (first.start_date, first.end_date)
    assert (post.opens, post.closes) == (last.start_date, last.end_date)
    assert window(kopi.exchange, "peers").opens == last.start_date
    day = datetime.combine(first.start_date, datetime.min.time(), UTC)
    assert not pre.is_open(day - timedelta(seconds=1)) and pre.not_yet(day - timedelta(days=1))
    assert pre.is_open(day) and pre.is_open(day + timedelta(hours=23))
    end = datetime.combine(first.end_date + timedelta(days=1), datetime.min.time(), UTC)
    assert pre.is_open(end - timedelta(seconds=1)) and not pre.is_open(end)


def test_without_phases_the_planned_ones_give_the_dates(kopi, db):
    assert kopi.exchange.phases == []
    assert window(kopi.exchange, "pre").opens == date(2027, 2, 1)
    assert window(kopi.exchange, "post").closes == date(2027, 4, 30)


def test_due_lists_open_windows_not_done_yet(opened, db):
    anna = opened["anna"]
    assert [d.kind for d in queries.due_for(anna)] == ["pre", "post", "peers"]
    services.submit_self_assessment(anna, opened.exchange, "pre", levels())
    services.evaluate_peers(anna, opened.exchange, {opened["dewi"].id: peer()}, peer())
    db.session.commit()
    assert [d.kind for d in queries.due_for(anna)] == ["post"]
    assert queries.due_for(opened["lena"]) == [] and queries.due_for(opened["dirk"]) == []


def test_nothing_is_due_while_windows_are_closed(kopi, db):
    assert queries.due_for(kopi["anna"]) == []
    assert [d.kind for d in queries.due_for(kopi["anna"], datetime(2027, 2, 2, tzinfo=UTC))] == [
        "pre"
    ]


def test_change_is_post_minus_pre(opened, db):
    anna = opened["anna"]
    services.submit_self_assessment(anna, opened.exchange, "pre", levels(1, empathy=2))
    assert queries.change(queries.self_assessments(opened.exchange, anna)) == {}
    services.submit_self_assessment(anna, opened.exchange, "post", levels(3, empathy=2))
    change = queries.change(queries.self_assessments(opened.exchange, anna))
    assert change == levels(2, empathy=0)


@pytest.fixture()
def trio(opened, factory, db):
    """Team 1 with a third active member, Eko, so that two teammates rate each student."""
    eko = factory.user(institution=opened["dewi"].institution, name="Eko")
    enrol_student(eko, opened.courses["id"])
    opened.teams[0].members.append(TeamMember(user_id=eko.id))
    db.session.commit()
    return opened, eko


def test_the_peer_aggregate_waits_for_two_raters(trio, db):
    world, eko = trio
    anna, dewi, exchange = world["anna"], world["dewi"], world.exchange
    services.evaluate_peers(dewi, exchange, {anna.id: peer(4), eko.id: peer(3)}, peer(4))
    db.session.commit()
    one = queries.peer_aggregate(exchange, anna)
    assert (one.raters, one.means, one.overall) == (1, {}, None)  # would tell Dewi's scores
    services.evaluate_peers(eko, exchange, {anna.id: peer(2, quality=5), dewi.id: peer(3)}, peer(3))
    db.session.commit()
    two = queries.peer_aggregate(exchange, anna)
    # contributing: (4 + 2) / 2 = 3; quality: (4 + 5) / 2 = 4.5; overall (4 + 2.6) / 2 = 3.3
    assert two.raters == 2 and two.means["contributing"] == 3.0 and two.means["quality"] == 4.5
    assert two.overall == pytest.approx(3.3)


def test_peer_details_flag_a_high_rating_with_an_empty_ledger(trio, db):
    world, eko = trio
    anna, dewi, exchange = world["anna"], world["dewi"], world.exchange
    services.evaluate_peers(anna, exchange, {dewi.id: peer(3), eko.id: peer(5)}, peer(3))
    services.evaluate_peers(dewi, exchange, {anna.id: peer(3), eko.id: peer(4)}, peer(3))
    db.session.commit()
    (team, *_rest) = queries.peer_details(exchange)
    assert team.given[anna.id, eko.id] == 5.0 and team.own[anna.id] == 3.0
    flagged = {(f.code, f.student) for f in team.flags}
    assert ("ledger_contrast", eko.id) in flagged  # rated 4.5 with nothing recorded
    assert ("ledger_contrast", anna.id) not in flagged


def test_agreement_between_the_two_lecturers(kopi, db):
    lena, budi, exchange = kopi["lena"], kopi["budi"], kopi.exchange
    for student, a, b in (("anna", 1, 1), ("dewi", 2, 3), ("bram", 3, 3)):
        services.rate(lena, exchange, kopi[student], levels(a))
        services.rate(budi, exchange, kopi[student], levels(b))
    db.session.commit()
    found = queries.agreement(exchange)["empathy"]
    # pairs 1-1, 2-3, 3-3 on 0..4: exact 2/3, adjacent 1; kappa (linear) from
    # A = [1, 2, 3], B = [1, 3, 3]: observed 1/3; expected 1/3 * [(0 + 4/3) + (1/3 + 2/3) +
    # (2/3 + 0)] = 1, so kappa = 2/3 (the scale's unused levels weigh nothing)
    assert (found.statistic, found.units, found.raters) == ("kappa", 3, 2)
    assert found.exact == pytest.approx(2 / 3) and found.adjacent == 1.0
    assert found.value == pytest.approx(2 / 3)
    assert queries.progress(exchange).rated == 3


def test_reopening_moves_only_its_own_window(kopi, db):
    services.reopen(kopi["lena"], kopi.exchange, "peers", utcnow() + timedelta(days=2))
    db.session.commit()
    assert window(kopi.exchange, "peers").is_open() and not window(kopi.exchange, "pre").is_open()
