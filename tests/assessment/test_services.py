"""Submitting self-assessments, ratings and peer evaluations: one row and one ledger event per
action (in the same transaction), the payload contract, and refusals that store nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coil.assessment import services
from coil.assessment.models import LecturerRating, PeerEvaluation, PeerScore, SelfAssessment
from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.notifications.models import Notification
from tests.assessment.conftest import levels, peer


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(db, kind: str) -> list[LedgerEvent]:
    query = select(LedgerEvent).where(LedgerEvent.kind == kind).order_by(LedgerEvent.id)
    return list(db.session.scalars(query))


def refused(db, code: str, call, *args, **kwargs) -> None:
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    db.session.rollback()


# --- self-assessment ---------------------------------------------------------------------------


def test_a_self_assessment_is_stored_with_one_event_in_the_contract(opened, db):
    anna = opened["anna"]
    done = services.submit_self_assessment(anna, opened.exchange, "pre", levels(1, empathy=3))
    db.session.commit()
    (event,) = events(db, kinds.SELF_ASSESSMENT)
    assert (event.actor_id, event.subject_id, event.exchange_id) == (
        anna.id,
        done.id,
        opened.exchange.id,
    )
    assert event.payload == {"stage": "pre", "levels": levels(1, empathy=3)}


def test_rolling_back_a_self_assessment_removes_the_row_and_its_event(opened, db):
    services.submit_self_assessment(opened["anna"], opened.exchange, "post", levels())
    db.session.flush()
    assert count(db, SelfAssessment) == 1 and len(events(db, kinds.SELF_ASSESSMENT)) == 1
    db.session.rollback()
    assert count(db, SelfAssessment) == 0 and events(db, kinds.SELF_ASSESSMENT) == []


@pytest.mark.parametrize(
    ("given", "code"),
    [
        (levels(5), "out_of_scale"),  # the VALUE rubric runs from 0 to 4
        (levels(-1), "out_of_scale"),
        ({"empathy": 2}, "malformed"),  # every dimension needs a level
        ({**levels(), "nonsense": 1}, "malformed"),
        (levels(**{"empathy": "2"}), "malformed"),
        ("2", "malformed"),
    ],
)
def test_levels_outside_the_rubric_are_refused_and_nothing_is_stored(opened, db, given, code):
    refused(
        db, code, services.submit_self_assessment, opened["anna"], opened.exchange, "pre", given
    )
    assert count(db, SelfAssessment) == 0 and events(db, kinds.SELF_ASSESSMENT) == []


def test_a_second_self_assessment_of_a_stage_is_refused(opened, db):
    anna, exchange = opened["anna"], opened.exchange
    services.submit_self_assessment(anna, exchange, "pre", levels(1))
    db.session.commit()
    refused(db, "duplicate", services.submit_self_assessment, anna, exchange, "pre", levels(3))
    assert [row.levels for row in db.session.scalars(select(SelfAssessment))] == [levels(1)]
    assert len(events(db, kinds.SELF_ASSESSMENT)) == 1
    services.submit_self_assessment(anna, exchange, "post", levels(3))  # the other stage is fine
    db.session.commit()


def test_a_self_assessment_after_the_window_closed_is_refused(kopi, db):
    # the exchange starts in February 2027: no window is open today, and none was reopened
    refused(
        db, "closed", services.submit_self_assessment, kopi["anna"], kopi.exchange, "pre", levels()
    )
    assert count(db, SelfAssessment) == 0


def test_a_window_reopened_until_a_past_moment_is_closed_again(kopi, db):
    window = services.reopen(kopi["lena"], kopi.exchange, "pre", utcnow() + timedelta(hours=1))
    db.session.commit()
    window.reopened_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    refused(
        db, "closed", services.submit_self_assessment, kopi["anna"], kopi.exchange, "pre", levels()
    )


def test_only_active_students_self_assess(opened, db):
    for who in ("lena", "dirk", "olga"):
        refused(
            db,
            "forbidden",
            services.submit_self_assessment,
            opened[who],
            opened.exchange,
            "pre",
            levels(),
        )


def test_only_lecturers_reopen_and_never_into_the_past(kopi, db):
    later = utcnow() + timedelta(days=1)
    refused(db, "forbidden", services.reopen, kopi["anna"], kopi.exchange, "pre", later)
    refused(db, "forbidden", services.reopen, kopi["cora"], kopi.exchange, "pre", later)
    refused(db, "past", services.reopen, kopi["lena"], kopi.exchange, "pre", utcnow())


# --- lecturers' ratings ------------------------------------------------------------------------


def test_a_rating_records_the_students_event_and_notifies_them(kopi, db):
    lena, anna = kopi["lena"], kopi["anna"]
    rating = services.rate(lena, kopi.exchange, anna, levels(3), "  Careful listener  ")
    db.session.commit()
    assert rating.note == "Careful listener" and rating.slot == f"u:{lena.id}"
    (event,) = events(db, kinds.RATING_RECEIVED)
    assert (event.actor_id, event.subject_id) == (anna.id, rating.id)
    assert event.payload == {
        "levels": levels(3),
        "rater": lena.id,
        "rater_institution": lena.institution_id,
    }
    (note,) = db.session.scalars(select(Notification).where(Notification.user_id == anna.id))
    assert note.kind == "rating_received"


def test_rolling_back_a_rating_removes_the_rating_and_its_event(kopi, db):
    services.rate(kopi["lena"], kopi.exchange, kopi["anna"], levels(3))
    db.session.flush()
    assert count(db, LecturerRating) == 1 and len(events(db, kinds.RATING_RECEIVED)) == 1
    db.session.rollback()
    assert count(db, LecturerRating) == 0 and events(db, kinds.RATING_RECEIVED) == []


def test_each_lecturer_rates_a_student_once(kopi, db):
    services.rate(kopi["lena"], kopi.exchange, kopi["anna"], levels(3))
    services.rate(kopi["budi"], kopi.exchange, kopi["anna"], levels(2))
    db.session.commit()
    refused(db, "duplicate", services.rate, kopi["lena"], kopi.exchange, kopi["anna"], levels(1))
    assert count(db, LecturerRating) == 2 and len(events(db, kinds.RATING_RECEIVED)) == 2


def test_one_rating_per_institution_when_the_exchange_asks_for_it(kopi, factory, db):
    exchange = kopi.exchange
    services.set_per_institution(kopi["lena"], exchange, True)
    services.rate(kopi["lena"], exchange, kopi["anna"], levels(3))
    db.session.commit()
    colleague = factory.user(role="lecturer", institution=kopi["lena"].institution)
    db.session.commit()
    # the colleague teaches no course of the exchange: refused before the slot is even tried
    refused(db, "forbidden", services.rate, colleague, exchange, kopi["anna"], levels(2))
    rating = services.rate(kopi["budi"], exchange, kopi["anna"], levels(2))
    assert rating.slot == f"i:{kopi['budi'].institution_id}"
    db.session.commit()
    refused(db, "duplicate", services.rate, kopi["budi"], exchange, kopi["anna"], levels(1))


def test_ratings_are_refused_to_others_and_for_strangers(kopi, db):
    refused(db, "forbidden", services.rate, kopi["cora"], kopi.exchange, kopi["anna"], levels())
    refused(db, "forbidden", services.rate, kopi["anna"], kopi.exchange, kopi["dewi"], levels())
    refused(db, "not_found", services.rate, kopi["lena"], kopi.exchange, kopi["olga"], levels())
    refused(db, "out_of_scale", services.rate, kopi["lena"], kopi.exchange, kopi["anna"], levels(9))
    assert count(db, LecturerRating) == 0
    rated = select(Notification).where(Notification.kind == "rating_received")
    assert list(db.session.scalars(rated)) == []


# --- peer evaluation ---------------------------------------------------------------------------


def test_a_peer_evaluation_records_each_teammates_mean(opened, db):
    anna, dewi = opened["anna"], opened["dewi"]
    given = {dewi.id: peer(4, quality=5, knowledge=2)}  # mean (4+4+4+5+2)/5 = 3.8
    evaluation = services.evaluate_peers(anna, opened.exchange, given, peer(5))
    db.session.commit()
    assert [(s.ratee_id, s.levels) for s in evaluation.scores] == [(dewi.id, given[dewi.id])]
    assert evaluation.self_scores == peer(5)
    (event,) = events(db, kinds.PEER_EVALUATION)
    assert (event.actor_id, event.subject_id) == (anna.id, evaluation.id)
    assert event.payload == {"scores": {str(dewi.id): pytest.approx(3.8)}}


def test_rolling_back_a_peer_evaluation_removes_it_and_its_event(opened, db):
    services.evaluate_peers(opened["anna"], opened.exchange, {opened["dewi"].id: peer()}, peer())
    db.session.flush()
    db.session.rollback()
    assert count(db, PeerEvaluation) == 0 and count(db, PeerScore) == 0
    assert events(db, kinds.PEER_EVALUATION) == []


def test_peer_evaluation_refusals_store_nothing(opened, db):
    anna, dewi, bram, exchange = opened["anna"], opened["dewi"], opened["bram"], opened.exchange
    cases = [
        ("self", {anna.id: peer(), dewi.id: peer()}, peer()),
        ("not_teammate", {bram.id: peer()}, peer()),  # Bram is in team 2
        ("not_teammate", {dewi.id: peer(), opened["dirk"].id: peer()}, peer()),  # dropped out
        ("out_of_scale", {dewi.id: peer(6)}, peer()),
        ("out_of_scale", {dewi.id: peer(0)}, peer()),
        ("out_of_scale", {dewi.id: peer()}, peer(0)),
        ("malformed", {}, peer()),
    ]
    for code, scores, own in cases:
        refused(db, code, services.evaluate_peers, anna, exchange, scores, own)
    assert count(db, PeerEvaluation) == 0 and events(db, kinds.PEER_EVALUATION) == []


def test_a_second_peer_evaluation_is_refused(opened, db):
    anna, dewi = opened["anna"], opened["dewi"]
    services.evaluate_peers(anna, opened.exchange, {dewi.id: peer(4)}, peer(4))
    db.session.commit()
    refused(
        db, "duplicate", services.evaluate_peers, anna, opened.exchange, {dewi.id: peer(1)}, peer(1)
    )
    assert count(db, PeerEvaluation) == 1 and len(events(db, kinds.PEER_EVALUATION)) == 1


def test_a_peer_evaluation_outside_its_window_is_refused(kopi, db):
    refused(
        db,
        "closed",
        services.evaluate_peers,
        kopi["anna"],
        kopi.exchange,
        {kopi["dewi"].id: peer()},
        peer(),
    )


def test_the_database_itself_refuses_a_second_row(opened, db):
    # what decides when two requests race past every check at once: the unique constraints
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    anna, exchange = opened["anna"], opened.exchange
    services.submit_self_assessment(anna, exchange, "pre", levels())
    services.evaluate_peers(anna, exchange, {opened["dewi"].id: peer()}, peer())
    services.rate(opened["lena"], exchange, anna, levels())
    db.session.commit()
    for model, values in (
        (SelfAssessment, {"student_id": anna.id, "stage": "pre", "levels": {}}),
        (PeerEvaluation, {"rater_id": anna.id, "self_scores": {}}),
        (LecturerRating, {"student_id": anna.id, "slot": f"u:{opened['lena'].id}", "levels": {}}),
    ):
        with pytest.raises(IntegrityError, match=r"(?i)unique"):
            db.session.execute(insert(model).values(exchange_id=exchange.id, **values))
        db.session.rollback()
