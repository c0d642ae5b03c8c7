"""Evidence: what an exchange records (every member and its staff may read it; only its
students acknowledge it)."""

from __future__ import annotations

import pytest

from tests.authorization.harness import ADMIN, STAFF, STUDENT, allow, cells, get, post

ROWS = [
    get("/exchanges/{x}/evidence/recorded", allow(200, STUDENT, *STAFF)),
    get("/exchanges/{fx}/evidence/recorded", allow(200, ADMIN)),
    # Anyone who may see the exchange is sent back to it; only a student's visit is remembered.
    post("/exchanges/{x}/evidence/notice", allow(302, STUDENT, *STAFF)),
    post("/exchanges/{fx}/evidence/notice", allow(302, ADMIN), unchanged=True),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_evidence(matrix, row, column):
    matrix.check(row, column)
