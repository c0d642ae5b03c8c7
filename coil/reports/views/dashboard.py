"""The coordinators' dashboard: their institution's exchanges, in figures."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import login_required

from coil.reports import bp, emissions
from coil.reports.forms import ExportForm
from coil.reports.labels import figure_rows, helpers
from coil.reports.overview import overview
from coil.reports.permissions import require_reports
from coil.reports.views.filtering import filter_form


@bp.route("/reports")
@login_required
def dashboard() -> ResponseReturnValue:
    """Show the figures of the exchanges in the filter (own institution; admins: all)."""
    require_reports()
    form, filters = filter_form()
    view = overview(filters) if filters is not None else None
    locale = str(get_locale())
    return render_template(
        "reports/dashboard.html",
        form=form,
        view=view,
        export_form=ExportForm(formdata=None),
        rows=figure_rows(view, locale) if view is not None else {},
        bands=emissions.BANDS,
        **helpers(),
    ), (200 if filters is not None else 422)
