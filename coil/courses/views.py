"""Course pages: parse, authorize, call one service, render or redirect."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from coil.accounts.models import Role
from coil.accounts.permissions import role_required
from coil.courses import bp
from coil.courses.models import Course
from coil.extensions import db


@bp.route("/")
@role_required(Role.LECTURER, Role.COORDINATOR)
def index() -> ResponseReturnValue:
    """List the lecturer's own courses, or the coordinator's institution's courses."""
    query = select(Course).order_by(Course.first_day.desc(), Course.title)
    if current_user.role == Role.LECTURER:
        query = query.where(Course.owner_id == current_user.id)
    else:
        query = query.where(Course.institution_id == current_user.institution_id)
    return render_template("courses/index.html", courses=db.session.scalars(query).all())
