"""The engagement page of an exchange, its chart data, the lecturers' setting, and the summary
box the exchange page shows its lecturers (template global ``engagement_summary``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coil.core import time as clock
from coil.core.errors import ServiceError
from coil.core.forms import form_status, refuse
from coil.engagement import bp, queries, services
from coil.engagement.describe import (
    chart_data,
    course_names,
    describe,
    kind_labels,
    percent,
    week_label,
)
from coil.engagement.forms import SettingsForm
from coil.engagement.permissions import (
    can_configure,
    get_exchange_or_404,
    own_institution,
    sees_everyone,
)
from coil.engagement.summary import Overview, inactivity_days, overview
from coil.exchanges.models import Exchange


@bp.app_template_global()
def engagement_summary(exchange: Exchange) -> dict[str, Any] | None:
    """Return the warning counts by code for the exchange's lecturers (None for others)."""
    if not sees_everyone(current_user, exchange):
        return None
    found = overview(exchange, clock.utcnow()).warnings
    return {"total": len(found), "codes": Counter(warning.code for warning in found)}


def _page(exchange: Exchange, form: SettingsForm) -> ResponseReturnValue:
    seen = overview(exchange, clock.utcnow())
    everyone = sees_everyone(current_user, exchange)
    institution = own_institution(current_user, exchange)
    if everyone:
        students = seen.students
    elif institution is not None:
        students = [s for s in seen.students if s.institution_id == institution]
    else:
        students = []
    names = {student.user_id: student.name for student in seen.students}
    courses = course_names(exchange)
    return render_template(
        "engagement/page.html",
        exchange=exchange,
        seen=seen,
        everyone=everyone,
        students=students,
        teams={team.team_id: team for team in seen.teams},
        warnings=[describe(w, names, courses, seen) for w in seen.warnings] if everyone else [],
        total=queries.totals(seen.students)[None] if seen.students else queries.Figures(),
        by_course=queries.totals(seen.students, "course_id"),
        courses=courses,
        weekly=queries.weekly_counts(exchange, queries.daily_counts(exchange)),
        kinds=kind_labels(),
        form=form,
        can_configure=can_configure(current_user, exchange),
        percent=percent,
        week_label=week_label,
    ), form_status(form)


@bp.route("/exchanges/<int:exchange_id>/engagement")
@login_required
def page(exchange_id: int) -> ResponseReturnValue:
    """Show an exchange's engagement figures, charts and early warnings to its staff."""
    exchange = get_exchange_or_404(exchange_id)
    form = SettingsForm(data={"inactivity_days": inactivity_days(exchange)})
    return _page(exchange, form)


@bp.route("/exchanges/<int:exchange_id>/engagement/data.json")
@login_required
def data(exchange_id: int) -> ResponseReturnValue:
    """Answer the figures the page's charts draw (the same the page's tables hold)."""
    exchange = get_exchange_or_404(exchange_id)
    seen: Overview = overview(exchange, clock.utcnow())
    weekly = queries.weekly_counts(exchange, queries.daily_counts(exchange))
    return jsonify(chart_data(seen, weekly))


@bp.route("/exchanges/<int:exchange_id>/engagement/settings", methods=["POST"])
@login_required
def settings(exchange_id: int) -> ResponseReturnValue:
    """Set after how many quiet days a student is flagged (the exchange's lecturers)."""
    exchange = get_exchange_or_404(exchange_id, configure=True)
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            services.set_inactivity_days(current_user, exchange, form.inactivity_days.data)
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("engagement.page", exchange_id=exchange.id))
    return _page(exchange, form)
