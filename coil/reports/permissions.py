"""Who sees reports, starts exports, downloads them and reads the audit log.

- Coordinators see their own institution's dashboard and export their own institution's
  students' records; admins see every institution together and export every record;
  lecturers see and export the exchanges their own courses take part in (their own courses'
  students by name). Partner institutions' students come along pseudonymised (``privacy``).
- An export's status and file belong to the person who asked for it and to the coordinators
  of its institution (the international office shares its work); nobody else, admins included,
  downloads another institution's records.
- The audit log of an institution: its coordinators, and admins.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.extensions import db
from coil.reports.models import ExportJob


def can_see_reports(actor: Actor) -> bool:
    """Tell whether ``actor`` may open the dashboard and export (coordinators, lecturers,
    admins)."""
    if not is_signed_in(actor):
        return False
    if actor.role == Role.ADMIN:
        return True
    return actor.role in (Role.COORDINATOR, Role.LECTURER) and actor.institution_id is not None


def can_read_audit(actor: Actor) -> bool:
    """Tell whether ``actor`` may read an audit log (coordinators, admins)."""
    return can_see_reports(actor) and actor.role in (Role.COORDINATOR, Role.ADMIN)


def scope_of(actor: Actor) -> int | None:
    """Return the institution whose records ``actor`` sees (None: every institution)."""
    return None if actor.role == Role.ADMIN else actor.institution_id


def owner_of(actor: Actor) -> int | None:
    """Return the lecturer whose courses narrow ``actor``'s reports (None: not a lecturer)."""
    return actor.id if actor.role == Role.LECTURER else None


def can_use_job(actor: Actor, job: ExportJob) -> bool:
    """Tell whether ``actor`` may follow, cancel and download ``job``."""
    if not can_see_reports(actor):
        return False
    if job.requested_by_id == actor.id:
        return True
    return (
        actor.role == Role.COORDINATOR
        and job.institution_id is not None
        and job.institution_id == actor.institution_id
    )


def get_job_or_404(job_id: int) -> ExportJob:
    """Load an export job the current user may use (404 when missing, 403 otherwise)."""
    job = db.session.get(ExportJob, job_id)
    if job is None:
        abort(404)
    if not can_use_job(current_user, job):
        abort(403)
    return job


def require_reports() -> None:
    """Refuse anyone who may not see reports (403)."""
    if not can_see_reports(current_user):
        abort(403)


def require_audit() -> None:
    """Refuse anyone who may not read the audit log (403)."""
    if not can_read_audit(current_user):
        abort(403)
