"""Assessment: a student's own pages, lecturers' ratings and overview, coordinators' reading.

A student self-assesses, evaluates teammates and reads their own record; the exchange's
lecturers rate, read every record and the peer details, reopen windows and change settings;
coordinators of a member institution read the overview and their own institution's students'
records (Cora reads Anna's, not Dewi's); admins read the overview only. Objects:
tests/authorization/world.py, the assessment block.
"""

from __future__ import annotations

import pytest

from tests.authorization.harness import (
    ADMIN,
    COORD,
    LECTURER,
    STAFF,
    STUDENT,
    allow,
    cells,
    get,
    post,
)

VALUE = ("self_awareness", "worldview", "empathy", "communication", "curiosity", "openness")
CATME = ("contributing", "interacting", "on_track", "quality", "knowledge")
LEVELS = {f"d_{key}": "2" for key in VALUE}
RATING = {**LEVELS, "note": "Good work"}
PEERS = {
    **{f"p_{{dewi_id}}_{key}": "4" for key in CATME},
    **{f"s_{key}": "4" for key in CATME},
}
REOPEN = {"days": "3"}
SETTINGS = {"per_institution": "y"}

ROWS = [
    # a student's own pages
    get("/exchanges/{x}/assessment", allow(200, STUDENT)),
    get("/exchanges/{fx}/assessment", allow(200)),
    get("/exchanges/{x}/assessment/self/pre", allow(200, STUDENT)),
    get("/exchanges/{fx}/assessment/self/pre", allow(200)),
    post("/exchanges/{x}/assessment/self/pre", allow(302, STUDENT), data=LEVELS),
    post("/exchanges/{fx}/assessment/self/post", allow(302), data=LEVELS),
    get("/exchanges/{x}/assessment/peers", allow(200, STUDENT)),
    get("/exchanges/{fx}/assessment/peers", allow(200)),
    post("/exchanges/{x}/assessment/peers", allow(302, STUDENT), data=PEERS),
    post("/exchanges/{fx}/assessment/peers", allow(302), data=PEERS),
    # the overview: aggregates for staff, details inside for lecturers
    get("/exchanges/{x}/assessment/overview", allow(200, *STAFF)),
    get("/exchanges/{fx}/assessment/overview", allow(200, ADMIN)),
    post("/exchanges/{x}/assessment/windows/pre/reopen", allow(302, LECTURER), data=REOPEN),
    post("/exchanges/{fx}/assessment/windows/peers/reopen", allow(302), data=REOPEN),
    post("/exchanges/{x}/assessment/settings", allow(302, LECTURER), data=SETTINGS),
    post("/exchanges/{fx}/assessment/settings", allow(302), data=SETTINGS),
    # one student's record and the rating beside it
    get("/exchanges/{x}/assessment/students/{anna_id}", allow(200, STUDENT, LECTURER, COORD)),
    get("/exchanges/{x}/assessment/students/{dewi_id}", allow(200, LECTURER)),
    get("/exchanges/{fx}/assessment/students/{fanna_id}", allow(200)),
    get("/exchanges/{x}/assessment/students/{lena_id}", allow(404, refused=404)),
    get("/exchanges/99999999/assessment/students/{anna_id}", allow(404, refused=404)),
    post("/exchanges/{x}/assessment/students/{anna_id}/rate", allow(302, LECTURER), data=RATING),
    post("/exchanges/{x}/assessment/students/{dewi_id}/rate", allow(302, LECTURER), data=RATING),
    post("/exchanges/{fx}/assessment/students/{fanna_id}/rate", allow(302), data=RATING),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_assessment(matrix, row, column):
    matrix.check(row, column)
