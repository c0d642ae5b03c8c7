"""Reports: the dashboard, exports and the audit log.

Coordinators see their own institution's dashboard (the unrelated coordinator sees theirs);
lecturers the exchanges of their own courses (the unrelated lecturer: none); admins every
institution's totals. The audit log: coordinators and admins only. An export belongs to the
person who asked for it and to the coordinators of its institution: ``rjob`` is Cora's (NL),
``fjob`` one of the foreign exchange's coordinator. Objects: tests/authorization/world.py,
the reports block.
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
    get,
    post,
)

REPORTERS = (LECTURER, OUT_LECTURER, COORD, OUT_COORD, ADMIN)
AUDITORS = (COORD, OUT_COORD, ADMIN)
EXPORT = {"format": "csv"}

ROWS = [
    get("/reports", allow(200, *REPORTERS)),
    get("/reports/exports", allow(200, *REPORTERS)),
    get("/reports/audit", allow(200, *AUDITORS)),
    post("/reports/exports", allow(302, *REPORTERS), data=EXPORT),
    get("/reports/exports/{rjob}", allow(200, COORD)),
    get("/reports/exports/{fjob}", allow(403, refused=403)),
    get("/reports/exports/{rjob}/download", allow(200, COORD)),
    get("/reports/exports/{fjob}/download", allow(403, refused=403)),
    # a finished export cannot be cancelled: Cora is told so (303), the others refused
    post("/reports/exports/{rjob}/cancel", allow(303, COORD)),
    post("/reports/exports/{fjob}/cancel", allow(403, refused=403)),
    get("/reports/exports/99999999", allow(404, refused=404)),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_reports(matrix, row, column):
    matrix.check(row, column)
