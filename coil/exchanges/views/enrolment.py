"""Enrolment pages: join links, CSV rosters, the student profile for team formation."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from coil.accounts import services as accounts
from coil.accounts.models import Invitation
from coil.core.errors import ServiceError
from coil.core.forms import form_status, options, refuse
from coil.core.safety import site_url
from coil.courses.models import Course
from coil.exchanges import bp, enrolling, services, student_profile
from coil.exchanges.forms import ActionForm, JoinLinkForm, RosterForm, TeamProfileForm
from coil.exchanges.models import Enrolment, Exchange
from coil.exchanges.permissions import (
    can_manage_exchange,
    enrolment_of,
    get_exchange_or_404,
    get_staff_exchange_or_404,
)
from coil.exchanges.roster import MAX_BYTES, MAX_ROWS, RosterFileError, RowError, parse_roster
from coil.extensions import db


def own_courses(exchange: Exchange) -> list[Course]:
    """Return the member courses the current user teaches."""
    return [c for c in exchange.courses if c.owner_id == current_user.id]


def _course_choices(exchange: Exchange) -> list[Any]:
    return options((c.id, c.title) for c in own_courses(exchange))


def _roster_page(
    exchange: Exchange,
    *,
    link_form: JoinLinkForm | None = None,
    roster_form: RosterForm | None = None,
    new_link: str | None = None,
    row_errors: list[RowError] | None = None,
    summary: enrolling.RosterResult | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    manage = can_manage_exchange(current_user, exchange)
    link_form = link_form or JoinLinkForm(formdata=None)
    roster_form = roster_form or RosterForm(formdata=None)
    link_form.course_id.choices = _course_choices(exchange)
    roster_form.course_id.choices = _course_choices(exchange)
    enrolments = enrolling.enrolments_of(exchange)
    by_course = {c.id: [e for e in enrolments if e.course_id == c.id] for c in exchange.courses}
    links = (
        db.session.scalars(
            select(Invitation)
            .where(Invitation.course_id.in_([c.id for c in own_courses(exchange)]))
            .order_by(Invitation.created_at.desc())
        ).all()
        if manage
        else []
    )
    return render_template(
        "exchanges/roster.html",
        exchange=exchange,
        manage=manage,
        by_course=by_course,
        own_course_ids={c.id for c in own_courses(exchange)} if manage else set(),
        link_form=link_form,
        roster_form=roster_form,
        action_form=ActionForm(),
        links=links,
        new_link=new_link,
        row_errors=row_errors,
        describe_row_error=describe_row_error,
        summary=summary,
    ), status


@bp.route("/<int:exchange_id>/roster")
@login_required
def roster(exchange_id: int) -> ResponseReturnValue:
    """List the students per course; lecturers also get join links and the CSV upload."""
    return _roster_page(get_staff_exchange_or_404(exchange_id))


@bp.route("/<int:exchange_id>/join-links", methods=["POST"])
@login_required
def create_join_link(exchange_id: int) -> ResponseReturnValue:
    """Create a join link for one of the lecturer's member courses; show it once."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    form = JoinLinkForm()
    form.course_id.choices = _course_choices(exchange)
    if form.validate_on_submit():
        course = db.session.get(Course, form.course_id.data) or abort(404)
        try:
            _invitation, token = enrolling.create_join_link(
                current_user, course, max_uses=form.max_uses.data, days=form.days.data
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Join link created. Copy it now: it is shown only once."), "success")
            return _roster_page(exchange, new_link=site_url("accounts.join", token=token))
    return _roster_page(exchange, link_form=form, status=form_status(form) or 422)


def describe_row_error(error: RowError) -> str:
    """Say in the UI language why a roster row cannot be imported."""
    messages = {
        "empty_name": _("the name is empty"),
        "long_name": _("the name is longer than 120 characters"),
        "empty_email": _("the e-mail address is empty"),
        "invalid_email": _("%(value)s is not a valid e-mail address", value=error.value),
        "long_student_number": _("the student number is longer than 40 characters"),
        "duplicate_email": _("%(value)s appears earlier in the file", value=error.value),
        "not_student": _(
            "%(value)s belongs to an account that is not a student account", value=error.value
        ),
        "inactive": _("the account %(value)s is switched off", value=error.value),
        "other_course": _(
            "%(value)s is already enrolled in another course of this exchange", value=error.value
        ),
    }
    return messages.get(error.code, _("this row cannot be read"))


def describe_file_error(error: RosterFileError) -> str:
    """Say in the UI language why a roster file cannot be read at all."""
    if error.code == "encoding":
        return _(
            'The file is not in UTF-8. In Excel, choose Save As → "CSV UTF-8 (comma delimited)"'
            '; in LibreOffice, choose the character set "Unicode (UTF-8)". Save the file as '
            "CSV UTF-8 and upload it again."
        )
    if error.code == "missing_columns":
        columns = ", ".join(str(c) for c in error.params.get("columns", []))  # type: ignore[attr-defined]
        return _(
            "The header row lacks the column(s) %(columns)s. The first row must name the "
            "columns name, email and (optionally) student_number.",
            columns=columns,
        )
    if error.code == "too_large":
        return _(
            "The file is larger than %(n)d MB. Split the roster in parts.", n=MAX_BYTES // 2**20
        )
    if error.code == "too_many_rows":
        return _("The file has more than %(n)d students. Split the roster in parts.", n=MAX_ROWS)
    if error.code in ("empty", "no_rows"):
        return _("The file holds no students: a header row and one row per student are needed.")
    return _(
        "The file cannot be read as CSV (near row %(n)s). Save it as CSV UTF-8 again.",
        n=error.params.get("line", "?"),
    )


@bp.route("/<int:exchange_id>/roster/upload", methods=["POST"])
@login_required
def upload_roster(exchange_id: int) -> ResponseReturnValue:
    """Import a CSV roster into one of the lecturer's courses: every row, or none."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    form = RosterForm()
    form.course_id.choices = _course_choices(exchange)
    if not form.validate_on_submit():
        return _roster_page(exchange, roster_form=form, status=422)
    course = db.session.get(Course, form.course_id.data) or abort(404)
    data = form.roster.data.stream.read(MAX_BYTES + 1)
    try:
        parsed = parse_roster(data)
    except RosterFileError as error:
        form.roster.errors = [describe_file_error(error)]
        return _roster_page(exchange, roster_form=form, status=422)
    if parsed.errors:
        form.form_errors.append(
            _("Nothing was imported: correct the rows listed below and try again.")
        )
        return _roster_page(exchange, roster_form=form, row_errors=parsed.errors, status=422)
    try:
        result = enrolling.import_roster(current_user, course, parsed.rows)
    except enrolling.RosterRejected as rejected:
        refuse(form, rejected)
        return _roster_page(exchange, roster_form=form, row_errors=rejected.errors, status=422)
    except ServiceError as error:
        refuse(form, error)
        return _roster_page(exchange, roster_form=form, status=422)
    flash(
        " ".join(
            [
                ngettext("%(num)d new account,", "%(num)d new accounts,", result.created),
                ngettext(
                    "%(num)d student enrolled,", "%(num)d students enrolled,", result.enrolled
                ),
                ngettext("%(num)d already enrolled.", "%(num)d already enrolled.", result.already),
            ]
        ),
        "success",
    )
    current_app.logger.info("roster for exchange %s imported", exchange.id)
    return redirect(url_for("exchanges.roster", exchange_id=exchange.id))


@bp.route("/<int:exchange_id>/enrolments/<int:enrolment_id>/drop", methods=["POST"])
@login_required
def drop(exchange_id: int, enrolment_id: int) -> ResponseReturnValue:
    """Mark one of the lecturer's own students as dropped out."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.exchange_id != exchange.id:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        enrolling.drop_student(current_user, enrolment)
    except ServiceError:
        abort(403)
    flash(_("%(name)s is marked as dropped out.", name=enrolment.user.name), "success")
    return redirect(url_for("exchanges.roster", exchange_id=exchange.id))


@bp.route("/<int:exchange_id>/profile", methods=["GET", "POST"])
@login_required
def profile(exchange_id: int) -> ResponseReturnValue:
    """Let an enrolled student give availability and optional answers for team formation."""
    exchange = get_exchange_or_404(exchange_id)
    enrolment = enrolment_of(current_user, exchange)
    if enrolment is None:
        abort(403)
    attributes = services.attributes_of(exchange)
    form = TeamProfileForm()
    if request.method == "GET":
        stored = accounts.availability_of(current_user)
        form.fill_from([(s.weekday, s.start_time, s.end_time) for s in stored])
        answers = student_profile.answers_of(current_user, exchange)
        form.fill_answers(attributes)
        for entry, attribute in zip(form.answers, attributes, strict=False):
            entry.form.value.data = answers.get(attribute.id, "")
    else:
        form.fill_answers(attributes)
    form.fill_choices()
    if form.validate_on_submit():
        try:
            student_profile.save_team_profile(
                current_user,
                exchange,
                slots=form.chosen_slots(),
                answers=form.answer_values(attributes),
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Your profile for team formation is saved."), "success")
            return redirect(url_for("exchanges.show", exchange_id=exchange.id))
    return render_template(
        "exchanges/profile.html",
        exchange=exchange,
        enrolment=enrolment,
        form=form,
        attributes=list(zip(form.answers, attributes, strict=False)),
    ), form_status(form)
