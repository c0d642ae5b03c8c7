"""Dialogue pages: an exchange's prompt cards and the starter library.

The exchange's lecturers write, pick, archive and restore cards; its coordinators (and admins)
read the list; students never see it (they meet cards one at a time in a room). The live
dialogue events are in test_sockets.py.
"""

from __future__ import annotations

import pytest

from coil.dialogue.library import STARTERS
from tests.authorization.harness import ADMIN, LECTURER, STAFF, allow, cells, get, post

CARD = {"kind": "icebreaker", "phase": "0", "text": "What did you eat today?"}
PICK = {"starters": STARTERS[0].key, "language": "en", "phase": "0"}

ROWS = [
    get("/exchanges/{x}/prompts", allow(200, *STAFF)),
    get("/exchanges/{fx}/prompts", allow(200, ADMIN)),
    get("/exchanges/{x}/prompts/new", allow(200, LECTURER)),
    get("/exchanges/{fx}/prompts/new", allow(200)),
    post("/exchanges/{x}/prompts/new", allow(302, LECTURER), data=CARD),
    post("/exchanges/{fx}/prompts/new", allow(302), data=CARD),
    get("/exchanges/{x}/prompts/library", allow(200, LECTURER)),
    get("/exchanges/{fx}/prompts/library", allow(200)),
    post("/exchanges/{x}/prompts/library", allow(302, LECTURER), data=PICK),
    post("/exchanges/{fx}/prompts/library", allow(302), data=PICK),
    get("/prompts/{card}/edit", allow(200, LECTURER)),
    get("/prompts/{fcard}/edit", allow(200)),
    post("/prompts/{card}/edit", allow(302, LECTURER), data=CARD),
    post("/prompts/{fcard}/edit", allow(302), data=CARD),
    post("/prompts/{card}/archive", allow(302, LECTURER)),
    post("/prompts/{fcard}/archive", allow(302)),
    post("/prompts/{card}/restore", allow(302, LECTURER)),
    post("/prompts/{fcard}/restore", allow(302)),
    get("/prompts/99999999/edit", allow(404, refused=404)),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_dialogue(matrix, row, column):
    matrix.check(row, column)
