"""The dialogue panel in two real browsers on one live room: a speaking round and a card."""

from __future__ import annotations

import pytest

from tests.browser import conftest as browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The browser suite's fixtures: a ``coil serve`` with Anna, Dewi (one team) and Lena, chromium.
live_server = browser.live_server
chromium = browser.chromium
people = browser.people


def expect(locator):  # imported lazily: without playwright the fixtures skip (or fail) first
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_a_speaking_round_and_a_drawn_card_reach_everyone(people, live_server):
    lena, anna, dewi = people("lecturer", "anna", "dewi")
    # Lena picks two library prompts for the exchange.
    page = lena.page
    page.goto(live_server.url + "/exchanges/")
    page.get_by_role("link", name="Marketing across borders").first.click()
    page.goto(page.url.rstrip("/") + "/prompts/library")
    page.get_by_label("Tell us about a meal that tastes like home to you.").check()
    page.get_by_role("button", name="Add to the deck").click()
    expect(page.locator(".flashes")).to_contain_text("1 card added to the deck.")

    a, d = anna.open_room(), dewi.open_room()
    expect(a.locator("#presence")).to_contain_text("Dewi")
    panel_a, panel_d = a.locator("#dialogue-panel"), d.locator("#dialogue-panel")
    expect(panel_a).to_be_visible()

    panel_a.get_by_label("Time per turn").select_option("60")
    panel_a.get_by_role("button", name="Start a round with the people here").click()
    speaker_a = panel_a.locator('[data-dialogue="speaker"]')
    expect(speaker_a).to_contain_text("Now speaking:")
    expect(panel_d.locator('[data-dialogue="people"] li')).to_have_count(2)
    expect(panel_d.locator('[role="timer"]')).to_contain_text(" left")
    first = speaker_a.inner_text().removeprefix("Now speaking: ")
    speaker_page = a if first == "Anna" else d
    waiting_page = d if speaker_page is a else a
    # Only the speaker has a Pass button; the other waits for the turn.
    expect(waiting_page.get_by_role("button", name="Pass my turn")).to_be_hidden()
    speaker_page.get_by_role("button", name="Pass my turn").click()
    expect(waiting_page.locator('[data-dialogue="status"]')).to_have_text(
        "It is your turn to speak."
    )
    expect(speaker_page.locator('[data-dialogue="people"]')).to_contain_text("passed")
    waiting_page.get_by_role("button", name="Next speaker").click()
    expect(a.locator('[data-dialogue="round-idle"]')).to_be_visible()
    expect(d.locator('[data-dialogue="status"]')).to_have_text("The speaking round is over.")

    panel_d.get_by_role("button", name="Draw a card").click()
    card = "Tell us about a meal that tastes like home to you."
    expect(panel_a.locator('[data-dialogue="card-text"]')).to_have_text(card)
    expect(panel_a.locator('[data-dialogue="card-by"]')).to_have_text("Drawn by Dewi")
