"""The portfolio: figures from the ledger (hand-computed here), the exports, every event, own data.

The world is tests/world.py's KOPI: Anna (NL) and Dewi (Jakarta) in team 1, Bram (NL) in team 2,
Lena (NL) and Budi (ID) lecture, Cora coordinates NL.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from coil.evidence import kinds
from coil.evidence.services import record
from coil.portfolio.data import portfolio_of
from coil.portfolio.own_data import OWNER_COLUMNS, is_secret, owned_tables
from coil.portfolio.permissions import enrolment_in
from coil.reflections import services as reflections
from coil.reflections.models import ReflectionEntry
from tests.reflections.conftest import prompt_data

MONDAY = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture()
def kopi(factory, db):
    world = factory.world()
    x, anna, dewi = world.exchange.id, world["anna"], world["dewi"]
    # Anna: 3 messages on two days, one of them answering Dewi (another institution) ...
    record(kinds.MESSAGE, x, anna, subject_id=1, occurred_at=MONDAY)
    record(kinds.MESSAGE, x, anna, subject_id=2, cross=True, occurred_at=MONDAY)
    record(kinds.MESSAGE, x, anna, subject_id=3, occurred_at=MONDAY + timedelta(days=2))
    # ... two sessions: 50 minutes, then 30 minutes corrected by a lecturer to 60 (+30) ...
    record(kinds.SESSION_ATTENDED, x, anna, subject_id=7, value=50, occurred_at=MONDAY)
    record(kinds.SESSION_ATTENDED, x, anna, subject_id=8, value=30, occurred_at=MONDAY)
    record(kinds.SESSION_ATTENDED, x, anna, subject_id=8, value=30, occurred_at=MONDAY)
    # ... and a session she was marked present in by mistake, corrected to nothing.
    record(kinds.SESSION_ATTENDED, x, anna, subject_id=9, value=45, occurred_at=MONDAY)
    record(kinds.SESSION_ATTENDED, x, anna, subject_id=9, value=-45, occurred_at=MONDAY)
    record(kinds.TASK_COMPLETED, x, anna, subject_id=4, occurred_at=MONDAY + timedelta(days=9))
    record(kinds.MESSAGE, x, dewi, subject_id=5, cross=True, occurred_at=MONDAY)  # not Anna's
    db.session.commit()
    return world


def test_the_figures_are_what_the_ledger_recorded(kopi, db):
    anna = kopi["anna"]
    enrolment = enrolment_in(kopi.exchange, anna)
    portfolio = portfolio_of(kopi.exchange, anna, enrolment)
    assert portfolio.messages == 3
    assert portfolio.cross_messages == 1
    assert portfolio.cross_rate == pytest.approx(1 / 3)
    assert portfolio.sessions_attended == 2  # session 9 nets to zero minutes
    assert portfolio.minutes_present == 50 + 60
    assert portfolio.hours_present == 1.8
    assert portfolio.active_days == 3  # 1 March, 3 March, 10 March
    counts = {c.kind: c.count for c in portfolio.contributions}
    assert counts[kinds.MESSAGE] == 3 and counts[kinds.TASK_COMPLETED] == 1
    assert [m.institution for m in portfolio.partners] == ["Universitas Kopi"]


def _reflect(kopi, db, text, *, include):
    prompt = reflections.create_prompt(kopi["lena"], kopi.exchange, prompt_data(texts={"en": text}))
    version = reflections.submit(kopi["anna"], kopi.exchange, prompt, f"My answer to {text}")
    entry = db.session.get(ReflectionEntry, version.entry_id)
    reflections.set_sharing(kopi["anna"], entry, shared=False, in_portfolio=include)
    db.session.commit()


def test_the_page_and_the_exports_say_the_same_and_hold_only_chosen_reflections(
    kopi, client, auth, db
):
    _reflect(kopi, db, "What surprised you?", include=True)
    _reflect(kopi, db, "What annoyed you?", include=False)
    x, anna = kopi.exchange.id, kopi["anna"]
    auth.login(anna.email)
    assert client.get(f"/exchanges/{x}/portfolio").location.endswith(f"/portfolio/{anna.id}")
    page = client.get(f"/exchanges/{x}/portfolio/{anna.id}").get_data(as_text=True)
    html = client.get(f"/exchanges/{x}/portfolio/{anna.id}.html")
    assert html.headers["Content-Disposition"].startswith("attachment;")
    exported = html.get_data(as_text=True)
    pdf = client.get(f"/exchanges/{x}/portfolio/{anna.id}.pdf")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for shown in (page, exported, text):
        assert "Universitas Kopi" in shown
        assert "My answer to What surprised you?" in shown
        assert "My answer to What annoyed you?" not in shown
        assert "1.8" in shown  # synchronous hours
    assert "Marketing across borders" in text and "Anna" in text


def test_the_pdf_follows_the_viewers_language(kopi, client, auth, db):
    lena = kopi["lena"]
    lena.locale = "nl"
    db.session.commit()
    auth.login(lena.email)
    pdf = client.get(f"/exchanges/{kopi.exchange.id}/portfolio/{kopi['anna'].id}.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "1,8" in text and "1.8" not in text  # Dutch decimals
    assert "Deelname, zoals vastgelegd" in text


def test_every_event_is_listed_newest_first_a_page_at_a_time(kopi, client, auth, db, monkeypatch):
    monkeypatch.setattr("coil.portfolio.views.EVENTS_PER_PAGE", 4)
    x, anna = kopi.exchange.id, kopi["anna"]
    auth.login(anna.email)
    first = client.get(f"/exchanges/{x}/portfolio/{anna.id}/events").get_data(as_text=True)
    assert "9 events recorded." in first
    assert "Page 1 of 3" in first
    assert first.index("Task completed") < first.index("Message posted")  # 10 March first
    last = client.get(f"/exchanges/{x}/portfolio/{anna.id}/events?page=3")
    assert last.status_code == 200 and "Page 3 of 3" in last.get_data(as_text=True)
    assert client.get(f"/exchanges/{x}/portfolio/{anna.id}/events?page=4").status_code == 404


def test_own_data_holds_what_is_mine_and_no_secret(kopi, client, auth, db):
    _reflect(kopi, db, "What surprised you?", include=False)
    anna = kopi["anna"]
    auth.login(anna.email)
    response = client.get("/portfolio/my-data.json")
    assert response.headers["Content-Disposition"] == 'attachment; filename="coil-my-data.json"'
    data = json.loads(response.data)
    tables = data["tables"]
    assert tables["users"][0]["email"] == anna.email
    assert "password_hash" not in tables["users"][0]
    assert anna.password_hash not in response.get_data(as_text=True)
    events = tables["ledger_events"]
    assert len(events) == 10  # nine in the fixture, one for the reflection
    assert {e["actor_id"] for e in events} == {anna.id}
    assert tables["reflection_entries"][0]["author_id"] == anna.id
    assert "My answer to What surprised you?" in response.get_data(as_text=True)
    assert {e["user_id"] for e in tables["enrolments"]} == {anna.id}


def test_every_column_that_names_a_person_is_decided_for_the_download():
    """A new table that points at users must say whether its rows are the person's own: add its
    column to OWNER_COLUMNS, or here, with the reason it is not theirs."""
    not_owned = {
        "assignee_id",  # a task someone else created and gave them: the creator's row
        "ratee_id",  # who was rated by a peer: the rating is the rater's, anonymous to them
        "reopened_by_id",  # the lecturer who reopened an assessment window
        "awarded_by_id",  # the lecturer who awarded a badge by hand (the award is the student's)
        "revoked_by_id",
        "updated_by_id",  # the last editor of a shared agreement point
        "recorded_by_id",  # the lecturer who took attendance (the student's row is user_id)
        "responded_by_id",  # the partner lecturer who answered a proposal: the proposer's row
        "removed_by_id",  # the moderator of a removed message
        "invited_by_id",
        "decided_by_id",
        "reviewed_by_id",
        "marked_by_id",
        "lecturer_id",
        "coordinator_id",
    }
    from coil.extensions import Base

    undecided = set()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            points_at_users = any(fk.column.table.name == "users" for fk in column.foreign_keys)
            if points_at_users and column.name not in OWNER_COLUMNS | not_owned:
                undecided.add(f"{table.name}.{column.name}")
    assert not undecided
    assert {o.table.name for o in owned_tables()} >= {"messages", "ledger_events", "enrolments"}
    assert is_secret("password_hash") and is_secret("token_digest") and not is_secret("body")


def test_the_rubric_change_is_shown_on_the_page_and_in_the_pdf(kopi, client, auth, db):
    from coil.assessment.models import SelfAssessment
    from coil.rubrics.services import rubric_of

    anna, x = kopi["anna"], kopi.exchange
    first = rubric_of(x).dimensions[0]
    db.session.add(
        SelfAssessment(exchange_id=x.id, student_id=anna.id, stage="pre", levels={first.key: 1})
    )
    db.session.add(
        SelfAssessment(exchange_id=x.id, student_id=anna.id, stage="post", levels={first.key: 3})
    )
    db.session.commit()
    auth.login(anna.email)
    page = client.get(f"/exchanges/{x.id}/portfolio/{anna.id}").get_data(as_text=True)
    row = page[page.index(first.name["en"]) :].split("</tr>")[0]
    assert ">1<" in row and ">3<" in row and ">+2<" in row
    pdf = client.get(f"/exchanges/{x.id}/portfolio/{anna.id}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Intercultural competence, assessed" in text and "+2" in text
    assert "Shown once at least two teammates" in text  # one evaluation or none: no aggregate
