"""Journal entries: drafts, submitted versions that never change, one ledger event per
submission (in the submission's transaction), and feedback that notifies the student."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from coil.core.errors import ServiceError
from coil.evidence import kinds
from coil.evidence.models import LedgerEvent
from coil.notifications.models import Notification
from coil.reflections import queries, services
from coil.reflections.models import ReflectionEntry, ReflectionFeedback, ReflectionVersion
from tests.world import TULIPS


def rows(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def ledger(db) -> list[LedgerEvent]:
    query = select(LedgerEvent).where(LedgerEvent.kind == kinds.REFLECTION_SUBMITTED)
    return list(db.session.scalars(query.order_by(LedgerEvent.id)))


def test_a_draft_is_kept_until_it_is_submitted_as_version_one(kopi, prompt, db):
    anna, exchange = kopi["anna"], kopi.exchange
    entry = services.save_draft(anna, exchange, prompt, "First *thoughts*\r\n")
    db.session.commit()
    assert entry.draft == "First *thoughts*" and entry.draft_saved_at is not None
    assert entry.versions == [] and queries.status_of(entry) == queries.Status("draft")
    assert ledger(db) == []  # a draft is not participation evidence yet
    version = services.submit(anna, exchange, prompt, "First *thoughts*, revised")
    db.session.commit()
    assert (version.number, version.body) == (1, "First *thoughts*, revised")
    assert entry.draft is None and entry.draft_saved_at is None
    assert queries.status_of(entry) == queries.Status("submitted", 1)


def test_a_submission_records_one_ledger_event_about_the_version(kopi, prompt, db):
    version = services.submit(kopi["anna"], kopi.exchange, prompt, "My reflection")
    db.session.commit()
    (event,) = ledger(db)
    assert (event.actor_id, event.subject_id, event.exchange_id) == (
        kopi["anna"].id,
        version.id,
        kopi.exchange.id,
    )
    assert event.payload == {
        "prompt_id": prompt.id,
        "dimensions": ["empathy", "curiosity"],
        "version": 1,
    }
    assert event.team_id == kopi.teams[0].id
    assert event.occurred_at == version.submitted_at


def test_rolling_back_a_submission_takes_its_event_with_it(kopi, prompt, db):
    services.submit(kopi["anna"], kopi.exchange, prompt, "My reflection")
    db.session.flush()
    assert len(ledger(db)) == 1
    db.session.rollback()
    assert ledger(db) == []
    assert rows(db, ReflectionVersion) == 0 and rows(db, ReflectionEntry) == 0


def test_editing_after_submitting_makes_a_draft_and_then_version_two(kopi, prompt, db):
    anna, exchange = kopi["anna"], kopi.exchange
    first = services.submit(anna, exchange, prompt, "Version one")
    db.session.commit()
    entry = services.save_draft(anna, exchange, prompt, "Version two")
    db.session.commit()
    assert queries.status_of(entry) == queries.Status("submitted", 1, pending=True)
    assert [v.body for v in entry.versions] == ["Version one"]  # untouched by the draft
    second = services.submit(anna, exchange, prompt, "Version two")
    db.session.commit()
    db.session.expire_all()
    entry = queries.entry_of(prompt, anna)
    assert [(v.number, v.body) for v in entry.versions] == [(1, "Version one"), (2, "Version two")]
    assert first.submitted_at <= second.submitted_at
    assert [e.subject_id for e in ledger(db)] == [first.id, second.id]


def test_saving_the_submitted_text_as_a_draft_leaves_no_draft(kopi, prompt, db):
    anna = kopi["anna"]
    services.submit(anna, kopi.exchange, prompt, "Same")
    entry = services.save_draft(anna, kopi.exchange, prompt, "Same\n")
    assert entry.draft is None


def test_submitting_twice_without_changes_is_refused(kopi, prompt, db):
    anna = kopi["anna"]
    services.submit(anna, kopi.exchange, prompt, "Version one")
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        services.submit(anna, kopi.exchange, prompt, "  Version one\r\n")
    assert refused.value.message == "Nothing changed since version 1."
    assert (refused.value.field, refused.value.code) == ("body", "unchanged")
    db.session.rollback()
    assert rows(db, ReflectionVersion) == 1 and len(ledger(db)) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "empty"),
        (" \n\t ", "empty"),
        ("x" * (services.MAX_BODY + 1), "too_long"),
        (5, "malformed"),
    ],
)
@pytest.mark.parametrize("action", [services.save_draft, services.submit])
def test_an_empty_or_too_long_text_is_refused_and_nothing_stored(
    kopi, prompt, db, body, code, action
):
    with pytest.raises(ServiceError) as refused:
        action(kopi["anna"], kopi.exchange, prompt, body)
    assert (refused.value.field, refused.value.code) == ("body", code)
    db.session.rollback()
    assert rows(db, ReflectionEntry) == 0 and ledger(db) == []


def test_the_longest_text_allowed_is_accepted(kopi, prompt, db):
    version = services.submit(kopi["anna"], kopi.exchange, prompt, "x" * services.MAX_BODY)
    assert len(version.body) == services.MAX_BODY


def test_a_prompt_of_another_exchange_is_refused(kopi, prompt, factory, db):
    tulips = factory.world(TULIPS, outsider=None, strangers=None)
    # Anna of Kopi writes for Kopi's prompt, but through the Tulips exchange
    with pytest.raises(ServiceError) as refused:
        services.submit(kopi["anna"], tulips.exchange, prompt, "Hello")
    assert refused.value.code == "not_found"
    # and a Tulips student cannot write for Kopi's prompt at all
    with pytest.raises(ServiceError) as refused:
        services.save_draft(tulips["anna"], kopi.exchange, prompt, "Hello")
    assert refused.value.code == "forbidden"
    db.session.rollback()
    assert rows(db, ReflectionEntry) == 0


@pytest.mark.parametrize("who", ["lena", "cora", "dirk", "olga"])
def test_only_active_students_of_the_exchange_write(kopi, prompt, db, who):
    with pytest.raises(ServiceError) as refused:
        services.save_draft(kopi[who], kopi.exchange, prompt, "Hello")
    assert refused.value.code == "forbidden"


def test_an_archived_prompt_takes_no_more_entries(kopi, prompt, db):
    services.archive_prompt(kopi["lena"], prompt)
    with pytest.raises(ServiceError) as refused:
        services.submit(kopi["anna"], kopi.exchange, prompt, "Late")
    assert refused.value.code == "archived"


def test_nobody_changes_another_students_entry(kopi, prompt, db):
    entry = services.save_draft(kopi["anna"], kopi.exchange, prompt, "Mine")
    db.session.commit()
    for who in ("dewi", "lena"):
        with pytest.raises(ServiceError) as refused:
            services.set_sharing(kopi[who], entry, shared=True, in_portfolio=True)
        assert refused.value.code == "forbidden"
        with pytest.raises(ServiceError):
            services.discard_draft(kopi[who], entry)
    db.session.rollback()
    assert (entry.shared, entry.in_portfolio, entry.draft) == (False, False, "Mine")


def test_discarding_the_draft_goes_back_to_the_submitted_version(kopi, prompt, db):
    anna = kopi["anna"]
    services.submit(anna, kopi.exchange, prompt, "Submitted")
    entry = services.save_draft(anna, kopi.exchange, prompt, "Changed my mind")
    services.discard_draft(anna, entry)
    db.session.commit()
    assert entry.draft is None and queries.status_of(entry) == queries.Status("submitted", 1)


def test_a_submitted_version_is_never_changed(kopi, prompt, db):
    version = services.submit(kopi["anna"], kopi.exchange, prompt, "As submitted")
    db.session.commit()
    version.body = "Quietly changed"
    with pytest.raises(ValueError, match="never changed"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(Exception, match="never changed"):
        db.session.execute(text("UPDATE reflection_versions SET body = 'Quietly changed'"))
    db.session.rollback()
    assert db.session.scalar(select(ReflectionVersion.body)) == "As submitted"


def test_feedback_on_a_version_notifies_the_student(kopi, prompt, db, outbox):
    anna, lena = kopi["anna"], kopi["lena"]
    version = services.submit(anna, kopi.exchange, prompt, "My reflection")
    db.session.commit()
    feedback = services.give_feedback(lena, version, "Which assumption changed?")
    db.session.commit()
    assert (feedback.version_id, feedback.author_id) == (version.id, lena.id)
    entry = queries.entry_of(prompt, anna)
    assert queries.status_of(entry) == queries.Status("feedback", 1)
    (note,) = db.session.scalars(select(Notification).where(Notification.user_id == anna.id))
    assert note.kind == "reflection_feedback"
    assert note.params == {"lecturer": "Lena", "exchange": kopi.exchange.title, "version": 1}
    assert note.link.endswith(f"/reflections/entries/{entry.id}")
    assert [m.to for m in outbox] == [[anna.email]]
    assert "Lena gave feedback on version 1 of your reflection" in outbox[0].subject


def test_feedback_stays_with_its_version_when_a_new_one_comes(kopi, prompt, db):
    anna = kopi["anna"]
    first = services.submit(anna, kopi.exchange, prompt, "One")
    services.give_feedback(kopi["budi"], first, "Go deeper")
    services.submit(anna, kopi.exchange, prompt, "Two")
    db.session.commit()
    db.session.expire_all()
    entry = queries.entry_of(prompt, anna)
    assert [[f.body for f in v.feedback] for v in entry.versions] == [["Go deeper"], []]
    assert queries.status_of(entry) == queries.Status("submitted", 2)


@pytest.mark.parametrize(
    ("who", "body", "code"),
    [
        ("cora", "Nice", "forbidden"),
        ("anna", "Nice", "forbidden"),
        ("stranger_lecturer", "Nice", "forbidden"),
        ("lena", "   ", "empty"),
        ("lena", "x" * (services.MAX_FEEDBACK + 1), "too_long"),
    ],
)
def test_feedback_by_a_non_lecturer_or_empty_is_refused(kopi, prompt, db, outbox, who, body, code):
    version = services.submit(kopi["anna"], kopi.exchange, prompt, "My reflection")
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        services.give_feedback(kopi[who], version, body)
    assert refused.value.code == code
    db.session.rollback()
    notes = select(Notification).where(Notification.kind == "reflection_feedback")
    assert rows(db, ReflectionFeedback) == 0 and db.session.scalars(notes).all() == []
    assert outbox == []
