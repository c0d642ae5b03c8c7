"""Two people in one live room, in two real browsers: chat, react, presence, typing, offline."""

from __future__ import annotations

import json
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


# Installed before the page's scripts run: records the client id of every "send" the page
# emits (socket.io-client's onAnyOutgoing), however early the outbox sends.
RECORD_SENDS = """
(() => {
  window.coilSent = [];
  let socket;
  Object.defineProperty(window, "coilSocket", {
    configurable: true,
    get() { return socket; },
    set(value) {
      socket = value;
      value.onAnyOutgoing((event, payload) => {
        if (event === "send") { window.coilSent.push(payload.client_id); }
      });
    },
  });
})();
"""


def room_config(page):
    return json.loads(page.locator("#room-config").text_content())


def test_an_over_long_message_is_refused_before_it_enters_the_outbox(people):
    (anna,) = people("anna")
    anna.page.add_init_script(RECORD_SENDS)
    a = anna.open_room()
    config = room_config(a)
    limit = config["maxChars"]
    box = a.locator("#composer-body")
    expect(box).to_have_attribute("maxlength", str(limit))

    # maxlength stops typing and pasting; a script or an extension can still put more in.
    too_long = "x" * (limit + 1)
    box.evaluate("(el, text) => { el.value = text; }", too_long)
    box.press("Enter")
    expect(a.locator("#composer-status")).to_have_text(
        f"Messages can be at most {limit} characters."
    )
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_value(too_long)  # kept, to be shortened
    expect(a.locator("#outbox li")).to_have_count(0)
    assert a.evaluate("window.coilSent") == []
    assert a.evaluate("Object.keys(localStorage).filter(k => k.startsWith('coil.outbox.'))") == []

    # An over-long entry left in the stored outbox (an older page wrote it) is shown as not
    # sent after a reload, with no "Try again", and never sent.
    key = f"coil.outbox.{config['me']['id']}.{config['room']}"
    entry = {"client_id": "old-draft-1", "body": too_long, "reply_to": None, "created": 1}
    a.evaluate("([key, entry]) => localStorage.setItem(key, JSON.stringify([entry]))", [key, entry])
    a.reload()
    expect(a.locator("#connection-text")).to_have_text("Connected")
    stale = a.locator("#pending-old-draft-1")
    expect(stale).to_contain_text(f"Not sent: Messages can be at most {limit} characters.")
    expect(stale.get_by_role("button", name="Try again")).to_have_count(0)
    assert a.evaluate("window.coilSent") == []
    stale.get_by_role("button", name="Discard").click()
    expect(a.locator("#outbox li")).to_have_count(0)
    assert a.evaluate("key => localStorage.getItem(key)", key) is None

    # The limit counts characters of the trimmed text, as the server does: an emoji is two
    # UTF-16 units in JavaScript but one character, and trailing spaces do not count.
    just_fits = "🙂" * limit
    box.evaluate("(el, text) => { el.value = text; }", just_fits + "  ")
    box.press("Enter")
    expect(a.locator("#messages li.message").last.locator(".message-body")).to_have_text(just_fits)
    assert len(a.evaluate("window.coilSent")) == 1


