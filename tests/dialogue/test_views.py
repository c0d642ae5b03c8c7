"""Prompt card pages through the client: who sees and manages the deck, forms, CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coil.dialogue.models import PromptCard
from tests.conftest import csrf_token
from tests.dialogue.conftest import write


@pytest.fixture()
def card(world, db):
    made = write(world, "Show us your view from the window.")
    db.session.commit()
    return made


def as_user(auth, user):
    assert auth.login(user.email).status_code == 302


@pytest.mark.parametrize(
    ("person", "index", "manage"),
    [
        ("lecturer", 200, 200),
        ("partner_lecturer", 200, 200),
        ("coordinator", 200, 403),
        ("member", 403, 403),
        ("outsider", 403, 403),
        ("foreign_lecturer", 403, 403),
    ],
)
def test_who_sees_and_manages_the_deck(world, card, client, auth, person, index, manage):
    as_user(auth, getattr(world, person))
    assert client.get(f"/exchanges/{world.exchange.id}/prompts").status_code == index
    for url in (
        f"/exchanges/{world.exchange.id}/prompts/new",
        f"/exchanges/{world.exchange.id}/prompts/library",
        f"/prompts/{card.id}/edit",
    ):
        assert client.get(url).status_code == manage, url


def test_anonymous_visitors_are_sent_to_log_in(world, card, client):
    for url in (f"/exchanges/{world.exchange.id}/prompts", f"/prompts/{card.id}/edit"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_exchanges_and_cards_are_404(world, client, auth):
    as_user(auth, world.lecturer)
    assert client.get("/exchanges/999999/prompts").status_code == 404
    assert client.get("/prompts/999999/edit").status_code == 404


def test_the_deck_lists_cards_by_kind_with_their_phase(world, card, client, auth):
    as_user(auth, world.coordinator)
    page = client.get(f"/exchanges/{world.exchange.id}/prompts").get_data(as_text=True)
    assert "Show us your view from the window." in page and "Every phase" in page
    assert "Write a card" not in page  # coordinators read along


def test_a_lecturer_writes_a_card(world, db, client, auth):
    as_user(auth, world.lecturer)
    url = f"/exchanges/{world.exchange.id}/prompts/new"
    response = auth.post(url, {"kind": "comparison", "phase": "0", "text": "How do you vote?"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/exchanges/{world.exchange.id}/prompts")
    stored = db.session.scalar(select(PromptCard))
    assert (stored.kind, stored.text, stored.phase_id) == ("comparison", "How do you vote?", None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "comparison", "phase": "0", "text": ""}, "Write the question on the card."),
        ({"kind": "warmup", "phase": "0", "text": "Hi?"}, "Not a valid choice"),
        ({"kind": "comparison", "phase": "77", "text": "Hi?"}, "Not a valid choice"),
        ({"kind": "comparison", "phase": "0", "text": "x" * 501}, "500"),
    ],
)
def test_a_card_form_with_errors_is_shown_again(world, db, client, auth, data, message):
    as_user(auth, world.lecturer)
    response = auth.post(f"/exchanges/{world.exchange.id}/prompts/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(PromptCard)) is None


def test_forms_without_the_csrf_token_are_refused(world, card, db, client, auth):
    as_user(auth, world.lecturer)
    for url, data in (
        (f"/exchanges/{world.exchange.id}/prompts/new", {"kind": "icebreaker", "text": "Hi?"}),
        (f"/prompts/{card.id}/archive", {}),
        (f"/exchanges/{world.exchange.id}/prompts/library", {"starters": "icebreaker-1"}),
    ):
        response = client.post(url, data={**data, "phase": "0", "language": "en"})
        assert response.status_code == 400, url
    db.session.expire_all()
    assert card.archived_at is None
    assert len(db.session.scalars(select(PromptCard)).all()) == 1


def test_a_lecturer_changes_archives_and_restores_a_card(world, card, db, client, auth):
    as_user(auth, world.partner_lecturer)
    edit = f"/prompts/{card.id}/edit"
    assert "Show us your view" in client.get(edit).get_data(as_text=True)
    response = auth.post(edit, {"kind": "reflection", "phase": "0", "text": "What changed?"})
    assert response.status_code == 302
    token = csrf_token(client, f"/exchanges/{world.exchange.id}/prompts")
    assert client.post(f"/prompts/{card.id}/archive", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert (card.kind, card.text) == ("reflection", "What changed?")
    assert card.archived_at is not None
    page = client.get(f"/exchanges/{world.exchange.id}/prompts").get_data(as_text=True)
    assert "Archived cards" in page
    assert client.post(f"/prompts/{card.id}/restore", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert card.archived_at is None


def test_others_cannot_archive_a_card(world, card, db, client, auth):
    as_user(auth, world.coordinator)
    token = csrf_token(client, f"/exchanges/{world.exchange.id}/prompts")
    assert client.post(f"/prompts/{card.id}/archive", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert card.archived_at is None


def test_a_lecturer_picks_from_the_library_in_a_language(world, phases, db, client, auth):
    as_user(auth, world.lecturer)
    url = f"/exchanges/{world.exchange.id}/prompts/library"
    page = client.get(url).get_data(as_text=True)
    assert "Tell us about a meal that tastes like home to you." in page
    data = {"starters": ["icebreaker-6", "reflection-1"], "language": "nl", "phase": phases[0].id}
    response = auth.post(url, data)
    assert response.status_code == 302
    cards = db.session.scalars(select(PromptCard).order_by(PromptCard.id)).all()
    assert [c.text for c in cards] == [
        "Vertel over een gerecht dat voor jou naar thuis smaakt.",
        "Wat begrijp je anders na het gesprek met je team?",
    ]
    assert {c.phase_id for c in cards} == {phases[0].id}
    assert "already in the deck" in client.get(url).get_data(as_text=True)


def test_the_library_form_needs_a_choice(world, db, client, auth):
    as_user(auth, world.lecturer)
    url = f"/exchanges/{world.exchange.id}/prompts/library"
    response = auth.post(url, {"language": "en", "phase": "0"})
    assert response.status_code == 422
    assert "Choose at least one prompt." in response.get_data(as_text=True)
    response = auth.post(url, {"starters": "nope", "language": "en", "phase": "0"})
    assert response.status_code == 422


def test_the_library_is_shown_in_the_ui_language(world, db, client, auth):
    world.lecturer.locale = "nl"
    db.session.commit()
    as_user(auth, world.lecturer)
    page = client.get(f"/exchanges/{world.exchange.id}/prompts/library").get_data(as_text=True)
    assert "Vertel over een gerecht dat voor jou naar thuis smaakt." in page
