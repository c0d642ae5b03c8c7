"""The engagement page in a real browser: Chart.js draws both charts, with no script error."""

from __future__ import annotations

from typing import Any


def test_the_lecturer_sees_both_charts_drawn(people: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    (lena,) = people("lecturer")
    page = lena.page
    page.goto(f"{live_server.url}/exchanges/1/engagement")  # the world's only exchange
    expect(page.locator("h1")).to_have_text("Engagement")
    for chart in ("weekly", "teams"):
        canvas = page.locator(f"[data-engagement-chart={chart}] canvas")
        page.wait_for_function(
            "canvas => window.Chart && window.Chart.getChart(canvas) !== undefined",
            arg=canvas.element_handle(),
        )
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('[data-engagement-chart] canvas')]"
        ".map(c => window.Chart.getChart(c).data.labels.length)"
    )
    assert drawn[0] >= 12 and drawn[1] == 2  # weeks of the exchange; its two teams
    assert lena.errors == []
