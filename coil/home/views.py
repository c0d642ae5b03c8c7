"""The landing page and each role's home page."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select

from coil.accounts.models import Invitation, Role, User
from coil.accounts.permissions import is_signed_in
from coil.accounts.services import count_users_by_role
from coil.core.time import utcnow
from coil.courses.partner_search import find_matches
from coil.exchanges.forms import phase_names
from coil.extensions import db
from coil.home import bp, queries, staff
from coil.institutions.models import Institution

MATCHES_SHOWN = 3


def _open_invitations(**where: int | None) -> int:
    query = (
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.revoked_at.is_(None),
            Invitation.use_count < Invitation.max_uses,
            Invitation.expires_at > utcnow(),
        )
    )
    for column, value in where.items():
        query = query.where(getattr(Invitation, column) == value)
    return db.session.scalar(query) or 0


@bp.context_processor
def _names() -> dict[str, object]:
    return {"phase_names": phase_names()}


@bp.route("/")
def index() -> ResponseReturnValue:
    """Show the visitor landing page, or the signed-in user's role home page."""
    if not is_signed_in(current_user):
        return render_template("home/landing.html")
    if current_user.role == Role.ADMIN:
        institutions = db.session.scalars(select(Institution).order_by(Institution.name)).all()
        return render_template(
            "home/admin.html",
            institutions=institutions,
            counts=count_users_by_role(),
            open_invitations=_open_invitations(),
            invitations=staff.open_invitations(Role.COORDINATOR),
        )
    if current_user.role == Role.COORDINATOR:
        institution = current_user.institution
        institution_id = current_user.institution_id
        lecturers = db.session.scalars(
            select(User)
            .where(User.institution_id == institution_id, User.role == Role.LECTURER)
            .order_by(User.name)
        ).all()
        return render_template(
            "home/coordinator.html",
            institution=institution,
            counts=count_users_by_role(institution_id),
            lecturers=lecturers,
            open_invitations=_open_invitations(institution_id=institution_id),
            proposals=staff.pending_proposals(institution_id=institution_id),
            exchanges=staff.staff_exchanges(institution_id=institution_id),
            reviews=staff.partners_to_review(institution_id),
        )
    if current_user.role == Role.LECTURER:
        return _lecturer_home()
    exchanges = queries.student_exchanges(current_user)
    return render_template(
        "home/student.html",
        exchanges=exchanges,
        asks=queries.asked_of_student(current_user, exchanges),
    )


def _lecturer_home() -> str:
    courses = staff.courses_of(current_user)
    busy = staff.courses_in_exchanges([course.id for course in courses])
    # Best matches only for open courses still looking for a partner: the engine is not free.
    matches = {
        course.id: find_matches(course, limit=MATCHES_SHOWN)
        for course in courses
        if course.status == "open" and course.id not in busy
    }
    return render_template(
        "home/lecturer.html",
        courses=courses,
        busy=busy,
        matches=matches,
        proposals=staff.pending_proposals(owner_id=current_user.id),
        exchanges=staff.staff_exchanges(owner_id=current_user.id),
        open_invitations=_open_invitations(created_by_id=current_user.id),
    )


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer 200 when the database answers (for load balancers)."""
    db.session.execute(select(1))
    return {"status": "ok"}
