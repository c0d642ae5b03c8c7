"""Exchange pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from coil.accounts.models import Role
from coil.accounts.permissions import role_required
from coil.core.errors import ServiceError
from coil.core.forms import form_status, refuse
from coil.courses.models import Course
from coil.exchanges import bp, services
from coil.exchanges.forms import SettingsForm, phase_names, settings_form_data
from coil.exchanges.models import Enrolment, Exchange, ExchangeCourse
from coil.exchanges.permissions import (
    can_manage_exchange,
    enrolment_of,
    get_exchange_or_404,
    get_staff_exchange_or_404,
    is_exchange_lecturer,
    is_exchange_staff,
)
from coil.extensions import db


@bp.app_template_global()
def exchange_staff(exchange: Exchange) -> bool:
    """Tell whether the viewer runs or follows ``exchange`` (for its navigation)."""
    return is_exchange_staff(current_user, exchange)


@bp.route("/")
@role_required(Role.LECTURER, Role.COORDINATOR, Role.ADMIN, Role.STUDENT)
def index() -> ResponseReturnValue:
    """List the student's, lecturer's, or coordinator's institution's exchanges."""
    if current_user.role == Role.STUDENT:
        mine = (
            select(Exchange)
            .join(Enrolment, Enrolment.exchange_id == Exchange.id)
            .where(Enrolment.user_id == current_user.id, Enrolment.status == "active")
            .order_by(Exchange.start_date.desc())
        )
        return render_template("exchanges/index.html", exchanges=db.session.scalars(mine).all())
    # A subquery, not DISTINCT: PostgreSQL cannot compare the JSON columns of exchanges.
    members = select(ExchangeCourse.exchange_id).join(Course, Course.id == ExchangeCourse.course_id)
    if current_user.role == Role.LECTURER:
        members = members.where(Course.owner_id == current_user.id)
    elif current_user.role == Role.COORDINATOR:
        members = members.where(Course.institution_id == current_user.institution_id)
    query = select(Exchange).where(Exchange.id.in_(members)).order_by(Exchange.start_date.desc())
    return render_template("exchanges/index.html", exchanges=db.session.scalars(query).all())


@bp.route("/<int:exchange_id>")
@login_required
def show(exchange_id: int) -> ResponseReturnValue:
    """Show an exchange: its courses, lecturers (with contact details), dates and agreements."""
    exchange = get_exchange_or_404(exchange_id)
    return render_template(
        "exchanges/show.html",
        exchange=exchange,
        is_lecturer=is_exchange_lecturer(current_user, exchange),
        is_staff=is_exchange_staff(current_user, exchange),
        enrolment=enrolment_of(current_user, exchange),
        phases=services.planned_phases(exchange),
        phases_saved=bool(exchange.phases),
        phase_names=phase_names(),
    )


@bp.route("/<int:exchange_id>/settings", methods=["GET", "POST"])
@login_required
def settings(exchange_id: int) -> ResponseReturnValue:
    """Edit the title, dates, phases and team attributes (lecturers); coordinators read."""
    exchange = get_staff_exchange_or_404(exchange_id)
    manage = can_manage_exchange(current_user, exchange)
    if request.method == "POST" and not manage:
        abort(403)
    attributes = services.attributes_of(exchange)
    if request.method == "GET":
        data = settings_form_data(exchange, services.planned_phases(exchange), attributes)
        form = SettingsForm(data=data)
    else:
        form = SettingsForm()
    if form.validate_on_submit():
        try:
            services.update_settings(
                current_user,
                exchange,
                title=form.title.data,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                phases=form.phase_data(),
                attributes=form.attribute_data(),
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The exchange's settings are saved."), "success")
            return redirect(url_for("exchanges.show", exchange_id=exchange.id))
    return render_template(
        "exchanges/settings.html",
        exchange=exchange,
        form=form,
        manage=manage,
        overlap=services.teaching_overlap(exchange),
        attributes=attributes,
        phase_names=phase_names(),
    ), form_status(form)
