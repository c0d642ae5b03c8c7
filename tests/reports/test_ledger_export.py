"""The raw ledger export: every event in the filter; partner students under a pseudonym."""

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
from coil.reports.privacy import pseudonym
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
    assert (job.kind, job.status, job.rows_expected, job.rows_done) == ("ledger", "done", 17, 17)
    rows = list(csv.DictReader(io.StringIO(download(client, job).decode("utf-8-sig"))))
    assert len(rows) == 17  # Anna's 13 and Bram's 2, and Jakarta's Dewi's 2 under a pseudonym
    dewi = pseudonym(cora.exchange.id, cora["dewi"].id)
    assert {r["Student"] for r in rows} == {"Anna", "'@SUM(A1)", dewi}
    partner = [r for r in rows if r["Student"] == dewi]
    assert len(partner) == 2 and {r["Student number in COIL"] for r in partner} == {""}
    assert "Dewi" not in download(client, job).decode("utf-8-sig")
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
    assert len(lines) == 17
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


def test_peer_evaluations_name_nobody_by_number(cora: World, client: Any, db: Any) -> None:
    from coil.evidence import kinds
    from coil.evidence.services import record

    scores = {str(cora["dewi"].id): 4.0, str(cora["bram"].id): 3.0}
    record(kinds.PEER_EVALUATION, cora.exchange.id, cora["anna"], payload={"scores": scores})
    db.session.commit()
    start_ledger(client, "jsonl")
    assert jobs.run_pending() == 1
    job = db.session.scalars(select(ExportJob)).one()
    lines = [json.loads(line) for line in download(client, job).decode().splitlines()]
    given = [line for line in lines if line["kind"] == "peer_evaluation.given"]
    assert all(set(line["payload"]) == {"peers"} for line in given)  # whom: nobody's number
    assert given[-1]["payload"] == {"peers": 2}
