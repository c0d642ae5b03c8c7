"""Reflection pages through the client (CSRF on): lecturers' prompts and entries, a student's
journal and editor, feedback, sharing; times in each viewer's zone."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from coil.reflections import queries, services
from coil.reflections.models import ReflectionEntry, ReflectionPrompt, ReflectionVersion

FORM = {
    "phase": "1",
    "text_en": "Which habit of yours did your partners notice?",
    "text_nl": "",
    "text_es": "",
    "dimensions": ["self_awareness", "curiosity"],
    "due_day": "2027-03-12",
    "due_time": "09:30",
    "timezone": "Asia/Jakarta",
}


def login(auth, user):
    assert auth.login(user.email).status_code == 302


def page(response) -> str:
    return response.get_data(as_text=True)


def write_url(kopi, prompt) -> str:
    return f"/exchanges/{kopi.exchange.id}/journal/{prompt.id}"


def test_a_lecturer_writes_a_prompt_through_the_form(kopi, client, auth, db):
    login(auth, kopi["lena"])
    url = f"/exchanges/{kopi.exchange.id}/reflections/new"
    form = page(client.get(url))
    assert 'value="Europe/Amsterdam"' in form  # her own zone, to start with
    response = auth.post(url, FORM)
    assert response.status_code == 302
    (made,) = db.session.scalars(select(ReflectionPrompt)).all()
    assert made.due_at.isoformat() == "2027-03-12T02:30:00+00:00"
    listing = page(client.get(response.headers["Location"]))
    assert "Which habit of yours did your partners notice?" in listing
    assert "Cultural self-awareness" in listing and "Curiosity" in listing


def test_a_prompt_without_text_or_dimension_comes_back_with_messages(kopi, client, auth, db):
    login(auth, kopi["lena"])
    url = f"/exchanges/{kopi.exchange.id}/reflections/new"
    response = auth.post(url, {**FORM, "text_en": " "})
    assert response.status_code == 422
    assert "Write the prompt in at least one language." in page(response)
    response = auth.post(url, {**FORM, "dimensions": []})
    assert response.status_code == 422
    assert "Choose at least one dimension the prompt asks about." in page(response)
    assert db.session.scalar(select(func.count()).select_from(ReflectionPrompt)) == 0


def test_editing_a_prompt_shows_its_wall_clock_time(kopi, prompt, client, auth):
    login(auth, kopi["budi"])  # lives in Jakarta, but the prompt was set in Amsterdam time
    form = page(client.get(f"/reflections/prompts/{prompt.id}/edit"))
    assert 'value="2027-03-05"' in form and 'value="17:00"' in form
    assert 'value="Europe/Amsterdam"' in form


def test_picking_starters_through_the_form(kopi, client, auth, db):
    login(auth, kopi["lena"])
    url = f"/exchanges/{kopi.exchange.id}/reflections/starters"
    assert "Describe a situation from the exchange" in page(client.get(url))
    response = auth.post(url, {"starters": ["comparison-2", "collaboration-1"]})
    assert response.status_code == 302
    assert queries.picked_starters(kopi.exchange) == {"comparison-2", "collaboration-1"}
    again = page(client.get(url))
    assert re.search(r'value="comparison-2" disabled checked', again)
    assert auth.post(url, {}).status_code == 422


def test_a_form_without_its_csrf_token_is_refused(kopi, prompt, client, auth, db):
    login(auth, kopi["anna"])
    response = client.post(write_url(kopi, prompt), data={"body": "Hi", "action": "submit"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ReflectionEntry)) == 0


def test_each_student_sees_the_due_moment_in_their_own_zone(kopi, prompt, client, auth):
    login(auth, kopi["anna"])
    journal = page(client.get(f"/exchanges/{kopi.exchange.id}/journal"))
    assert "What surprised you?" in journal and "Not started" in journal
    assert re.search(r"3/5/27, 5:00\sPM", journal)
    auth.logout()
    login(auth, kopi["dewi"])
    journal = page(client.get(f"/exchanges/{kopi.exchange.id}/journal"))
    assert re.search(r"3/5/27, 11:00\sPM", journal) and not re.search(r"5:00\sPM", journal)


def test_a_student_saves_previews_and_submits(kopi, prompt, client, auth, db):
    login(auth, kopi["anna"])
    url = write_url(kopi, prompt)
    preview = auth.post(url, {"body": "**Bold** <script>alert(1)</script>", "action": "preview"})
    assert preview.status_code == 200
    html = page(preview)
    assert "<strong>Bold</strong>" in html and "<script>alert(1)</script>" not in html
    assert db.session.scalar(select(func.count()).select_from(ReflectionEntry)) == 0
    saved = auth.post(url, {"body": "My first thoughts", "action": "save"})
    assert saved.status_code == 302
    editor = page(client.get(url))
    assert "My first thoughts</textarea>" in editor and "Draft" in editor
    submitted = auth.post(url, {"body": "My first thoughts", "action": "submit"})
    assert submitted.status_code == 302
    editor = page(client.get(url))
    assert "Version 1 is submitted." in editor and "Submitted: version 1" in editor
    again = auth.post(url, {"body": "My first thoughts", "action": "submit"})
    assert again.status_code == 422
    assert "Nothing changed since version 1." in page(again)
    assert db.session.scalar(select(func.count()).select_from(ReflectionVersion)) == 1


def test_an_empty_entry_is_refused_on_its_field(kopi, prompt, client, auth, db):
    login(auth, kopi["anna"])
    response = auth.post(write_url(kopi, prompt), {"body": "  ", "action": "submit"})
    assert response.status_code == 422
    assert 'id="body-error"' in page(response)
    assert db.session.scalar(select(func.count()).select_from(ReflectionEntry)) == 0


def test_feedback_is_given_on_a_version_and_shown_beside_it(kopi, prompt, client, auth, db):
    version = services.submit(kopi["anna"], kopi.exchange, prompt, "What I learned")
    db.session.commit()
    entry_url = f"/reflections/entries/{version.entry_id}"
    login(auth, kopi["lena"])
    entries = page(client.get(f"/reflections/prompts/{prompt.id}/entries"))
    assert "Submitted: version 1" in entries and "Not started" in entries
    feedback_url = f"/reflections/versions/{version.id}/feedback"
    assert auth.post(feedback_url, {"body": ""}, form_url=entry_url).status_code == 422
    response = auth.post(feedback_url, {"body": "Say *why* it surprised you."}, form_url=entry_url)
    assert response.status_code == 302
    assert "Feedback given on version 1" in page(
        client.get(f"/reflections/prompts/{prompt.id}/entries")
    )
    auth.logout()
    login(auth, kopi["anna"])
    editor = page(client.get(write_url(kopi, prompt)))
    assert "Say <em>why</em> it surprised you." in editor


def test_sharing_lets_a_teammate_read_the_submitted_text_only(kopi, prompt, client, auth, db):
    anna = kopi["anna"]
    version = services.submit(anna, kopi.exchange, prompt, "Shared thoughts")
    services.give_feedback(kopi["lena"], version, "Private feedback")
    services.save_draft(anna, kopi.exchange, prompt, "Unsubmitted changes")
    db.session.commit()
    entry_url = f"/reflections/entries/{version.entry_id}"
    login(auth, kopi["dewi"])
    assert client.get(entry_url).status_code == 403
    auth.logout()
    login(auth, anna)
    response = auth.post(
        f"/reflections/entries/{version.entry_id}/sharing",
        {"shared": "y"},
        form_url=write_url(kopi, prompt),
    )
    assert response.status_code == 302
    auth.logout()
    login(auth, kopi["dewi"])
    journal = page(client.get(f"/exchanges/{kopi.exchange.id}/journal"))
    assert "Shared by your team" in journal and entry_url in journal
    shared = page(client.get(entry_url))
    assert "Shared thoughts" in shared
    assert "Private feedback" not in shared and "Unsubmitted changes" not in shared


def test_a_coordinator_sees_counts_and_only_their_students_entries(kopi, prompt, client, auth, db):
    services.submit(kopi["anna"], kopi.exchange, prompt, "Anna's")
    services.submit(kopi["dewi"], kopi.exchange, prompt, "Dewi's")
    db.session.commit()
    login(auth, kopi["cora"])
    listing = page(client.get(f"/exchanges/{kopi.exchange.id}/reflections"))
    assert re.search(r"<td>2</td>", listing)  # both submissions count
    entries = page(client.get(f"/reflections/prompts/{prompt.id}/entries"))
    assert "Anna" in entries and "Dewi" not in entries


def test_the_exchange_menu_links_the_journal_and_the_prompts(kopi, client, auth):
    login(auth, kopi["anna"])
    overview = page(client.get(f"/exchanges/{kopi.exchange.id}"))
    assert f"/exchanges/{kopi.exchange.id}/journal" in overview
    auth.logout()
    login(auth, kopi["lena"])
    overview = page(client.get(f"/exchanges/{kopi.exchange.id}"))
    assert f"/exchanges/{kopi.exchange.id}/reflections" in overview
