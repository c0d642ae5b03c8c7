"""Proposal pages: parse, authorize, call one service, render or redirect."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from coil.accounts.models import Role
from coil.accounts.permissions import role_required
from coil.courses.models import Course
from coil.extensions import db
from coil.pairings import bp
from coil.pairings.models import Proposal


@bp.route("/")
@role_required(Role.LECTURER, Role.COORDINATOR)
def index() -> ResponseReturnValue:
    """List proposals received and sent (lecturer) or involving the institution (coordinator)."""
    sender, recipient = aliased(Course), aliased(Course)
    query = (
        select(Proposal)
        .join(sender, Proposal.from_course_id == sender.id)
        .join(recipient, Proposal.to_course_id == recipient.id)
        .order_by(Proposal.id.desc())
        .limit(200)
    )
    if current_user.role == Role.LECTURER:
        query = query.where(
            or_(sender.owner_id == current_user.id, recipient.owner_id == current_user.id)
        )
    else:
        institution = current_user.institution_id
        query = query.where(
            or_(sender.institution_id == institution, recipient.institution_id == institution)
        )
    return render_template("pairings/index.html", proposals=db.session.scalars(query).all())
