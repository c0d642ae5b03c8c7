"""Reports: the dashboard, exports and the audit log.

Coordinators see their own institution's dashboard (the unrelated coordinator sees theirs);
admins see every institution's totals. An export belongs to the person who asked for it and to
the coordinators of its institution: ``rjob`` is Cora's (NL), ``fjob`` one of the foreign
exchange's coordinator. Objects: tests/authorization/world.py, the reports block.
"""

from __future__ import annotations

import pytest

from tests.authorization.harness import ADMIN, COORD, OUT_COORD, allow, cells, get

REPORTERS = (COORD, OUT_COORD, ADMIN)

ROWS = [
    get("/reports", allow(200, *REPORTERS)),
]


@pytest.mark.parametrize(("row", "column"), cells(ROWS))
def test_reports(matrix, row, column):
    matrix.check(row, column)
