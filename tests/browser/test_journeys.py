"""Every page type, for every role, in one browser session per role: axe-core finds no
accessibility violation, and on a 390 x 844 phone (spot-checked at 320 px) no page scrolls
sideways.

axe-core comes from npm (node_modules/axe-core). The pages run under the site's strict
Content-Security-Policy, so axe is not added as a script tag: its source is evaluated through
the driver (Chromium's DevTools protocol), which the policy does not govern.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coil import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
  }));
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 3).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''))"""


def pages(role: str, ids: dict[str, Any]) -> list[str]:
    """The page types ``role`` reaches, as paths."""
    ex, space = ids["exchange"], ids["space"]
    staff_and_students = [
        "/",
        f"/exchanges/{ex}",
        f"/rooms/{ids['room']}",
        f"/spaces/{space}",
        f"/spaces/{space}/documents/{ids['document']}",
        f"/sessions/exchange/{ex}",
        f"/sessions/{ids['session']}",
        f"/sessions/exchange/{ex}/findtime",
        "/profile",
    ]
    if role == "anna":
        return [
            *staff_and_students,
            f"/exchanges/{ex}/my-team",
            f"/exchanges/{ex}/profile",
            f"/exchanges/{ex}/journal",
            f"/exchanges/{ex}/assessment",
            f"/exchanges/{ex}/portfolio",
            "/credentials",
        ]
    if role == "lecturer":
        return [
            *staff_and_students,
            "/courses/",
            f"/courses/{ids['course']}",
            "/courses/best",
            f"/courses/{ids['course']}/why/{ids['partner_course']}",
            "/proposals/",
            f"/proposals/{ids['proposal']}",
            f"/exchanges/{ex}/roster",
            f"/exchanges/{ex}/teams",
            f"/exchanges/{ex}/reflections",
            f"/exchanges/{ex}/assessment/overview",
            f"/exchanges/{ex}/engagement",
            f"/exchanges/{ex}/portfolio/{ids['anna']}",
            f"/exchanges/{ex}/badges",
        ]
    if role == "cora":
        return [
            "/",
            "/reports",
            f"/institutions/{ids['institution']}",
            f"/institutions/{ids['institution']}/people",
            f"/institutions/{ids['institution']}/partners",
            "/proposals/",
            f"/exchanges/{ex}/badges",
        ]
    if role == "admin":
        return ["/", "/institutions/", "/institutions/new", "/invitations", "/profile"]
    return ["/login", "/password/forgot", "/verify", f"/badges/c/{ids['award_uid']}"]


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")


def _switch_language(page: Any, locale: str) -> None:
    """Choose the interface language with the footer's form, as a person would."""
    page.select_option("#footer-locale", locale)
    page.locator(".language-switch button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.documentElement.lang") == locale


def _check(page: Any, url: str, axe: str, label: str) -> list[str]:
    """Run axe-core on one page and see that it does not scroll sideways at this width."""
    _visit(page, url)
    page.evaluate(axe)
    found = [f"{label}: axe {v['id']} at {v['targets']}" for v in page.evaluate(RUN_AXE)]
    overflow = page.evaluate(SIDEWAYS)
    if overflow > 0:
        found.append(f"{label}: {overflow}px sideways ({page.evaluate(WIDEST)})")
    return found


def _room_fits_a_phone(page: Any, url: str) -> list[str]:
    """At 390 x 844 the room shows its messages and the whole message box without scrolling."""
    page.set_viewport_size({"width": 390, "height": 844})
    _visit(page, url)
    box = page.locator("#composer-body").bounding_box()
    messages = page.locator("#messages li.message").first.bounding_box()
    if box is None or messages is None or box["y"] + box["height"] > 844:
        return [f"room at 390x844: the message box is below the fold ({box})"]
    return []


def _space_updates_live(context: Any, page: Any, url: str) -> list[str]:
    """A task added in another tab appears on the open space page without a reload."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 900})
    _visit(page, url)
    page.evaluate("() => { window.notReloaded = true; }")
    other = context.new_page()
    _visit(other, url)
    other.fill("#title", "Book the interview room")
    other.locator("form[action$='/tasks'] button[type=submit]").click()
    other.wait_for_load_state("networkidle")
    other.close()
    board = page.locator('[data-space-part="tasks"]')
    expect(board).to_contain_text("Book the interview room")
    expect(page.locator("#space-live")).to_contain_text("tasks were changed")
    return [] if page.evaluate("() => window.notReloaded === true") else ["space page reloaded"]


def _course_cards_apart(page: Any, url: str) -> list[str]:
    """At 1280 px the exchange's course cards sit side by side without overlapping."""
    page.set_viewport_size({"width": 1280, "height": 900})
    _visit(page, url)
    boxes = [card.bounding_box() for card in page.locator(".course-card").all()]
    assert len(boxes) >= 2, "the exchange page shows its two courses"
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            apart_x = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            apart_y = a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            if not (apart_x or apart_y):
                return [f"exchange at 1280px: course cards overlap ({a}, {b})"]
    return []


@pytest.mark.parametrize("role", ["anonymous", "anna", "lecturer", "cora", "admin"])
def test_every_page_is_accessible_and_fits_a_phone(role, chromium, live_server):
    from tests.browser.conftest import CSP_REPORTER, Person

    ids = json.loads((Path(live_server.log).parent / "seed.json").read_text())
    axe = AXE.read_text()
    if role == "anonymous":
        context = chromium.new_context(timezone_id="Europe/Amsterdam")
        context.add_init_script(CSP_REPORTER)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
    else:
        person = Person(chromium, live_server, role, timezone_id="Europe/Amsterdam")
        context, page, errors = person.context, person.page, person.errors
    problems: list[str] = []
    try:
        paths = pages(role, ids)
        for path in paths:
            _visit(page, live_server.url + path)
            page.evaluate(axe)  # through the driver: the page's CSP allows no inline script
            for violation in page.evaluate(RUN_AXE):
                problems.append(f"{path}: axe {violation['id']} at {violation['targets']}")
        for width, height in ((390, 844), (320, 640)):
            page.set_viewport_size({"width": width, "height": height})
            for path in paths if width == 390 else paths[:4]:
                _visit(page, live_server.url + path)
                overflow = page.evaluate(SIDEWAYS)
                if overflow > 0:
                    problems.append(
                        f"{path}: {overflow}px sideways at {width}px ({page.evaluate(WIDEST)})"
                    )
        if role in ("anna", "lecturer"):  # Dutch and Spanish words are longer: spot-check
            page.set_viewport_size({"width": 390, "height": 844})
            for locale in ("nl", "es"):
                _switch_language(page, locale)
                for path in paths[:9]:
                    problems += _check(page, live_server.url + path, axe, f"{path} ({locale})")
            _switch_language(page, "en")
        if role == "anna":
            problems += _space_updates_live(
                context, page, live_server.url + f"/spaces/{ids['space']}"
            )
        if role in ("anna", "lecturer"):
            problems += _room_fits_a_phone(page, live_server.url + f"/rooms/{ids['room']}")
            problems += _course_cards_apart(page, live_server.url + f"/exchanges/{ids['exchange']}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert not errors, errors
