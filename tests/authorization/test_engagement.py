"""Engagement: the page and its chart data are for the exchange's staff (lecturers, member
coordinators, admins); students never see them; only lecturers set the inactivity days. No
objects of its own: the exchange ``{x}`` and the foreign one ``{fx}``."""

from __future__ import annotations

import pytest

from tests.authorization.harness import ADMIN, LECTURER, STAFF, allow, cells, get, post

DAYS = {"inactivity_days": "10"}

ROWS = [
    get("/exchanges/{x}/engagement", allow(200, *STAFF)),
    get("/exchanges/{fx}/engagement", allow(200, ADMIN)),
    get("/exchanges/99999999/engagement", allow(404, refused=404)),
    get("/exchanges/{x}/engagement/data.json", allow(200, *STAFF)),
    get("/exchanges/{fx}/engagement/data.json", allow(200, ADMIN)),
    post("/exchanges/{x}/engagement/settings", allow(302, LECTURER), data=DAYS),
    post(
        "/exchanges/{x}/engagement/settings",
        allow(422, LECTURER),
        data={"inactivity_days": "0"},
        note="out of range",
    ),
    post("/exchanges/{fx}/engagement/settings", allow(302), data=DAYS),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_engagement(matrix, row, column):
    matrix.check(row, column)
