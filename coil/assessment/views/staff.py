"""The lecturers' and coordinators' pages: progress and agreement between raters (staff), the
peer details with their flags (lecturers), one student's record with the evidence beside the
rating form, reopening a window and the per-institution setting (lecturers)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coil.accounts.models import Role
from coil.assessment import bp, queries, services
from coil.assessment.forms import RatingForm, ReopenForm, SettingsForm, chosen
from coil.assessment.models import PEERS, STAGES, WINDOWS
from coil.assessment.permissions import (
    can_rate,
    can_see_peer_details,
    can_see_student,
    get_exchange_or_404,
    get_student_or_404,
)
from coil.assessment.views.display import catme_shown, helpers, rubric_shown
from coil.assessment.windows import window
from coil.core.errors import ServiceError
from coil.core.forms import refuse
from coil.core.time import utcnow
from coil.evidence.kinds import KINDS
from coil.exchanges.models import Exchange
from coil.reflections.queries import student_reflections


def _overview(exchange: Exchange, **forms: object) -> str:
    lecturer = can_see_peer_details(current_user, exchange)
    mine_only = current_user.role == Role.COORDINATOR
    enrolments = (
        queries.students(exchange, current_user.institution_id if mine_only else None)
        if lecturer or mine_only
        else []
    )
    return render_template(
        "assessment/overview.html",
        exchange=exchange,
        progress=queries.progress(exchange),
        agreement=queries.agreement(exchange),
        rubric=rubric_shown(exchange),
        enrolments=enrolments,
        lecturer=lecturer,
        teams=queries.peer_details(exchange) if lecturer else [],
        windows={kind: window(exchange, kind) for kind in WINDOWS},
        per_institution=services.per_institution(exchange),
        reopen_form=forms.get("reopen_form") or ReopenForm(formdata=None),
        settings_form=forms.get("settings_form")
        or SettingsForm(formdata=None, per_institution=services.per_institution(exchange)),
        catme=catme_shown(),
        **helpers(),
    )


@bp.route("/exchanges/<int:exchange_id>/assessment/overview")
@login_required
def overview(exchange_id: int) -> ResponseReturnValue:
    """Show how far the assessment is and how far raters agree; lecturers also see every
    student, the peer details and the flags; coordinators their own institution's students."""
    return _overview(get_exchange_or_404(exchange_id))


@bp.route(
    "/exchanges/<int:exchange_id>/assessment/windows/<any(pre, post, peers):kind>/reopen",
    methods=["POST"],
)
@login_required
def reopen(exchange_id: int, kind: str) -> ResponseReturnValue:
    """Open a window again for a number of days."""
    exchange = get_exchange_or_404(exchange_id, "manage")
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            services.reopen(current_user, exchange, kind, utcnow() + timedelta(days=form.days.data))
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The window is open again."), "success")
            return redirect(url_for("assessment.overview", exchange_id=exchange.id))
    return _overview(exchange, reopen_form=form), 422


@bp.route("/exchanges/<int:exchange_id>/assessment/settings", methods=["POST"])
@login_required
def settings(exchange_id: int) -> ResponseReturnValue:
    """Ask for one rating per member institution, or one per lecturer."""
    exchange = get_exchange_or_404(exchange_id, "manage")
    form = SettingsForm()
    if form.validate_on_submit():
        services.set_per_institution(current_user, exchange, form.per_institution.data)
        flash(_("The setting is saved."), "success")
        return redirect(url_for("assessment.overview", exchange_id=exchange.id))
    return _overview(exchange, settings_form=form), 422


def _record(exchange_id: int, user_id: int, form: RatingForm | None = None, failed=None) -> str:
    exchange, student = get_student_or_404(exchange_id, user_id)
    done = queries.self_assessments(exchange, student)
    ratings = queries.ratings_of(exchange, student)
    rater = can_rate(current_user, exchange)
    return render_template(
        "assessment/student.html",
        exchange=exchange,
        student=student,
        done=done,
        change=queries.change(done),
        ratings=ratings,
        aggregate=queries.peer_aggregate(exchange, student),
        rubric=rubric_shown(exchange),
        can_rate=rater and not any(r.rater_id == current_user.id for r in ratings),
        reflections=student_reflections(current_user, exchange, student),
        ledger=queries.ledger_by_kind(exchange, student),
        kinds=KINDS,
        form=form or RatingForm(formdata=None),
        failed=failed,
        picked=chosen(request.form, "d_", [d.key for d in rubric_shown(exchange)]),
        min_raters=queries.MIN_RATERS,
        stages=STAGES,
        peers_kind=PEERS,
        **helpers(),
    )


@bp.route("/exchanges/<int:exchange_id>/assessment/students/<int:user_id>")
@login_required
def student(exchange_id: int, user_id: int) -> ResponseReturnValue:
    """Show one student's assessment record; lecturers rate here, beside the evidence."""
    return _record(exchange_id, user_id)


@bp.route("/exchanges/<int:exchange_id>/assessment/students/<int:user_id>/rate", methods=["POST"])
@login_required
def rate(exchange_id: int, user_id: int) -> ResponseReturnValue:
    """Rate one student on the exchange's rubric; they are notified."""
    exchange, student = get_student_or_404(exchange_id, user_id)
    if not can_rate(current_user, exchange) or not can_see_student(current_user, exchange, student):
        abort(403)
    form = RatingForm()
    failed = None
    if form.validate_on_submit():
        levels = chosen(request.form, "d_", [d.key for d in rubric_shown(exchange)])
        try:
            services.rate(current_user, exchange, student, levels, form.note.data or "")
        except ServiceError as error:
            refuse(form, error)
            failed = error.field
        else:
            flash(_("Your rating is saved; the student is notified."), "success")
            return redirect(
                url_for("assessment.student", exchange_id=exchange.id, user_id=student.id)
            )
    return _record(exchange_id, user_id, form, failed), 422
