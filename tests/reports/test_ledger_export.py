"""The raw ledger export: every event of our students in the filter, nobody else's."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from coil.reports import jobs
from coil.reports.filters import Filters
from coil.reports.ledger import BATCH, streamed
from coil.reports.models import AuditEntry, ExportJob
from tests.conftest import POSTGRES_URL, csrf_token, need
from tests.reports.test_exports import download
from tests.world import World


@pytest.fixture()
def cora(kopi: World, auth: Any) -> World:
    auth.login(kopi["cora"].email)
    return kopi


def start_ledger(client: Any, fmt: str) -> Any:
    token = csrf_token(client, "/reports")
    data = {"csrf_token": token, "format": fmt, "kind": "ledger"}
    return client.post("/reports/exports", data=data)


def test_ledger_csv_has_every_event_of_ours(cora: World, client: Any, db: Any) -> None:
    cora["bram"].name = "@SUM(A1)"
    db.session.commit()
    assert start_ledger(client, "csv").status_code == 302
    assert jobs.run_pending() == 1
    job = db.session.scalars(select(ExportJob)).one()
    assert (job.kind, job.status, job.rows_expected, job.rows_done) == ("ledger", "done", 15, 15)
    rows = list(csv.DictReader(io.StringIO(download(client, job).decode("utf-8-sig"))))
    assert len(rows) == 15  # Anna's 13 and Bram's 2; Jakarta's Dewi is not ours
    assert {r["Student"] for r in rows} == {"Anna", "'@SUM(A1)"}
    assert [int(r["Event"]) for r in rows] == sorted(int(r["Event"]) for r in rows)
    badge = next(r for r in rows if r["Kind"] == "badge.awarded")
    assert json.loads(badge["Details"])["badge"] == "Bridge builder"
    minutes = [int(r["Value"]) for r in rows if r["Kind"] == "session.attended"]
    assert sorted(minutes) == [-10, 45, 60]
    requested = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
    assert requested is not None and requested.details["kind"] == "ledger"
    response = client.get(f"/reports/exports/{job.id}/download")
    response.close()
    assert response.headers["Content-Disposition"].startswith("attachment; filename=ledger-")


def test_ledger_xlsx_and_jsonl_are_typed(cora: World, client: Any, db: Any) -> None:
    start_ledger(client, "xlsx")
    start_ledger(client, "jsonl")
    assert jobs.run_pending() == 2
    xlsx, jsonl = db.session.scalars(select(ExportJob).order_by(ExportJob.id)).all()
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, xlsx))).active
    headers = [cell.value for cell in sheet[1]]
    first = next(sheet.iter_rows(2, values_only=True))
    assert isinstance(first[headers.index("When (UTC)")], datetime)
    assert isinstance(first[headers.index("Event")], int)
    lines = [json.loads(line) for line in download(client, jsonl).decode().splitlines()]
    assert len(lines) == 15
    badge = next(line for line in lines if line["kind"] == "badge.awarded")
    assert badge["payload"]["badge"] == "Bridge builder"  # an object, not JSON in a string


def test_unknown_kind_is_refused(cora: World, client: Any, db: Any) -> None:
    token = csrf_token(client, "/reports")
    data = {"csrf_token": token, "format": "csv", "kind": "everything"}
    assert client.post("/reports/exports", data=data).status_code == 303
    assert db.session.scalars(select(ExportJob)).all() == []


@pytest.mark.postgres
def test_the_ledger_streams_from_a_server_side_cursor(cora: World, db: Any) -> None:
    need("PostgreSQL", bool(POSTGRES_URL))
    with streamed(Filters(None)) as result:
        assert type(result.cursor).__name__ == "ServerCursor"  # psycopg's named cursor
        assert len(result.fetchmany(BATCH)) == 17  # every event, Jakarta's too (admin scope)
    db.session.rollback()
