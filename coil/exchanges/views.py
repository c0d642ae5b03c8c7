"""Exchange pages."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from coil.accounts.models import Role
from coil.accounts.permissions import role_required
from coil.courses.models import Course
from coil.exchanges import bp
from coil.exchanges.models import Exchange, ExchangeCourse
from coil.exchanges.permissions import get_exchange_or_404, is_exchange_lecturer
from coil.extensions import db
from coil.pairings.models import Proposal


@bp.route("/")
@role_required(Role.LECTURER, Role.COORDINATOR, Role.ADMIN)
def index() -> ResponseReturnValue:
    """List the exchanges of the lecturer's courses, or of the coordinator's institution."""
    query = (
        select(Exchange)
        .join(ExchangeCourse, ExchangeCourse.exchange_id == Exchange.id)
        .join(Course, Course.id == ExchangeCourse.course_id)
        .order_by(Exchange.start_date.desc())
        .distinct()
    )
    if current_user.role == Role.LECTURER:
        query = query.where(Course.owner_id == current_user.id)
    elif current_user.role == Role.COORDINATOR:
        query = query.where(Course.institution_id == current_user.institution_id)
    return render_template("exchanges/index.html", exchanges=db.session.scalars(query).all())


@bp.route("/<int:exchange_id>")
@login_required
def show(exchange_id: int) -> ResponseReturnValue:
    """Show an exchange: its courses, lecturers (with contact details), dates and agreements."""
    exchange = get_exchange_or_404(exchange_id)
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.exchange_id == exchange.id, Proposal.status == "accepted")
        .order_by(Proposal.id)
    ).all()
    return render_template(
        "exchanges/show.html",
        exchange=exchange,
        proposals=proposals,
        is_lecturer=is_exchange_lecturer(current_user, exchange),
    )


# Enrolment and team pages live in their own modules on the same blueprint.
from coil.exchanges import enrolment_views, team_views  # noqa: E402,F401
