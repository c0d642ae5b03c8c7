"""Running exports in the background: a jobs table and a worker in the same process.

Why no job library: the default setup is one process on SQLite with nothing else to install,
and an export is the only background work there is. The ``export_jobs`` table is the queue;
a worker (a daemon thread, a greenlet under gevent) claims a job with a guarded ``UPDATE``
(queued -> running), so several processes, or workers on other machines sharing the database,
never run one job twice. Progress is written on a connection of its own every few hundred
rows, which is also where a cancellation is noticed. A failed or cancelled job's partial file
is deleted: only a finished file is ever offered. Files expire after
``REPORTS_EXPORT_HOURS`` hours (default 24).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import select, update

from coil.core.time import utcnow
from coil.extensions import db
from coil.reports import writers
from coil.reports.figures import Filters, dimension_keys, records
from coil.reports.labels import dimension_names
from coil.reports.models import ExportJob
from coil.reports.services import audit

log = logging.getLogger(__name__)
EXTENSION_KEY = "coil_reports_worker"


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


def claim(job_id: int) -> bool:
    """Mark a queued job running; False when another worker (or a cancel) got there first."""
    with db.engine.begin() as connection:
        claimed = connection.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == "queued")
            .values(status="running", started_at=utcnow())
        )
    return claimed.rowcount == 1


def _report(job_id: int, done: int) -> None:
    with db.engine.begin() as connection:
        status = connection.scalar(select(ExportJob.status).where(ExportJob.id == job_id))
        if status != "running":
            raise Cancelled
        connection.execute(update(ExportJob).where(ExportJob.id == job_id).values(rows_done=done))


def _job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None:  # deleted with its institution or requester while it ran
        raise LookupError(f"export job {job_id} is gone")
    return job


def run_job(job_id: int) -> None:
    """Run one queued export to the end (done, failed or cancelled)."""
    if not claim(job_id):
        return
    job = _job(job_id)
    db.session.refresh(job)
    name = f"{job.id}-{secrets.token_hex(8)}.{job.format}"
    path = export_dir() / name
    try:
        filters = Filters.from_dict(job.filters)
        with force_locale(job.locale):
            cols = writers.columns(dimension_keys(filters), dimension_names(str(get_locale())))
            count = writers.write(
                job.format, path, cols, records(filters), lambda n: _report(job_id, n)
            )
    except Cancelled:
        db.session.rollback()
        path.unlink(missing_ok=True)
        log.info("export %s cancelled", job_id)
        return
    except Exception as error:
        db.session.rollback()
        path.unlink(missing_ok=True)
        log.exception("export %s failed", job_id)
        job = _job(job_id)
        job.status, job.finished_at = "failed", utcnow()
        job.error = f"{type(error).__name__}: {error}"[:500]
        audit(None, "export.failed", job, reason=job.error)
        db.session.commit()
        return
    db.session.rollback()  # the read transaction of the records
    job = _job(job_id)
    if job.status != "running":  # cancelled after the last progress report
        path.unlink(missing_ok=True)
        return
    hours = current_app.config.get("REPORTS_EXPORT_HOURS", 24)
    job.status, job.rows_done, job.file_name = "done", count, name
    job.checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    job.finished_at = utcnow()
    job.expires_at = job.finished_at + timedelta(hours=hours)
    audit(None, "export.completed", job, rows=count, checksum=job.checksum)
    db.session.commit()
    log.info("export %s done: %s rows", job_id, count)


def expire_files() -> int:
    """Delete the files of finished jobs past their time; return how many expired."""
    now = utcnow()
    expired = list(
        db.session.scalars(
            select(ExportJob).where(ExportJob.status == "done", ExportJob.expires_at < now)
        )
    )
    for job in expired:
        path = file_of(job)
        if path is not None:
            path.unlink(missing_ok=True)
        job.status, job.file_name = "expired", None
    db.session.commit()
    return len(expired)


def run_pending() -> int:
    """Run every queued job, oldest first, and expire old files; return how many ran."""
    ids = list(
        db.session.scalars(
            select(ExportJob.id).where(ExportJob.status == "queued").order_by(ExportJob.id)
        )
    )
    db.session.rollback()
    for job_id in ids:
        run_job(job_id)
    expire_files()
    return len(ids)


def ensure_worker(app: Flask) -> None:
    """Start this process's export worker once (not under tests: they call ``run_pending``)."""
    if app.testing or app.extensions.get(EXTENSION_KEY):
        return
    app.extensions[EXTENSION_KEY] = True

    def work() -> Any:
        while True:
            with app.app_context():
                try:
                    ran = run_pending()
                except Exception:
                    log.exception("export worker round failed")
                    ran = 0
                finally:
                    db.session.remove()
            if not ran:
                time.sleep(2)

    threading.Thread(target=work, name="export-worker", daemon=True).start()
