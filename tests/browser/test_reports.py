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


def test_an_export_is_made_in_the_server_and_offered(people):
    # coil serve runs the background jobs itself (huey on SQLite): nothing else is started
    (cora,) = people("cora")
    page = cora.page
    page.goto(cora.server.url + "/reports")
    page.select_option("select[name=kind]", "ledger")
    page.select_option("select[name=format]", "csv")
    page.get_by_role("button", name="Start the export").click()
    page.wait_for_url("**/reports/exports")
    # the page listens for the job's progress on the person's live connection
    page.wait_for_function("() => window.coilSocket && window.coilSocket.hasListeners('export')")
    row = page.locator("tr[data-export]").first
    expect(row.get_by_role("link", name="Download")).to_be_visible(timeout=30_000)
    expect(row).to_have_attribute("data-status", "done")
