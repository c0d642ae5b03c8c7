"""Exports: start one from the dashboard's filter, follow it, cancel it, download its file."""

from __future__ import annotations

from typing import Any

from flask import (
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from coil.accounts.models import Role
from coil.core.errors import ServiceError, render_error
from coil.extensions import db
from coil.reports import bp, jobs, services
from coil.reports.forms import ExportForm
from coil.reports.models import ExportJob
from coil.reports.permissions import get_job_or_404, require_reports
from coil.reports.views.filtering import filter_form

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl; charset=utf-8",
}


def _back() -> str:
    args: dict[str, Any] = request.args.to_dict()
    return url_for("reports.dashboard", **args)


@bp.route("/reports/exports", methods=["POST"])
@login_required
def start_export() -> ResponseReturnValue:
    """Queue an export of the records in the filter given in the query string."""
    require_reports()
    form, filters = filter_form()
    export = ExportForm()
    if filters is None or not export.validate_on_submit():
        for error in [*form.errors.values(), *export.errors.values()]:
            flash(" ".join(str(e) for e in error), "error")
        return redirect(_back()), 303
    try:
        services.request_export(
            current_user, filters, export.format.data, str(get_locale()), export.kind.data
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(_back()), 303
    flash(_("Your export is on its way; it appears here when it is ready."), "success")
    return redirect(url_for("reports.exports"))


def _visible_jobs() -> list[ExportJob]:
    mine = ExportJob.requested_by_id == current_user.id
    if current_user.role == Role.COORDINATOR:
        mine = or_(mine, ExportJob.institution_id == current_user.institution_id)
    return list(db.session.scalars(select(ExportJob).where(mine).order_by(ExportJob.id.desc())))


@bp.route("/reports/exports")
@login_required
def exports() -> ResponseReturnValue:
    """List the exports the viewer may follow and download."""
    require_reports()
    listed = _visible_jobs()
    return render_template(
        "reports/exports.html",
        jobs=listed,
        busy=any(job.status in ("queued", "running") for job in listed),
        needs_socket=True,  # progress arrives live (static/js/exports.js)
    )


@bp.route("/reports/exports/<int:job_id>")
@login_required
def export_status(job_id: int) -> ResponseReturnValue:
    """Return an export's status and progress as JSON."""
    job = get_job_or_404(job_id)
    return jsonify(services.progress_of(job))


@bp.route("/reports/exports/<int:job_id>/cancel", methods=["POST"])
@login_required
def cancel_export(job_id: int) -> ResponseReturnValue:
    """Cancel a queued or running export."""
    job = get_job_or_404(job_id)
    try:
        services.cancel_export(current_user, job)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("reports.exports")), 303
    flash(_("The export is cancelled."), "success")
    return redirect(url_for("reports.exports"))


@bp.route("/reports/exports/<int:job_id>/download")
@login_required
def download_export(job_id: int) -> ResponseReturnValue:
    """Download a finished export's file (audit-logged); expired or unfinished: 410 / 409."""
    job = get_job_or_404(job_id)
    if job.status == "expired":
        return render_error(410, _("This export has expired; start it again from the dashboard."))
    path = jobs.file_of(job) if job.status == "done" else None
    if path is None or not path.exists():
        return render_error(409, _("This export has no file to download yet."))
    services.record_download(current_user, job)
    stamp = job.created_at.strftime("%Y%m%d-%H%M")
    what = "ledger" if job.kind == "ledger" else "participation"
    return send_file(
        path,
        mimetype=MEDIA_TYPES[job.format],
        as_attachment=True,
        download_name=f"{what}-{stamp}.{job.format}",
        max_age=0,
    )