def test_a_message_the_server_refuses_for_good_is_not_sent_again(people):
    (anna,) = people("anna")
    page = anna.page
    page.add_init_script(RECORD_SENDS)

    # This page believes the limit is higher than the server's, so the server is the one to
    # refuse (too_long): the outbox must show the refusal and stop, not retry.
    def raise_limit(route):
        response = route.fetch()
        body, found = re.subn(r'"maxChars": \d+', '"maxChars": 1000000', response.text())
        assert found == 1
        route.fulfill(response=response, body=body)

    page.route(f"**/rooms/{anna.server.room_id}", raise_limit)
    a = anna.open_room()
    limit = 4000  # the server's default COIL_CHAT_MAX_CHARS
    a.locator("#composer-body").evaluate("el => { el.value = 'z'.repeat(4001); }")
    a.locator("#composer-body").press("Enter")
    failed = a.locator("#outbox li")
    expect(failed).to_contain_text(f"Not sent: Messages can be at most {limit} characters.")
    expect(failed).to_have_class(re.compile(r"\bfailed\b"))
    expect(failed.get_by_role("button", name="Try again")).to_have_count(0)
    a.wait_for_timeout(3500)  # retryable errors are sent again after 1 s, then 2 s
    assert len(a.evaluate("window.coilSent")) == 1
    expect(failed).to_have_count(1)

    failed.get_by_role("button", name="Discard").click()  # hands the text back to shorten
    expect(a.locator("#outbox li")).to_have_count(0)
    expect(a.locator("#composer-body")).to_have_value("z" * 4001)


def test_a_messages_actions_are_one_tab_stop_with_arrow_keys_inside(people):
    (anna,) = people("anna")
    a = anna.open_room()
    anna.send("Keyboard only, please")
    sent = a.locator("#messages li.message", has_text="Keyboard only, please")
    expect(sent).to_have_count(1)
    mine = a.locator("#" + sent.get_attribute("id"))  # found again after being re-rendered
    toolbar = mine.get_by_role("toolbar", name=re.compile(r"^Actions — Anna, "))
    expect(toolbar).to_have_count(1)
    button = {
        name: toolbar.get_by_role("button", name=name, exact=True)
        for name in ("Reply", "React", "Edit", "Delete")
    }
    expect(toolbar.get_by_role("button")).to_have_count(4)
    # One tab stop per toolbar, on every message of the list.
    toolbars = a.locator('#messages [role="toolbar"]')
    expect(a.locator('#messages [role="toolbar"] button[tabindex="0"]')).to_have_count(
        toolbars.count()
    )

    mine.focus()
    a.keyboard.press("Tab")
    expect(button["Reply"]).to_be_focused()
    for key, name in [
        ("ArrowRight", "React"),
        ("ArrowRight", "Edit"),
        ("ArrowRight", "Delete"),
        ("ArrowRight", "Reply"),  # wraps around
        ("ArrowLeft", "Delete"),
        ("Home", "Reply"),
        ("End", "Delete"),
    ]:
        a.keyboard.press(key)
        expect(button[name]).to_be_focused()
        expect(toolbar.locator('button[tabindex="0"]')).to_have_count(1)
        expect(button[name]).to_have_attribute("tabindex", "0")

    # Tab leaves the toolbar in one step; Shift+Tab comes back to where one was.
    a.keyboard.press("Tab")
    assert toolbar.evaluate("t => !t.contains(document.activeElement)")
    a.keyboard.press("Shift+Tab")
    expect(button["Delete"]).to_be_focused()

    # The buttons still work from the keyboard: edit, then Escape back to the Edit button.
    a.keyboard.press("ArrowLeft")
    a.keyboard.press("Enter")
    expect(mine.get_by_role("textbox", name="Edit your message")).to_be_focused()
    a.keyboard.press("Escape")
    expect(button["Edit"]).to_be_focused()
    expect(button["Edit"]).to_have_attribute("tabindex", "0")


def test_the_new_messages_marker_keeps_the_list_a_list_of_messages(people):
    (dewi,) = people("dewi")
    d = dewi.open_room()
    for text in ("Unread one", "Unread two"):
        dewi.send(text)
    expect(d.locator("#messages li.message", has_text="Unread two")).to_have_count(1)

    (anna,) = people("anna")
    a = anna.open_room()
    marker = a.locator("#messages .new-divider")
    expect(marker).to_have_count(1)
    expect(marker).to_have_text("New messages")
    expect(a.locator("#messages > li.message .new-divider")).to_have_count(1)
    expect(a.locator("#messages > :not(li.message)")).to_have_count(0)
    expect(a.locator('#messages [role="separator"]')).to_have_count(0)
