"""The glue between the database and the team engine: cohort, draft, adjustments, publishing."""

from __future__ import annotations

import pytest

from coil.core.errors import ServiceError
from coil.exchanges.models import AttributeAnswer, Enrolment, ExchangeAttribute
from coil.notifications.models import Notification
from coil.spaces.models import Space
from coil.teams import cohort, describe, services
from coil.teams.engine.model import FULL_WEEK, SLOTS_PER_DAY, Infeasible
from coil.teams.models import Team
from tests.teams.builders import MON, build_world, enrol


def utc_window(day: int, start: int, end: int) -> int:
    """Return the mask of whole UTC hours [start, end) on a weekday."""
    return sum(1 << (day * SLOTS_PER_DAY + q) for q in range(start * 4, end * 4))


@pytest.fixture()
def tw(factory, db):
    world = build_world(factory, db)
    enrol(factory, db, world, "nl", 4)
    enrol(factory, db, world, "mx", 4)
    return world


def _teams(db, world):
    db.session.expire_all()
    return [sorted(m.user_id for m in team.members) for team in services.draft(world.exchange)]


def test_cohort_converts_local_availability_to_utc_across_the_clock_change(factory, db):
    world = build_world(factory, db)
    (nl,) = enrol(factory, db, world, "nl", 1)
    (mx,) = enrol(factory, db, world, "mx", 1)
    # Amsterdam 16:00-17:00 is 15:00 UTC before 28 March and 14:00 UTC after; Mexico City
    # 08:00-09:00 is 14:00 UTC all along: they overlap only after the change, so never in
    # every week.
    (late_nl,) = enrol(factory, db, world, "nl", 1, slots=((MON, "16:00", "17:00"),))
    (early_mx,) = enrol(factory, db, world, "mx", 1, slots=((MON, "08:00", "09:00"),))
    (unknown,) = enrol(factory, db, world, "mx", 1, slots=())
    group = services.cohort(world.exchange)
    by_id = {s.id: s for s in group.students}
    assert by_id[nl.id].availability == utc_window(MON, 15, 17)  # the intersection of weeks
    assert by_id[mx.id].availability == utc_window(MON, 14, 18)
    assert by_id[late_nl.id].availability == 0
    assert by_id[late_nl.id].availability & by_id[early_mx.id].availability == 0
    assert by_id[early_mx.id].availability == utc_window(MON, 14, 15)
    assert by_id[unknown.id].availability == FULL_WEEK
    assert group.unknown_availability == [unknown.id]
    assert (by_id[nl.id].country, by_id[mx.id].country) == ("NL", "MX")
    assert by_id[nl.id].languages == {"en": "B2"}
    assert group.courses == [world.nl_course.id, world.mx_course.id]


def test_cohort_reads_attributes_and_leaves_out_dropped_students(factory, db, tw):
    attribute = ExchangeAttribute(
        exchange_id=tw.exchange.id, key="role", label="Preferred role", mode="group", weight=2
    )
    db.session.add(attribute)
    db.session.flush()
    first = tw.students["nl"][0]
    db.session.add(AttributeAnswer(attribute_id=attribute.id, user_id=first.id, value=" lead "))
    dropped = db.session.query(Enrolment).filter_by(user_id=tw.students["mx"][0].id).one()
    dropped.status = "dropped"
    tw.exchange.team_weights = {"attributes": 0.5, "countries": 3, "bogus": 9}
    db.session.commit()
    group = services.cohort(tw.exchange)
    assert len(group.students) == 7
    assert next(s for s in group.students if s.id == first.id).attributes == {"role": "lead"}
    config = services.settings(tw.exchange)
    assert config.weights["attributes:role"] == 1.0 and config.weights["countries"] == 3
    assert config.attribute_modes == {"role": "group"}
    assert "bogus" not in config.weights


