"""Two people in one live room, in two real browsers: chat, react, presence, typing, offline."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def expect(locator):  # imported lazily: without playwright the fixtures skip (or fail) first
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_two_people_chat_react_reply_and_see_each_other(people):
    anna, dewi = people("anna", "dewi")
    a, d = anna.open_room(), dewi.open_room()
    expect(a.locator("#presence")).to_contain_text("Dewi")
    expect(d.locator("#presence")).to_contain_text("Anna")

    d.locator("#composer-body").press_sequentially("Selamat pagi, tim!", delay=40)
    expect(a.locator("#typing")).to_have_text("Dewi is typing…")
    d.locator("#composer-body").press("Enter")
    expect(a.locator("#messages li.message").last).to_contain_text("Selamat pagi, tim!")
    expect(a.locator("#typing")).to_have_text("")
    expect(d.locator("#composer-body")).to_have_value("")

    anna.send("Good morning! **Ready** for the interviews?")
    from_anna = d.locator("#messages li.message").last
    expect(from_anna.locator(".message-author")).to_have_text("Anna")
    expect(from_anna.locator(".message-body strong")).to_have_text("Ready")

    # Dewi reacts with the keyboard only: the React button opens the emoji choice.
    from_anna.get_by_role("button", name=re.compile(r"^React")).focus()
    d.keyboard.press("Enter")
    from_anna.get_by_role("button", name="thumbs up", exact=True).press("Enter")
    seen_by_anna = a.locator("#messages li.message").last.locator(".reaction")
    expect(seen_by_anna).to_have_attribute("aria-label", re.compile(r"thumbs up: 1$"))
    expect(from_anna.locator(".reaction")).to_have_attribute("aria-pressed", "true")
    from_anna.locator(".reaction").click()  # and takes it back
    expect(seen_by_anna).to_have_count(0)

    # Anna replies to Dewi's first message; Dewi sees the quote.
    greeting = a.locator("#messages li.message", has_text="Selamat pagi, tim!").last
    greeting.hover()
    greeting.get_by_role("button", name=re.compile(r"^Reply")).click()
    expect(a.locator("#reply-preview")).to_contain_text("Replying to Dewi:")
    anna.send("Pagi! Yes, let's start at ten.")
    reply = d.locator("#messages li.message").last
    expect(reply.locator(".reply-quote")).to_contain_text("In reply to Dewi: Selamat pagi, tim!")

    dewi.close()
    expect(a.locator("#presence")).not_to_contain_text("Dewi")


def test_nothing_is_lost_or_doubled_when_one_side_goes_offline(people):
    anna, dewi = people("anna", "dewi")
    a, d = anna.open_room(), dewi.open_room()

    dewi.context.set_offline(True)
    expect(d.locator("#connection-text")).to_have_text("Reconnecting…")
    for n in (1, 2, 3):
        anna.send(f"While you were away {n}")
    expect(a.locator("#messages li.message", has_text="While you were away 3")).to_have_count(1)
    expect(a.locator("#outbox li")).to_have_count(0)

    dewi.send("Written offline")
    pending = d.locator("#outbox li")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("sending…")
    expect(pending).to_contain_text("Written offline")

    dewi.context.set_offline(False)
    expect(d.locator("#connection-text")).to_have_text("Reconnected", timeout=20_000)
    expect(d.locator("#outbox li")).to_have_count(0)
    expect(a.locator("#messages li.message", has_text="Written offline")).to_have_count(1)
    expect(d.locator("#messages li.message", has_text="Written offline")).to_have_count(1)

    wanted = [f"While you were away {n}" for n in (1, 2, 3)] + ["Written offline"]
    for person in (anna, dewi):
        bodies = person.bodies()
        assert bodies[-4:] == wanted, (person.name, bodies)
        assert all(bodies.count(text) == 1 for text in wanted), (person.name, bodies)
    assert anna.bodies() == dewi.bodies()

    d.reload()  # what the server stored is what both saw
    expect(d.locator("#connection-text")).to_have_text("Connected")
    assert dewi.bodies() == anna.bodies()
