"""Portfolio: a student's own; every student's for the exchange's lecturers; a coordinator's own
institution's students only; admins and partner coordinators see totals elsewhere, never this."""

from __future__ import annotations

import pytest

from tests.authorization.harness import (
    COORD,
    LECTURER,
    STUDENT,
    allow,
    cells,
    everyone,
    get,
)

ANNA = allow(200, STUDENT, LECTURER, COORD)
DEWI = allow(200, LECTURER)  # of the partner institution: not Cora's, not Anna's
ROWS = [
    # Only students have a portfolio of their own; staff are not enrolled.
    get("/exchanges/{x}/portfolio", allow(302, STUDENT, lecturer=404, coord=404, admin=404)),
    get("/exchanges/{fx}/portfolio", allow(403, admin=404)),
    get("/exchanges/{x}/portfolio/{anna_id}", ANNA),
    get("/exchanges/{x}/portfolio/{anna_id}.pdf", ANNA),
    get("/exchanges/{x}/portfolio/{anna_id}.html", ANNA),
    get("/exchanges/{x}/portfolio/{anna_id}/events", ANNA),
    get("/exchanges/{x}/portfolio/{dewi_id}", DEWI),
    get("/exchanges/{x}/portfolio/{dewi_id}.pdf", DEWI),
    get("/exchanges/{x}/portfolio/{dewi_id}.html", DEWI),
    get("/exchanges/{x}/portfolio/{dewi_id}/events", DEWI),
    # Anna is no student of the foreign exchange: nobody finds her portfolio there.
    get("/exchanges/{fx}/portfolio/{anna_id}", everyone(404)),
    get("/portfolio/my-data", everyone(200)),
    get("/portfolio/my-data.json", everyone(200)),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_portfolio(matrix, row, column):
    matrix.check(row, column)