def test_propose_writes_the_draft_and_replaces_it_keeping_locks(db, tw):
    outcome = services.propose(tw.nl_lecturer, tw.exchange, seed=1)
    assert outcome.result.ok
    db.session.commit()
    first = _teams(db, tw)
    assert len(first) == 2 and sorted(uid for team in first for uid in team) == sorted(
        u.id for side in tw.students.values() for u in side
    )
    assert tw.exchange.teams_published_at is None
    assert cohort.evaluation(tw.exchange).violations == []
    keep = first[1][:2]
    services.lock(tw.nl_lecturer, tw.exchange, keep, True)
    services.propose(tw.nl_lecturer, tw.exchange, seed=2)
    db.session.commit()
    again = _teams(db, tw)
    assert len(again) == 2
    assert any(set(keep) <= set(team) for team in again)
    assert db.session.query(Team).count() == 2  # replaced, not added
    locked = {m.user_id for t in tw.exchange.teams for m in t.members if m.locked}
    assert locked == set(keep)


def test_infeasible_writes_nothing_and_explains(app, db, tw):
    services.propose(tw.nl_lecturer, tw.exchange, seed=1)
    db.session.commit()
    before = _teams(db, tw)
    tw.exchange.min_shared_hours = 3.0  # the cohort shares two hours a week at most
    db.session.commit()
    outcome = services.propose(tw.nl_lecturer, tw.exchange, seed=1)
    db.session.commit()
    assert not outcome.result.ok and outcome.result.infeasible
    assert _teams(db, tw) == before
    item = outcome.result.infeasible[0]
    with app.test_request_context():
        ctx = describe.Context(names={u.id: u.name for u in tw.students["nl"]})
        text = describe.diagnosis(item, ctx)
        advice = describe.describe(item.suggestion, ctx)
    assert "3 hours a week" in text
    assert advice == "lower the minimum shared time to 2 hours a week"


def test_the_search_diagnoses_render_and_claim_no_more_than_they_know(app):
    proved = Infeasible("shared_hours", (1,), {"hours": 1.0, "teams": 1}, None)
    no_plan = Infeasible("no_valid_plan", (1,), {"teams": 2}, None)
    not_found = Infeasible("not_found", (1,), {"hours": 1.0, "seconds": 0.9}, None)
    with app.test_request_context():
        ctx = describe.Context()
        texts = [describe.diagnosis(item, ctx) for item in (proved, no_plan, not_found)]
        names = {describe.constraint_name(item) for item in (proved, no_plan, not_found)}
    assert texts == [
        "no plan exists in which every team shares 1 hour a week (an exhaustive search proved it)",
        "no plan exists that keeps every hard constraint (an exhaustive search proved it)",
        "no plan keeping every hard constraint was found in the time allowed; one may exist",
    ]
    assert names == {"shared hours", "hard constraints"}


def test_only_lecturers_of_the_exchange_change_teams(db, tw):
    for actor in (tw.other_lecturer, tw.nl_coordinator, tw.students["nl"][0]):
        with pytest.raises(ServiceError):
            services.propose(actor, tw.exchange, seed=1)
    assert tw.exchange.teams == []


def test_move_swap_and_publish_refuses_a_broken_team(db, tw):
    services.propose(tw.mx_lecturer, tw.exchange, seed=1)
    db.session.commit()
    (a_team, b_team) = _teams(db, tw)
    nl_ids = {u.id for u in tw.students["nl"]}
    mover = next(uid for uid in a_team if uid in nl_ids)
    violations = services.move(tw.nl_lecturer, tw.exchange, mover, 2)
    assert {v.code for v in violations} >= {"course_alone"}
    with pytest.raises(ServiceError, match="hard constraint"):
        services.publish(tw.nl_lecturer, tw.exchange)
    assert services.move(tw.nl_lecturer, tw.exchange, mover, 1) == []
    db.session.commit()
    x = next(uid for uid in a_team if uid in nl_ids)
    y = next(uid for uid in b_team if uid in nl_ids)
    assert services.swap(tw.nl_lecturer, tw.exchange, x, y) == []
    db.session.commit()
    after = _teams(db, tw)
    assert y in after[0] and x in after[1]
    with pytest.raises(ServiceError):
        services.swap(tw.nl_lecturer, tw.exchange, x, x)
    with pytest.raises(ServiceError):
        services.move(tw.nl_lecturer, tw.exchange, x, 9)


