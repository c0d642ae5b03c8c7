"""Hardening: "sign out everywhere" is for every signed-in person, about their own sessions.

It changes the session (the person is logged out), so each cell gets a client of its own.
"""

from __future__ import annotations

import pytest

from tests.authorization.harness import cells, everyone, post

ROWS = [
    post("/profile/sessions/end", everyone(302), fresh=True),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_hardening(matrix, row, column):
    matrix.check(row, column)
