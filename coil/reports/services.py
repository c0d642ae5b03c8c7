"""Every change in reports: asking for an export, cancelling it, recording a download.

Each flushes with the caller's transaction, audit entry included, so an export is never asked
for without its line in the audit log. Running an export is ``jobs.run_export``.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _

from coil.accounts.models import User
from coil.core.channels import user_channel
from coil.core.errors import ServiceError
from coil.core.events import notify
from coil.core.tasks import enqueue
from coil.core.time import utcnow
from coil.extensions import db
from coil.reports.figures import Filters, count_records
from coil.reports.ledger import count_events
from coil.reports.models import FORMATS, KINDS, AuditEntry, ExportJob
from coil.reports.permissions import can_see_reports, can_use_job, owner_of, scope_of

log = logging.getLogger(__name__)


def audit(actor: User | None, action: str, job: ExportJob, **details: Any) -> None:
    """Append one line to the audit log about ``job``."""
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,
            institution_id=job.institution_id,
            job_id=job.id,
            action=action,
            details={"format": job.format, "filters": job.filters, **details},
        )
    )


def progress_of(job: ExportJob) -> dict[str, Any]:
    """Return what the exports page shows of a job (the ``export`` live event's payload)."""
    return {
        "id": job.id,
        "status": job.status,
        "rows_done": job.rows_done,
        "rows_expected": job.rows_expected,
        "error": job.error,
    }


def announce(job: ExportJob) -> None:
    """Push the job's status to the person who asked, after the current transaction commits."""
    notify("export", job.status, progress_of(job), [user_channel(job.requested_by_id)])


def request_export(
    actor: User, filters: Filters, fmt: str, locale: str, kind: str = "records"
) -> ExportJob:
    """Queue an export of the records (or the raw ledger, ``kind``) in ``filters`` (the actor's
    own scope) in ``fmt``."""
    if not can_see_reports(actor):
        raise ServiceError(_("Only coordinators, lecturers and administrators can export records."))
    if fmt not in FORMATS:
        raise ServiceError(_("Choose a format from the list."), field="format")
    if kind not in KINDS:
        raise ServiceError(_("Choose what to export from the list."), field="kind")
    if filters.institution_id != scope_of(actor) or filters.owner_id != owner_of(actor):
        raise ServiceError(_("You can only export your own institution's records."))
    job = ExportJob(
        requested_by_id=actor.id,
        institution_id=filters.institution_id,
        kind=kind,
        format=fmt,
        locale=locale,
        filters=filters.as_dict(),
        rows_expected=count_events(filters) if kind == "ledger" else count_records(filters),
    )
    db.session.add(job)
    db.session.flush()
    audit(actor, "export.requested", job, kind=kind, rows_expected=job.rows_expected)
    enqueue("reports.export", job.id)  # sent to the workers once the job's row is committed
    log.info("user %s asked for export %s (%s)", actor.id, job.id, fmt)
    return job


def cancel_export(actor: User, job: ExportJob) -> None:
    """Cancel a queued or running export (the worker stops at its next progress report)."""
    if not can_use_job(actor, job):
        raise ServiceError(_("You cannot cancel this export."))
    if job.status not in ("queued", "running"):
        raise ServiceError(_("This export has already ended."), code="ended")
    job.status, job.finished_at = "cancelled", utcnow()
    db.session.flush()
    audit(actor, "export.failed", job, reason="cancelled")
    announce(job)
    log.info("user %s cancelled export %s", actor.id, job.id)


def record_download(actor: User, job: ExportJob) -> None:
    """Note in the audit log that ``actor`` downloaded ``job``'s file."""
    audit(actor, "export.downloaded", job, checksum=job.checksum, rows=job.rows_done)