def test_publish_creates_spaces_and_tells_every_student(db, tw):
    services.propose(tw.nl_lecturer, tw.exchange, seed=1)
    services.publish(tw.nl_lecturer, tw.exchange)
    db.session.commit()
    assert tw.exchange.teams_published_at is not None
    spaces = db.session.query(Space).filter_by(exchange_id=tw.exchange.id).all()
    assert sorted(s.team_id or 0 for s in spaces) == sorted([0, *(t.id for t in tw.exchange.teams)])
    notes = db.session.query(Notification).filter_by(kind="teams_published").all()
    assert len(notes) == 8 and {n.params["exchange"] for n in notes} == {tw.exchange.title}
    with pytest.raises(ServiceError, match="published"):
        services.propose(tw.nl_lecturer, tw.exchange, seed=3)


def test_late_joiner_is_offered_the_best_teams_and_placed(factory, db, tw):
    services.propose(tw.nl_lecturer, tw.exchange, seed=1)
    services.publish(tw.nl_lecturer, tw.exchange)
    db.session.commit()
    (late,) = enrol(factory, db, tw, "mx", 1)
    group = services.cohort(tw.exchange)
    assert cohort.unplaced(tw.exchange, group) == [late.id]
    ranking, teams = services.placement_options(tw.exchange, late.id)
    assert len(ranking) == 2 and not ranking[0].violations
    number = teams[ranking[0].team].number
    services.place_late_joiner(tw.nl_lecturer, tw.exchange, late.id, number)
    db.session.commit()
    assert any(late.id in team for team in _teams(db, tw))
    assert cohort.evaluation(tw.exchange).violations == []
    assert db.session.query(Notification).filter_by(user_id=late.id).count() == 1
    with pytest.raises(ServiceError, match="already"):
        services.placement_options(tw.exchange, late.id)


def test_drop_out_is_rebalanced_with_the_fewest_moves(factory, db):
    world = build_world(factory, db, team_size=3)
    enrol(factory, db, world, "nl", 4)
    enrol(factory, db, world, "mx", 5)
    services.propose(world.nl_lecturer, world.exchange, seed=4)
    services.publish(world.nl_lecturer, world.exchange)
    db.session.commit()
    teams = _teams(db, world)
    # Take out an NL student from a team that has exactly two of them: it breaks "not alone".
    nl_ids = {u.id for u in world.students["nl"]}
    leaving = next(
        uid for team in teams if len(set(team) & nl_ids) == 2 for uid in team if uid in nl_ids
    )
    enrolment = db.session.query(Enrolment).filter_by(user_id=leaving).one()
    enrolment.status = "dropped"
    db.session.commit()
    group = services.cohort(world.exchange)
    assert cohort.departed(world.exchange, group) == [leaving]
    plan = services.rebalance_options(world.exchange, leaving)
    assert plan.moves and not plan.violations
    services.rebalance_after_dropout(world.nl_lecturer, world.exchange, leaving)
    db.session.commit()
    assert all(leaving not in team for team in _teams(db, world))
    assert cohort.evaluation(world.exchange).violations == []


def test_settings_refuse_teams_larger_than_the_cohort(db, tw):
    db.session.query(Enrolment).filter(
        Enrolment.user_id.in_([u.id for u in tw.students["mx"][:3]])
    ).update({"status": "dropped"})
    with pytest.raises(ServiceError, match="5 students are enrolled") as refused:
        services.update_settings(
            tw.nl_lecturer,
            tw.exchange,
            team_size=6,
            min_shared_hours=1,
            min_level="B1",
            weights={},
        )
    assert refused.value.field == "team_size"
    services.update_settings(
        tw.nl_lecturer,
        tw.exchange,
        team_size=3,
        min_shared_hours=0.75,
        min_level="b2",
        weights={"countries": 4},
    )
    assert (tw.exchange.team_size, tw.exchange.min_shared_hours) == (3, 0.7)
    assert tw.exchange.team_weights["countries"] == 4 and tw.exchange.min_level == "B2"
    assert db.session.query(Team).count() == 0
