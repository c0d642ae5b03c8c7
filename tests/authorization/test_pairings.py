"""Courses and proposals: the directory, a course's matches, proposing, answering.

Open courses are everyone's to read; drafts and matches are their lecturer's (and their
institution's coordinators' and admins'). A proposal is read by its two lecturers, their
coordinators and admins, and answered by its lecturers while pending: the recipient accepts or
declines, the proposer withdraws. Lena sent ``outgoing`` (to a lecturer of no column) and
received ``incoming`` (from a lecturer of the foreign exchange); ``proposal`` is the accepted
one that formed her exchange.
"""

from __future__ import annotations

import pytest

from tests.authorization.harness import (
    ADMIN,
    COORD,
    LECTURER,
    OUT_COORD,
    OUT_LECTURER,
    allow,
    cells,
    everyone,
    get,
    post,
)

LECTURERS = (LECTURER, OUT_LECTURER)
STAFF_ROLES = (LECTURER, OUT_LECTURER, COORD, OUT_COORD)  # who has courses or coordinates them
REPLY = {"reply-body": "Thursdays suit us."}
PROPOSE = {"from_course_id": "{spare}", "message": "Shall we?"}

COURSE_ROWS = [
    get("/courses/", allow(200, *STAFF_ROLES)),
    get("/courses/new", allow(200, *LECTURERS)),
    post("/courses/new", allow(422, *LECTURERS), data={"title": ""}),
    get("/courses/search", allow(200, *STAFF_ROLES, ADMIN)),
    # "best" sends to the course's matches: its lecturer and their coordinators
    get("/courses/best?course_id={course}", allow(302, LECTURER, COORD)),
    get("/courses/best?course_id={scourse}", allow(302, OUT_LECTURER, OUT_COORD)),
    get("/courses/{course}", everyone(200)),
    get("/courses/{draft}", allow(200, LECTURER, COORD, ADMIN)),
    get("/courses/99999999", allow(404, refused=404)),
    get("/courses/{course}/edit", allow(200, LECTURER)),
    get("/courses/{scourse}/edit", allow(200, OUT_LECTURER)),
    post("/courses/{course}/edit", allow(422, LECTURER), data={"title": ""}),
    post("/courses/{scourse}/edit", allow(422, OUT_LECTURER), data={"title": ""}),
    get("/courses/{course}/why/{scourse}", allow(200, LECTURER, COORD, ADMIN)),
    get("/courses/{scourse}/why/{course}", allow(200, OUT_LECTURER, OUT_COORD, ADMIN)),
]

PROPOSAL_ROWS = [
    get("/proposals/", allow(200, *STAFF_ROLES)),
    get("/proposals/new?to_course_id={scourse}", allow(200, *LECTURERS)),
    # the stranger cannot propose from Lena's course: not among their choices
    post(
        "/proposals/new?to_course_id={scourse}",
        allow(302, LECTURER, out_lecturer=422),
        data=PROPOSE,
    ),
    get("/proposals/{proposal}", allow(200, LECTURER, COORD, ADMIN)),
    get("/proposals/{outgoing}", allow(200, LECTURER, COORD, ADMIN)),
    get("/proposals/{incoming}", allow(200, LECTURER, COORD, ADMIN)),
    get("/proposals/{fproposal}", allow(200, ADMIN)),
    get("/proposals/99999999", allow(404, refused=404)),
    # taking part (reply, agreement) while pending: either lecturer
    post("/proposals/{outgoing}/reply", allow(302, LECTURER), data=REPLY),
    post("/proposals/{incoming}/reply", allow(302, LECTURER), data=REPLY),
    # accepted: still open to its lecturers, to settle the agreement's open points
    post("/proposals/{proposal}/reply", allow(302, LECTURER), data=REPLY),
    post("/proposals/{fproposal}/reply", allow(302), data=REPLY),
    post("/proposals/{outgoing}/agreement", allow(302, LECTURER)),
    post("/proposals/{incoming}/agreement", allow(302, LECTURER)),
    post("/proposals/{proposal}/agreement", allow(302, LECTURER)),
    post("/proposals/{fproposal}/agreement", allow(302)),
    # answering: the recipient; withdrawing: the proposer
    post("/proposals/{incoming}/accept", allow(302, LECTURER)),
    post("/proposals/{outgoing}/accept", allow(302)),
    post("/proposals/{fproposal}/accept", allow(302)),
    post(
        "/proposals/{incoming}/decline", allow(302, LECTURER), data={"decline-reason": "Too late."}
    ),
    post("/proposals/{outgoing}/decline", allow(302), data={"decline-reason": "Too late."}),
    post("/proposals/{outgoing}/withdraw", allow(302, LECTURER)),
    post("/proposals/{incoming}/withdraw", allow(302)),
    post("/proposals/{fproposal}/withdraw", allow(302)),
]

ROWS = COURSE_ROWS + PROPOSAL_ROWS


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_pairings(matrix, row, column):
    matrix.check(row, column)
