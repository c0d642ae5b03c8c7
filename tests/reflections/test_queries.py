"""What other domains read: what is asked of a student (``reflections_due``), a student's
reflections beside a lecturer's rating, and the entries marked for the portfolio."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coil.reflections import queries, services
from coil.reflections.views.journal import reflections_due
from tests.reflections.conftest import DUE_UTC, prompt_data

# The prompt's comparison phase starts on 23 February 2027 (the default phases of Feb 1 - Apr 30).
BEFORE = datetime(2027, 2, 10, 12, 0, tzinfo=UTC)  # icebreaker phase, prompt due in 3 weeks
PHASE_BEGUN = datetime(2027, 2, 23, 9, 0, tzinfo=UTC)  # due in 10 days
WEEK_BEFORE = DUE_UTC - timedelta(days=6)
REFLECTION = 3  # the last phase, from April


def keys(due: list[queries.Due]) -> list[tuple[int, bool, bool]]:
    return [(d.prompt.id, d.has_draft, d.overdue) for d in due]


def test_a_prompt_is_due_once_its_phase_begins_or_its_date_is_near(kopi, prompt, db):
    anna = kopi["anna"]
    # the same due moment, in a phase that begins only in April
    early = services.create_prompt(kopi["lena"], kopi.exchange, prompt_data(phase=REFLECTION))
    db.session.commit()
    assert prompt.phase.start_date.isoformat() == "2027-02-23"
    assert early.phase.start_date > WEEK_BEFORE.date()
    assert queries.due_for(anna, BEFORE) == []
    assert keys(queries.due_for(anna, PHASE_BEGUN)) == [(prompt.id, False, False)]
    assert keys(queries.due_for(anna, WEEK_BEFORE)) == [
        (prompt.id, False, False),
        (early.id, False, False),
    ]
    after = DUE_UTC + timedelta(hours=1)
    assert keys(queries.due_for(anna, after)) == [(prompt.id, False, True), (early.id, False, True)]


def test_drafts_count_as_not_submitted_and_submissions_end_the_ask(kopi, prompt, db):
    anna = kopi["anna"]
    services.save_draft(anna, kopi.exchange, prompt, "Working on it")
    db.session.commit()
    assert keys(queries.due_for(anna, WEEK_BEFORE)) == [(prompt.id, True, False)]
    services.submit(anna, kopi.exchange, prompt, "Done")
    db.session.commit()
    assert queries.due_for(anna, WEEK_BEFORE) == []
    # Dewi has not submitted: still asked of her
    assert keys(queries.due_for(kopi["dewi"], WEEK_BEFORE)) == [(prompt.id, False, False)]


def test_archived_prompts_finished_exchanges_and_other_people_ask_nothing(kopi, prompt, db):
    assert queries.due_for(kopi["dirk"], WEEK_BEFORE) == []  # dropped out
    assert queries.due_for(kopi["olga"], WEEK_BEFORE) == []  # not enrolled
    kopi.exchange.status = "finished"
    db.session.commit()
    assert queries.due_for(kopi["anna"], WEEK_BEFORE) == []
    kopi.exchange.status = "running"
    services.archive_prompt(kopi["lena"], prompt)
    db.session.commit()
    assert queries.due_for(kopi["anna"], WEEK_BEFORE) == []


def test_soonest_due_comes_first(kopi, prompt, db):
    earlier = services.create_prompt(
        kopi["lena"], kopi.exchange, prompt_data(due_day=DUE_UTC.date() - timedelta(days=1))
    )
    db.session.commit()
    assert [d.prompt for d in queries.due_for(kopi["anna"], WEEK_BEFORE)] == [earlier, prompt]


def test_the_template_global_answers_for_students_only(kopi, prompt, app, monkeypatch):
    monkeypatch.setattr("coil.reflections.queries.utcnow", lambda: WEEK_BEFORE)
    with app.test_request_context():
        assert [d.prompt for d in reflections_due(kopi["anna"])] == [prompt]
        assert reflections_due(kopi["lena"]) == []
        assert reflections_due(kopi["cora"]) == []


def test_a_lecturer_reads_a_students_submitted_reflections_beside_a_rating(kopi, prompt, db):
    anna, lena = kopi["anna"], kopi["lena"]
    other = services.create_prompt(lena, kopi.exchange, prompt_data(texts={"en": "Draft only"}))
    services.submit(anna, kopi.exchange, prompt, "Submitted")
    services.save_draft(anna, kopi.exchange, other, "Never submitted")
    db.session.commit()
    (entry,) = queries.student_reflections(lena, kopi.exchange, anna)
    assert entry.prompt == prompt and [v.body for v in entry.versions] == ["Submitted"]
    assert queries.student_reflections(kopi["cora"], kopi.exchange, anna) == [entry]
    # Citra coordinates the partner institution: Anna's entries are not hers to read.
    assert queries.student_reflections(kopi["citra"], kopi.exchange, anna) == []


def test_the_portfolio_lists_submitted_entries_marked_for_it(kopi, prompt, db):
    anna, lena = kopi["anna"], kopi["lena"]
    other = services.create_prompt(lena, kopi.exchange, prompt_data(texts={"en": "Second"}))
    marked = services.save_draft(anna, kopi.exchange, other, "Draft only")
    services.set_sharing(anna, marked, shared=False, in_portfolio=True)
    services.submit(anna, kopi.exchange, prompt, "For my portfolio")
    entry = queries.entry_of(prompt, anna)
    services.set_sharing(anna, entry, shared=False, in_portfolio=True)
    db.session.commit()
    assert queries.portfolio_entries(anna) == [entry]  # the draft-only one is left out
    assert queries.portfolio_entries(anna, kopi.exchange)[0].latest.body == "For my portfolio"
    assert queries.portfolio_entries(kopi["dewi"]) == []
