"""Reports: export jobs (a file produced in the background) and the audit log of who exported
or downloaded whose records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from coil.core.models import TimestampMixin, UTCDateTime
from coil.extensions import Base

FORMATS = ("csv", "xlsx", "jsonl")
KINDS = ("records", "ledger")  # participation records; every ledger event in the filter
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled", "expired")


class ExportJob(TimestampMixin, Base):
    """A participation-records export: asked for, run by a worker, offered until it expires.

    ``institution_id`` is the scope (None: every institution, admins only); ``filters`` the
    dashboard filters as plain data. The file is only offered when ``status`` is ``done``.
    """

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint(f"status IN {JOB_STATUSES}", name="status"),
        CheckConstraint(f"format IN {FORMATS}", name="format"),
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
        Index("ix_export_jobs_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8), default="records", server_default="records")
    format: Mapped[str] = mapped_column(String(8))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_expected: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(200))
    checksum: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the file
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a running job's pulse
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


AUDIT_ACTIONS = ("export.requested", "export.completed", "export.failed", "export.downloaded")


class AuditEntry(TimestampMixin, Base):
    """Who exported or downloaded which institution's individual records, and when.

    Append-only: the ORM refuses updates (and the migration adds triggers that refuse them in
    the database), so the log stays what happened.
    """

    __tablename__ = "report_audit_entries"
    __table_args__ = (
        CheckConstraint(f"action IN {AUDIT_ACTIONS}", name="action"),
        Index("ix_report_audit_entries_institution", "institution_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE")
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("export_jobs.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(*_args: Any) -> None:
    raise ValueError("the audit log is append-only: record a new entry")
