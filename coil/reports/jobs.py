"""Running exports in the background, as huey tasks (coil/core/tasks.py).

The ``export_jobs`` row is the user-facing record (status, progress, file, checksum, audit);
huey only carries the job's id to a worker: a thread of ``coil serve`` / ``coil demo`` in the
default setup, or ``coil worker`` processes on any machine when the queue is Redis. A worker
claims a job with a guarded ``UPDATE`` (queued -> running), so a job that was cancelled, or
delivered twice, never runs twice. Progress is written on a connection of its own at most twice
a second, which is also where a cancellation is noticed, and each progress commit is pushed to
the requester over Socket.IO (``export`` events on ``user:{id}``). A failed or cancelled job's
partial file is deleted: only a finished file is ever offered. Files expire after
``REPORTS_EXPORT_HOURS`` hours (default 24); a job whose worker died mid-way is marked failed
after ``REPORTS_STALLED_MINUTES`` (default 15) without progress.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from coil.core.channels import user_channel
from coil.core.tasks import periodic, task
from coil.core.tasks import run_pending as run_tasks
from coil.core.time import utcnow
from coil.extensions import db, socketio
from coil.reports import writers
from coil.reports.figures import dimension_keys, records
from coil.reports.filters import Filters
from coil.reports.labels import dimension_names
from coil.reports.ledger import JSON_TEXT, events, ledger_columns
from coil.reports.models import ExportJob
from coil.reports.services import announce, audit, progress_of

log = logging.getLogger(__name__)
REPORT_EVERY_SECONDS = 0.5


class Cancelled(Exception):
    """The job was cancelled while it ran."""


def export_dir() -> Path:
    """Return (and create) the folder export files are kept in."""
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_of(job: ExportJob) -> Path | None:
    """Return the path of a finished job's file, or None."""
    return export_dir() / job.file_name if job.file_name else None


def claim(job_id: int) -> ExportJob | None:
    """Mark a queued job running and return it; None when it was cancelled or already taken."""
    with db.engine.begin() as connection:
        claimed = connection.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "queued")
            .values(status="running", started_at=utcnow(), progress_at=utcnow())
        )
    if claimed.rowcount != 1:
        return None
    job = db.session.get(ExportJob, job_id)
    if job is not None:
        socketio.emit(
            "export",
            {"type": "export", "op": "running", **progress_of(job)},
            to=user_channel(job.requested_by_id),
        )
    return job


class Reporter:
    """Write a running job's progress (at most every half second) and notice a cancel."""

    def __init__(self, job: ExportJob) -> None:
        self.job_id, self.user_id, self.expected = job.id, job.requested_by_id, job.rows_expected
        self.last = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < REPORT_EVERY_SECONDS:
            return
        self.last = now
        with db.engine.begin() as connection:
            status = connection.scalar(select(ExportJob.status).where(ExportJob.id == self.job_id))
            if status != "running":
                raise Cancelled
            connection.execute(
                update(ExportJob)
                .where(ExportJob.id == self.job_id)
                .values(rows_done=done, progress_at=utcnow())
            )
        payload = {"id": self.job_id, "status": "running", "rows_done": done}
        payload |= {"rows_expected": self.expected, "error": None}
        socketio.emit(
            "export", {"type": "export", "op": "progress", **payload}, to=user_channel(self.user_id)
        )
        time.sleep(0)  # under gevent: let the server's other greenlets run


def _job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None:  # deleted with its institution or requester while it ran
        raise LookupError(f"export job {job_id} is gone")
    return job


@task("reports.export")
def run_export(job_id: int) -> bool:
    """Run one queued export to the end (done, failed or cancelled); False if not ours to run."""
    job = claim(job_id)
    if job is None:
        return False
    name = f"{job.id}-{secrets.token_hex(8)}.{job.format}"
    path = export_dir() / name
    try:
        filters = Filters.from_dict(job.filters)
        with force_locale(job.locale):
            if job.kind == "ledger":  # rows are tuples in the columns' order
                cols = ledger_columns()
                count = writers.write(
                    job.format, path, cols, events(filters), Reporter(job), tuple, JSON_TEXT
                )
            else:
                names = dimension_names(str(get_locale()))
                cols = writers.columns(dimension_keys(filters), names)
                count = writers.write(job.format, path, cols, records(filters), Reporter(job))
    except Cancelled:
        db.session.rollback()
        path.unlink(missing_ok=True)
        log.info("export %s cancelled", job_id)
        return True
    except Exception as error:
        db.session.rollback()
        path.unlink(missing_ok=True)
        log.exception("export %s failed", job_id)
        reason = f"{type(error).__name__}: {error}"[:500]
        if move(job_id, "running", status="failed", finished_at=utcnow(), error=reason):
            job = _job(job_id)
            audit(None, "export.failed", job, reason=reason)
            announce(job)
        db.session.commit()
        return True
    db.session.rollback()  # the read transaction of the records
    checksum, finished = _sha256(path), utcnow()
    hours = current_app.config.get("REPORTS_EXPORT_HOURS", 24)
    done = {"rows_done": count, "file_name": name, "checksum": checksum}
    done |= {"finished_at": finished, "expires_at": finished + timedelta(hours=hours)}
    if not move(job_id, "running", status="done", **done):  # cancelled after the last report
        db.session.rollback()
        path.unlink(missing_ok=True)
        return True
    job = _job(job_id)
    audit(None, "export.completed", job, rows=count, checksum=checksum)
    announce(job)
    db.session.commit()
    log.info("export %s done: %s rows", job_id, count)
    return True


def move(job_id: int, current: str, /, **values: Any) -> bool:
    """Change a job that is ``current`` (in the session's transaction); False when another
    process changed it first (a cancel, another worker's sweep), so nothing is done twice."""
    moved = db.session.execute(
        update(ExportJob).where(ExportJob.id == job_id, ExportJob.status == current).values(values)
    )
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@periodic("reports.expire", minutes=10)
def expire_files() -> int:
    """Delete the files of finished jobs past their time, and fail jobs whose worker died;
    return how many expired."""
    now = utcnow()
    expired = list(
        db.session.scalars(
            select(ExportJob).where(ExportJob.status == "done", ExportJob.expires_at < now)
        )
    )
    for job in expired:
        path = file_of(job)
        if move(job.id, "done", status="expired", file_name=None) and path is not None:
            path.unlink(missing_ok=True)
    minutes = current_app.config.get("REPORTS_STALLED_MINUTES", 15)
    stalled = db.session.scalars(
        select(ExportJob).where(
            ExportJob.status == "running", ExportJob.progress_at < now - timedelta(minutes=minutes)
        )
    )
    error = _("The worker making this export stopped; start it again.")
    for job in list(stalled):
        if move(job.id, "running", status="failed", finished_at=now, error=error):
            audit(None, "export.failed", job, reason="stalled")
            announce(job)
    db.session.commit()
    return len(expired)


def run_pending() -> int:
    """Run the queued background tasks here and now (tests); return how many exports ran."""
    db.session.rollback()  # the caller's read transaction must not hold SQLite's lock
    ran = sum(1 for result in run_tasks() if result is True)
    db.session.expire_all()
    return ran
