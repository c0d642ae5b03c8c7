"""Reflections: the lecturers' prompt pages, students' journals, entries and feedback.

Lecturers of the exchange manage prompts and read every entry; coordinators of a member
institution see the counts and their own students' entries (Cora reads Anna's and Bram's, not
Dewi's); admins see counts only. A student writes only their own entries and reads a teammate's
shared one (Anna reads Dewi's). Objects: tests/authorization/world.py, the reflections block.
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

PROMPT = {
    "phase": "0",
    "text_en": "What did you notice first?",
    "dimensions": "openness",
    "due_day": "2027-02-19",
    "due_time": "23:59",
    "timezone": "Europe/Amsterdam",
}
STARTERS = {"starters": "icebreaker-1"}
ENTRY = {"body": "A new thought", "action": "save"}
FEEDBACK = {"body": "Tell us more."}
SHARING = {"shared": "y"}

ROWS = [
    # the lecturers' pages
    get("/exchanges/{x}/reflections", allow(200, *STAFF)),
    get("/exchanges/{fx}/reflections", allow(200, ADMIN)),
    get("/exchanges/{x}/reflections/new", allow(200, LECTURER)),
    get("/exchanges/{fx}/reflections/new", allow(200)),
    post("/exchanges/{x}/reflections/new", allow(302, LECTURER), data=PROMPT),
    post("/exchanges/{fx}/reflections/new", allow(302), data=PROMPT),
    get("/exchanges/{x}/reflections/starters", allow(200, LECTURER)),
    get("/exchanges/{fx}/reflections/starters", allow(200)),
    post("/exchanges/{x}/reflections/starters", allow(302, LECTURER), data=STARTERS),
    post("/exchanges/{fx}/reflections/starters", allow(302), data=STARTERS),
    get("/reflections/prompts/{rprompt}/edit", allow(200, LECTURER)),
    get("/reflections/prompts/{frprompt}/edit", allow(200)),
    post("/reflections/prompts/{rprompt}/edit", allow(302, LECTURER), data=PROMPT),
    post("/reflections/prompts/{frprompt}/edit", allow(302), data=PROMPT),
    post("/reflections/prompts/{rprompt}/archive", allow(302, LECTURER)),
    post("/reflections/prompts/{frprompt}/archive", allow(302)),
    post("/reflections/prompts/{rprompt}/restore", allow(302, LECTURER)),
    post("/reflections/prompts/{frprompt}/restore", allow(302)),
    get("/reflections/prompts/{rprompt}/entries", allow(200, LECTURER, COORD)),
    get("/reflections/prompts/{frprompt}/entries", allow(200)),
    get("/reflections/prompts/99999999/edit", allow(404, refused=404)),
    # reading entries, and feedback on a version
    get("/reflections/entries/{rentry}", allow(200, STUDENT, LECTURER, COORD)),
    get("/reflections/entries/{dentry}", allow(200, STUDENT, LECTURER)),
    get("/reflections/entries/{bentry}", allow(200, LECTURER, COORD)),
    get("/reflections/entries/{fentry}", allow(200)),
    get("/reflections/entries/99999999", allow(404, refused=404)),
    post("/reflections/versions/{rversion}/feedback", allow(302, LECTURER), data=FEEDBACK),
    post("/reflections/versions/{fversion}/feedback", allow(302), data=FEEDBACK),
    # a student's journal
    get("/exchanges/{x}/journal", allow(200, STUDENT)),
    get("/exchanges/{fx}/journal", allow(200)),
    get("/exchanges/{x}/journal/{rprompt}", allow(200, STUDENT)),
    post("/exchanges/{x}/journal/{rprompt}", allow(302, STUDENT), data=ENTRY),
    # a prompt of another exchange under this one's journal is not there
    get("/exchanges/{x}/journal/{frprompt}", allow(404, STUDENT)),
    post("/exchanges/{x}/journal/{frprompt}", allow(404, STUDENT), data=ENTRY),
    get("/exchanges/{fx}/journal/{frprompt}", allow(200)),
    post("/reflections/entries/{rentry}/sharing", allow(302, STUDENT), data=SHARING),
    post("/reflections/entries/{bentry}/sharing", allow(302), data=SHARING),
    post("/reflections/entries/{rentry}/discard", allow(302, STUDENT)),
    post("/reflections/entries/{bentry}/discard", allow(302)),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_reflections(matrix, row, column):
    matrix.check(row, column)
