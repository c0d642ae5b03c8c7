"""Awarding: facts from the ledger, automatic awards once, manual awards, revocation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from coil.cli import cli
from coil.core.errors import ServiceError
from coil.credentials import queries, services
from coil.credentials.models import Award
from coil.demo.seed import seed_demo
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.evidence.services import record
from coil.exchanges.models import ExchangePhase
from coil.notifications.models import Notification
from tests.credentials.conftest import badge_data, meet_rules


def awards(db) -> list[Award]:
    return list(db.session.scalars(select(Award).order_by(Award.id)))


def test_facts_come_from_the_ledger(kopi, db):
    anna, x = kopi["anna"], kopi.exchange
    meet_rules(x, anna)
    # a session whose minutes were corrected to nothing does not count
    record(kinds.SESSION_ATTENDED, x.id, anna, subject_id=103, value=30)
    record(kinds.SESSION_ATTENDED, x.id, anna, subject_id=103, value=-30)
    record(kinds.TASK_COMPLETED, x.id, anna, subject_id=7)
    facts = queries.facts_for(x.id, [anna.id, kopi["bram"].id])
    mine = facts[anna.id]
    assert mine.sessions == 2 and mine.tasks == 1
    assert mine.reflection_prompts == {1, 2}
    assert mine.reflection_dimensions == {"curiosity", "empathy", "openness"}
    assert mine.self_assessments == {"post"}
    assert mine.best_levels == {"empathy": 3, "curiosity": 1}
    assert facts[kopi["bram"].id].sessions == 0


def test_bad_badge_data_names_the_field(kopi, db):
    for changes, blamed in (
        ({"name": " "}, "name"),
        ({"ects": 0.0}, "ects"),
        ({"eqf_level": 9}, "eqf_level"),
        ({"learning_outcomes": []}, "learning_outcomes"),
        ({"rules": [{"kind": "sessions"}]}, "rules"),
    ):
        with pytest.raises(ServiceError) as caught:
            services.create_badge(kopi["lena"], kopi.exchange, badge_data(**changes))
        assert caught.value.field == blamed


def test_an_unapproved_badge_is_not_awarded(kopi, db):
    services.create_badge(kopi["lena"], kopi.exchange, badge_data())
    meet_rules(kopi.exchange, kopi["anna"])
    assert services.award_by_rules(kopi.exchange) == []


def test_rules_award_once_with_ledger_event_and_notification(kopi, badge, db):
    anna, x = kopi["anna"], kopi.exchange
    meet_rules(x, anna)
    made = services.award_by_rules(x)
    db.session.commit()
    assert [a.student_id for a in made] == [anna.id]
    assert made[0].method == "rules" and made[0].version.number == 1
    event = db.session.scalar(select(LedgerEvent).where(LedgerEvent.kind == kinds.BADGE_AWARDED))
    assert event.actor_id == anna.id and event.subject_id == made[0].id
    assert event.payload == {"badge": "Intercultural Collaborator", "version": 1}
    notes = db.session.scalars(select(Notification).where(Notification.user_id == anna.id))
    assert [n.kind for n in notes] == ["badge_awarded"]
    # checking again (on demand, or when a phase closes) awards nothing new
    assert services.award_by_rules(x) == []
    assert services.award_due(date(2027, 5, 1)) == []
    db.session.commit()
    assert len(awards(db)) == 1


def test_the_database_refuses_a_second_award_of_one_version(kopi, badge, db, monkeypatch):
    anna, x = kopi["anna"], kopi.exchange
    first = services.award(badge.current, anna.id, x)
    assert first is not None
    # as a second worker that did not see the first row would: the constraint stops it
    monkeypatch.setattr(services, "_existing", lambda *args: None)
    assert services.award(badge.current, anna.id, x) is None
    db.session.commit()
    assert len(awards(db)) == 1
    kinds_recorded = db.session.scalar(
        select(func.count()).where(LedgerEvent.kind == kinds.BADGE_AWARDED)
    )
    assert kinds_recorded == 1


def test_a_new_version_is_awarded_under_its_own_number(kopi, badge, db):
    anna, x = kopi["anna"], kopi.exchange
    meet_rules(x, anna)
    services.award_by_rules(x)
    version = services.revise_badge(kopi["lena"], badge, badge_data(name="Collaborator II"))
    assert version.number == 2 and version.status == "submitted"
    assert services.award_by_rules(x) == []  # v2 not approved yet
    services.decide(kopi["cora"], version, approve=True)
    made = services.award_by_rules(x)
    assert [(a.version.number, a.version.name) for a in made] == [(2, "Collaborator II")]
    assert [a.version.number for a in awards(db)] == [1, 2]


def test_manual_award_needs_a_justification_and_an_active_student(kopi, badge, db):
    lena = kopi["lena"]
    with pytest.raises(ServiceError) as caught:
        services.award_manually(lena, badge, kopi["bram"], "ok")
    assert caught.value.field == "justification"
    with pytest.raises(ServiceError):
        services.award_manually(lena, badge, kopi["dirk"], "Led the final presentation.")
    made = services.award_manually(lena, badge, kopi["bram"], "Led the final presentation.")
    assert made.method == "manual" and made.awarded_by_id == lena.id
    with pytest.raises(ServiceError) as again:
        services.award_manually(lena, badge, kopi["bram"], "Led the final presentation.")
    assert again.value.code == "duplicate"


def test_revocation_keeps_the_reason_and_tells_the_student(kopi, badge, db):
    made = services.award_manually(kopi["lena"], badge, kopi["bram"], "Led the final talk.")
    services.revoke(kopi["cora"], made, "Awarded by mistake")
    db.session.commit()
    assert made.revoked_at is not None and made.revocation_reason == "Awarded by mistake"
    notes = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == made.student_id)
    )
    assert list(notes) == ["badge_awarded", "badge_revoked"]
    with pytest.raises(ServiceError):
        services.revoke(kopi["cora"], made, "Again")
    assert queries.revoked_uids(badge.institution_id) == [(made.uid, "Awarded by mistake")]


def test_the_demo_has_an_approved_badge_awarded_by_its_rules(app, db):
    seed_demo()
    count = len(awards(db))
    seed_demo()  # loading twice adds nothing
    made = awards(db)
    assert len(made) == count
    assert {a.version.status for a in made} == {"approved"}
    # the demo's six weeks of history meet the rules for several students, Lotte and Daan among
    # them; a student is awarded once, by the rules or (where they fall short) by hand
    emails = [a.student.email for a in made]
    assert len(emails) == len(set(emails))
    assert {"lotte@amstelland.example", "daan@amstelland.example"} <= set(emails)


def test_the_commands_award_and_rotate(kopi, badge, app, db):
    meet_rules(kopi.exchange, kopi["anna"])
    db.session.commit()
    runner = app.test_cli_runner()
    # nothing of the exchange (spring 2027) has ended yet: nothing is awarded
    assert "0 badges awarded" in runner.invoke(cli, ["award-badges"]).output
    phase = ExchangePhase(  # a phase that has closed
        exchange_id=kopi.exchange.id,
        position=0,
        key="custom",
        start_date=date(2025, 12, 1),
        end_date=date(2026, 1, 1),
    )
    db.session.add(phase)
    db.session.commit()
    result = runner.invoke(cli, ["award-badges"])
    assert result.exit_code == 0 and "1 badges awarded" in result.output
    institution = badge.institution_id
    first = runner.invoke(cli, ["rotate-signing-key", str(institution)])
    second = runner.invoke(cli, ["rotate-signing-key", str(institution)])
    assert "new key" in first.output and "new key" in second.output
    jwks = app.test_client().get(f"/issuers/{institution}/jwks.json").get_json(force=True)
    assert len(jwks["keys"]) == 2  # the retired key stays published
