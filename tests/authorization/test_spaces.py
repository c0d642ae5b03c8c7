"""Spaces: the space page, tasks, documents and files, in four spaces.

Team 1's space is the student's own, team 2's is another team's, the exchange's space belongs
to every active student, the foreign one to nobody here. Members and lecturers change a space;
coordinators (and admins) read along; the strangers see nothing. An object named through a
space it does not belong to is a 404, even for those who may see both.
"""

from __future__ import annotations

import pytest

from tests.authorization.harness import (
    ADMIN,
    COORD,
    LECTURER,
    STUDENT,
    Row,
    allow,
    cells,
    get,
    post,
)

# space name -> (the id suffix of its task, document and file; who reads it; who changes it)
SPACES = {
    "space": ("", (STUDENT, LECTURER, COORD, ADMIN), (STUDENT, LECTURER)),
    "space_b": ("_b", (LECTURER, COORD, ADMIN), (LECTURER,)),
    "xspace": ("_x", (STUDENT, LECTURER, COORD, ADMIN), (STUDENT, LECTURER)),
    "fspace": ("_f", (ADMIN,), ()),
}
# who may delete the file: its uploader (Anna, Bram, Lena, a foreign lecturer) or a lecturer
DELETERS = {"space": (STUDENT, LECTURER), "space_b": (LECTURER,), "xspace": (LECTURER,)}
DOC = {"title": "Notes", "body": "Third", "base_version": "2"}
TASK = {"title": "Draft the poster", "description": "", "assignee_id": "0"}


def space_rows(space: str) -> list[Row]:
    tag, read, edit = SPACES[space]
    s = "/spaces/{" + space + "}"
    doc, task, file = f"{s}/documents/{{doc{tag}}}", f"{s}/tasks/{{task{tag}}}", f"{{file{tag}}}"
    return [
        get(s, allow(200, *read)),
        get(f"{s}/documents/new", allow(200, *edit)),
        post(f"{s}/documents/new", allow(302, *edit), data={"title": "Plan", "body": "Hi"}),
        get(doc, allow(200, *read)),
        get(f"{doc}/history", allow(200, *read)),
        get(f"{doc}/versions/1", allow(200, *read)),
        get(f"{doc}/edit", allow(200, *edit)),
        post(f"{doc}/edit", allow(302, *edit), data=DOC),
        post(f"{doc}/versions/1/restore", allow(302, *edit)),
        post(f"{s}/files", allow(302, *edit), files={"file": (b"plan", "plan.txt")}),
        get(f"{s}/files/{file}", allow(200, *read)),
        post(f"{s}/files/{file}/delete", allow(302, *DELETERS.get(space, ()))),
        post(f"{s}/tasks", allow(302, *edit), data=TASK),
        get(f"{task}/edit", allow(200, *edit)),
        post(f"{task}/edit", allow(302, *edit), data={**TASK, "status": "doing"}),
        post(f"{task}/move", allow(302, *edit), data={"status": "doing"}),
        post(f"{task}/delete", allow(302, *edit)),
    ]


# Team 2's objects named through team 1's space: 404 for whoever passes the space's check.
CROSSED = [
    get("/spaces/{space}/documents/{doc_b}", allow(404, STUDENT, LECTURER, COORD, ADMIN)),
    get("/spaces/{space}/documents/{doc_b}/history", allow(404, STUDENT, LECTURER, COORD, ADMIN)),
    post("/spaces/{space}/documents/{doc_b}/edit", allow(404, STUDENT, LECTURER), data=DOC),
    post("/spaces/{space}/documents/{doc_b}/versions/1/restore", allow(404, STUDENT, LECTURER)),
    get("/spaces/{space}/files/{file_b}", allow(404, STUDENT, LECTURER, COORD, ADMIN)),
    post("/spaces/{space}/files/{file_b}/delete", allow(404, STUDENT, LECTURER)),
    post("/spaces/{space}/tasks/{task_b}/edit", allow(404, STUDENT, LECTURER), data=TASK),
    post(
        "/spaces/{space}/tasks/{task_b}/move",
        allow(404, STUDENT, LECTURER),
        data={"status": "done"},
    ),
    post("/spaces/{space}/tasks/{task_b}/delete", allow(404, STUDENT, LECTURER)),
    get("/spaces/99999999", allow(404, STUDENT, LECTURER, COORD, ADMIN, refused=404)),
]

# Someone outside the space as a task's assignee: not among the choices.
PAYLOAD = [
    post(
        "/spaces/{space}/tasks",
        allow(422, STUDENT, LECTURER),
        data={**TASK, "assignee_id": "{fanna_id}"},
        note="a foreign assignee",
    ),
    post(
        "/spaces/{space}/tasks/{task}/edit",
        allow(422, STUDENT, LECTURER),
        data={**TASK, "assignee_id": "{bram}"},
        note="an assignee of another team",
    ),
]

ROWS = [row for space in SPACES for row in space_rows(space)] + CROSSED + PAYLOAD


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_spaces(matrix, row, column):
    matrix.check(row, column)
