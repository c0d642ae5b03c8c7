"""The exports opened in LibreOffice: Debian's ``soffice --headless`` converts our CSV and XLSX
back to CSV, and what it read must be the rows we wrote and the dashboard's figures, accents
and non-Latin names intact, formula-like text still text (never evaluated).

Needs LibreOffice Calc (``apt-get install libreoffice-calc-nogui``; ``COIL_TEST_SOFFICE`` names
another binary). Skipped without it, except under ``COIL_TEST_REQUIRE_SERVICES=1`` (.ci/run),
where its absence fails the run.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from coil.exchanges.models import Enrolment
from coil.reports import jobs
from coil.reports.figures import Filters
from coil.reports.models import ExportJob
from coil.reports.overview import overview
from tests.conftest import need
from tests.reports.conftest import AS_OF
from tests.reports.test_exports import download, start
from tests.world import World

pytestmark = pytest.mark.libreoffice
SOFFICE = shutil.which(os.environ.get("COIL_TEST_SOFFICE", "soffice"))
# What a person picks in LibreOffice's Text Import dialog for our CSV: UTF-8 (76), comma (44),
# double quote (34). Headless LibreOffice 7.4 does not choose UTF-8 from the byte-order mark.
CSV_IN = "CSV:44,34,76,1"
CSV_OUT = "csv:Text - txt - csv (StarCalc):44,34,76,1"
ANNA = "Ánna Nováková 王秀英"
FORMULA = "=1+1"  # LibreOffice evaluates this to 2 if it is not neutralised
NUMBER = "-2+3"
EXCHANGE = "Marketing across borders · Pemasaran lintas batas · 跨境营销"
NUMERIC = ("Synchronous hours", "Sessions attended", "Messages", "Phases completed")


def soffice(tmp_path: Path, source: Path, infilter: str | None) -> list[list[str]]:
    """Open ``source`` in headless LibreOffice, save it as CSV, and return its rows."""
    assert SOFFICE is not None
    out = tmp_path / "out"
    command = [
        SOFFICE,
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        CSV_OUT,
        "--outdir",
        str(out),
        str(source),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    converted = out / (source.stem + ".csv")
    assert converted.exists(), done.stdout + done.stderr
    return list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"))))


def number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def same(read: list[list[str]], written: list[list[str]]) -> None:
    """Assert that LibreOffice read every cell we wrote: text as text, numbers as numbers
    (it shows 0.0 as 0)."""
    assert len(read) == len(written)
    for got, want in zip(read, written, strict=True):
        assert len(got) == len(want)
        for a, b in zip(got, want, strict=True):
            if number(b) is not None and not b.startswith("'"):
                assert number(a) == pytest.approx(number(b)), (a, b)
            else:
                assert a == b


@pytest.fixture()
def cora(kopi: World, auth: Any, db: Any) -> World:
    need("LibreOffice (apt-get install libreoffice-calc-nogui)", SOFFICE is not None)
    kopi["anna"].name = ANNA
    kopi["bram"].name = FORMULA
    kopi.exchange.title = EXCHANGE
    enrolment = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == kopi["anna"].id)
    ).one()
    enrolment.student_number = NUMBER
    db.session.commit()
    auth.login(kopi["cora"].email)
    return kopi


def export(client: Any, db: Any, fmt: str, tmp_path: Path) -> Path:
    assert start(client, fmt).status_code == 302
    job = db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
    job.filters = {**job.filters, "as_of": AS_OF.isoformat()}  # the conftest's reference day
    db.session.commit()
    assert jobs.run_pending() == 1
    path = tmp_path / f"export-{fmt}.{fmt}"
    path.write_bytes(download(client, job))
    return path


def test_libreoffice_reads_our_csv_and_xlsx_as_written(
    cora: World, client: Any, db: Any, tmp_path: Path
) -> None:
    ours = export(client, db, "csv", tmp_path)
    written = list(csv.reader(io.StringIO(ours.read_text(encoding="utf-8-sig"))))
    from_csv = soffice(tmp_path, ours, CSV_IN)
    from_xlsx = soffice(tmp_path, export(client, db, "xlsx", tmp_path), None)

    # The CSV comes back cell for cell as we wrote it: accents, non-Latin script, and
    # formula-like text as text (with its apostrophe), not evaluated.
    same(from_csv, written)
    assert from_csv[0] == written[0]
    header = written[0]
    assert from_xlsx[0] == header
    by_name = {row[header.index("Student")]: row for row in from_xlsx[1:]}
    ours_named = {name for name in by_name if not name.startswith("P-")}  # partners: pseudonyms
    assert ours_named == {ANNA, "'" + FORMULA}  # "=1+1" was not turned into 2
    assert len(by_name) == 3  # and Jakarta's Dewi, under her pseudonym
    anna = dict(zip(header, by_name[ANNA], strict=True))
    assert anna["Exchange"] == EXCHANGE
    assert anna["Student number"] == "'" + NUMBER  # not 1
    assert anna["Start date"] == "2027-02-01"  # a date cell, shown as the sheet formats it
    for row in written[1:]:
        read = dict(zip(header, by_name[row[header.index("Student")]], strict=True))
        for column in NUMERIC:  # numbers in the workbook, the same values as in the CSV
            assert float(read[column]) == pytest.approx(float(row[header.index(column)]))

    # ... and they are the dashboard's figures.
    summary = overview(Filters(cora.institutions["nl"].id, as_of=AS_OF)).summary
    for rows in (from_csv, from_xlsx):
        every = [dict(zip(header, row, strict=True)) for row in rows[1:]]
        body = [r for r in every if not r["Student"].startswith("P-")]  # ours; partners apart
        assert len(body) == summary.students == 2
        hours = sum(float(r["Synchronous hours"]) for r in body)
        assert hours == pytest.approx(summary.hours, abs=0.01)
        assert sum(int(r["Sessions attended"]) for r in body) == summary.sessions
        assert sum(int(r["Messages"]) for r in body) == summary.messages
        completed = [r["Completion"] for r in body].count("complete")
        assert completed == summary.completion["complete"] == 1
