"""The audit log: who asked for, received and downloaded which export, and when."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from coil.accounts.models import Role, User
from coil.extensions import db
from coil.reports import bp
from coil.reports.models import AuditEntry
from coil.reports.permissions import require_audit

LIMIT = 500


@bp.route("/reports/audit")
@login_required
def audit() -> ResponseReturnValue:
    """Show the institution's audit log (admins: every institution's), newest first."""
    require_audit()
    query = (
        select(AuditEntry, User.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.id.desc())
        .limit(LIMIT)
    )
    if current_user.role != Role.ADMIN:
        query = query.where(AuditEntry.institution_id == current_user.institution_id)
    return render_template(
        "reports/audit.html", entries=list(db.session.execute(query)), limit=LIMIT
    )
