"""The coordinators' dashboard in a real browser: every figure table gets its chart."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def expect(locator):  # imported lazily: without playwright the fixtures skip (or fail) first
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_dashboard_draws_a_chart_above_each_table(people):
    (cora,) = people("cora")
    page = cora.page
    page.goto(cora.server.url + "/reports")
    tables = page.locator("table[data-chart]")
    expect(tables.first).to_be_visible()
    with_rows = page.locator("table[data-chart]:not(:has(td[colspan]))")
    expect(page.locator(".report-chart canvas")).to_have_count(with_rows.count())
    assert with_rows.count() >= 3  # statuses, partner countries, students by country at least
    expect(page.locator(".report-chart canvas").first).to_have_attribute("aria-hidden", "true")
