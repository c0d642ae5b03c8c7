"""Exports: asked for on the dashboard, run by the worker, opened again, audit-logged."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update

from coil.core.time import utcnow
from coil.reports import jobs
from coil.reports.figures import Filters
from coil.reports.models import AuditEntry, ExportJob
from coil.reports.overview import overview
from tests.conftest import csrf_token
from tests.reports.conftest import AS_OF
from tests.world import World


def start(client: Any, fmt: str, query: str = "") -> Any:
    token = csrf_token(client, "/reports")
    return client.post(f"/reports/exports{query}", data={"csrf_token": token, "format": fmt})


def only_job(db: Any) -> ExportJob:
    return db.session.scalars(select(ExportJob)).one()


def download(client: Any, job: ExportJob) -> bytes:
    response = client.get(f"/reports/exports/{job.id}/download")
    assert response.status_code == 200, response.status_code
    body = response.get_data()
    response.close()
    return body


def as_of(db: Any) -> None:
    # the records' reference day travels with the job: pin it to the conftest's day
    job = only_job(db)
    job.filters = {**job.filters, "as_of": AS_OF.isoformat()}
    db.session.commit()


@pytest.fixture()
def cora(kopi: World, auth: Any) -> World:
    auth.login(kopi["cora"].email)
    return kopi


def test_csv_has_the_dashboards_numbers(cora: World, client: Any, db: Any) -> None:
    assert start(client, "csv").status_code == 302
    as_of(db)
    assert jobs.run_pending() == 1
    job = only_job(db)
    assert (job.status, job.rows_expected, job.rows_done) == ("done", 3, 3)
    body = download(client, job)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    every = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    rows = [r for r in every if r["Institution"] == "Hogeschool Kopi"]
    view = overview(Filters(cora.institutions["nl"].id, as_of=AS_OF))
    summary = view.summary
    assert len(rows) == summary.students == 2
    assert sum(float(r["Synchronous hours"]) for r in rows) == pytest.approx(95 / 60, abs=0.01)
    assert sum(int(r["Sessions attended"]) for r in rows) == summary.sessions
    anna = next(r for r in rows if r["Student"] == "Anna")
    assert anna["Curiosity, before"] == "1.0" and anna["Curiosity, after"] == "3.0"
    assert anna["Peer evaluation average"] == "3.5" and anna["Badges"] == "Bridge builder"
    assert [r["Completion"] for r in rows].count("complete") == summary.completion["complete"]
    # Jakarta's student comes along under a pseudonym, and adds up to the partners' figures
    partners = [r for r in every if r["Institution"] == "Universitas Kopi"]
    assert "Dewi" not in body.decode("utf-8-sig") and "dewi@" not in body.decode("utf-8-sig")
    assert [r["Student"][:2] for r in partners] == ["P-"] and partners[0]["E-mail"] == ""
    theirs = view.partner_summary
    assert len(partners) == theirs.students == 1
    assert sum(int(r["Messages"]) for r in partners) == theirs.messages == 1
    assert sum(int(r["Messages across institutions"]) for r in partners) == theirs.cross_replies
    assert [r["Completion"] for r in partners].count("complete") == theirs.completion["complete"]


def test_xlsx_is_typed_filtered_and_neutralised(cora: World, client: Any, db: Any) -> None:
    cora["bram"].name = '=HYPERLINK("http://x")'
    db.session.commit()
    start(client, "xlsx")
    as_of(db)
    jobs.run_pending()
    book = openpyxl.load_workbook(io.BytesIO(download(client, only_job(db))))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    names = {row[headers.index("Student")]: row for row in sheet.iter_rows(2, values_only=True)}
    assert '\'=HYPERLINK("http://x")' in names
    anna = names["Anna"]
    assert anna[headers.index("Start date")].date().isoformat() == "2027-02-01"
    assert anna[headers.index("Sessions attended")] == 2  # a number, not text


def test_csv_neutralises_formulas_and_jsonl_keeps_values(cora: World, client: Any, db: Any):
    cora["bram"].name = "+1-2"
    db.session.commit()
    start(client, "jsonl")
    as_of(db)
    jobs.run_pending()
    lines = download(client, only_job(db)).decode().splitlines()
    names = {json.loads(line)["name"] for line in lines}
    assert {"Anna", "+1-2"} < names and len(names) == 3  # and Dewi under a pseudonym


def test_headers_in_the_coordinators_language(cora: World, client: Any, db: Any) -> None:
    cora["cora"].locale = "nl"
    db.session.commit()
    start(client, "csv")
    jobs.run_pending()
    header = download(client, only_job(db)).decode("utf-8-sig").splitlines()[0]
    assert "Institution" not in header  # the Dutch catalogue or the pending one names it


def test_audit_log_and_foreign_coordinator(cora: World, client: Any, auth: Any, db: Any):
    start(client, "csv")
    jobs.run_pending()
    job = only_job(db)
    download(client, job)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["export.requested", "export.completed", "export.downloaded"]
    assert "downloaded an export" in client.get("/reports/audit").get_data(as_text=True)
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(update(AuditEntry).values(action="export.failed"))
    db.session.rollback()
    auth.logout()
    assert cora.stranger_coordinator is not None
    auth.login(cora.stranger_coordinator.email)
    assert client.get(f"/reports/exports/{job.id}/download").status_code == 403
    assert "downloaded an export" not in client.get("/reports/audit").get_data(as_text=True)


def test_bad_requests_leave_nothing_behind(cora: World, client: Any, db: Any) -> None:
    assert start(client, "pdf").status_code == 303
    assert start(client, "csv", "?date_from=2027-05-01&date_to=2027-01-01").status_code == 303
    assert db.session.scalars(select(ExportJob)).all() == []
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_cancelled_failed_and_expired(cora: World, client: Any, db: Any, monkeypatch) -> None:
    start(client, "csv")
    job = only_job(db)
    token = csrf_token(client, "/reports/exports")
    assert (
        client.post(f"/reports/exports/{job.id}/cancel", data={"csrf_token": token}).status_code
        == 302
    )
    assert jobs.run_pending() == 0
    db.session.refresh(job)
    assert job.status == "cancelled" and job.file_name is None
    assert client.get(f"/reports/exports/{job.id}/download").status_code == 409

    def broken(*_args: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs.writers, "write", broken)
    start(client, "csv")
    jobs.run_pending()
    failed = db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert failed.status == "failed" and "disk full" in failed.error
    assert "disk full" in client.get("/reports/exports").get_data(as_text=True)
    monkeypatch.undo()

    start(client, "csv")
    jobs.run_pending()
    done = db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
    done.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    path = jobs.file_of(done)
    jobs.expire_files()
    assert path is not None and not path.exists()
    gone = client.get(f"/reports/exports/{done.id}/download")
    assert gone.status_code == 410 and "has expired" in gone.get_data(as_text=True)
