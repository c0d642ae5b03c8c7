"""The dashboard page: the coordinator's own figures, filters, and refusals."""

from __future__ import annotations

from typing import Any

from tests.world import World


def test_coordinator_sees_own_figures(kopi: World, auth: Any, client: Any) -> None:
    auth.login(kopi["cora"].email)
    page = client.get("/reports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Hogeschool Kopi" in html
    assert 'data-chart="bar"' in html and "chart.umd.min.js" in html
    assert "Universitas Kopi" in html  # the partner
    assert "Anna" not in html  # aggregates only, no names


def test_filters_that_cannot_hold_are_refused(kopi: World, auth: Any, client: Any) -> None:
    auth.login(kopi["cora"].email)
    wrong_way = client.get("/reports?date_from=2027-05-01&date_to=2027-02-01")
    assert wrong_way.status_code == 422
    assert "before its start" in wrong_way.get_data(as_text=True)
    foreign = kopi.stranger_course.id if kopi.stranger_course else 0
    foreign_course = client.get(f"/reports?course={foreign}")
    assert foreign_course.status_code == 422
    assert "Choose one of your own courses" in foreign_course.get_data(as_text=True)
    stranger = client.get(f"/reports?exchange={kopi.exchange.id + 999}")
    assert stranger.status_code == 422
    assert "Choose an exchange your courses take part in" in stranger.get_data(as_text=True)
    assert client.get("/reports?country=XX").status_code == 422


def test_students_and_lecturers_are_refused(kopi: World, auth: Any, client: Any) -> None:
    auth.login(kopi["anna"].email)
    assert client.get("/reports").status_code == 403
