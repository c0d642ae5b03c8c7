"""Staff pages: an exchange's badges, defining and revising them, decisions, awards."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.credentials import bp, permissions, queries, services
from coil.credentials.evidence import rule_text
from coil.credentials.forms import AwardForm, BadgeForm, RevokeForm, format_rules
from coil.credentials.permissions import (
    get_award_or_404,
    get_badge_or_404,
    get_exchange_or_404,
    get_version_or_404,
)
from coil.exchanges.models import Exchange
from coil.extensions import db


def _students(exchange: Exchange) -> list[tuple[int, str]]:
    people = db.session.scalars(
        db.select(User).where(User.id.in_(queries.active_students(exchange))).order_by(User.name)
    )
    return [(person.id, person.name) for person in people]


@bp.get("/exchanges/<int:exchange_id>/badges")
@login_required
def badges(exchange_id: int) -> str:
    """List the exchange's badges, their versions and awards (its staff)."""
    exchange = get_exchange_or_404(exchange_id)
    found = queries.badges_of(exchange)
    return render_template(
        "credentials/badges.html",
        exchange=exchange,
        badges=found,
        awards={badge.id: queries.awards_of_badge(badge) for badge in found},
        can_define=permissions.can_define_badges(current_user, exchange),
        can_manage=lambda badge: permissions.can_manage_badge(current_user, badge),
        can_decide=lambda badge: permissions.can_decide(current_user, badge),
        can_revoke=lambda award: permissions.can_revoke(current_user, award),
        rule_text=rule_text,
        students=_students(exchange),
        award_form=AwardForm(),
        revoke_form=RevokeForm(),
    )


def _badge_form(form: BadgeForm, exchange_id: int, badge_id: int | None = None) -> str:
    return render_template(
        "credentials/badge_form.html", form=form, exchange_id=exchange_id, badge_id=badge_id
    )


@bp.route("/exchanges/<int:exchange_id>/badges/new", methods=["GET", "POST"])
@login_required
def new_badge(exchange_id: int) -> str | Response | tuple[str, int]:
    """Define a badge; it awaits the coordinator's approval."""
    exchange = get_exchange_or_404(exchange_id, define=True)
    form = BadgeForm()
    if form.validate_on_submit():
        try:
            services.create_badge(current_user, exchange, form.data_for_service())
        except ServiceError as error:
            getattr(form, error.field or "name").errors.append(error.message)
            return _badge_form(form, exchange.id), 422
        flash(_("The badge waits for your coordinator's approval."), "success")
        return redirect(url_for(".badges", exchange_id=exchange.id))
    return _badge_form(form, exchange.id), 422 if form.errors else 200


@bp.route("/badges/<int:badge_id>/edit", methods=["GET", "POST"])
@login_required
def edit_badge(badge_id: int) -> str | Response | tuple[str, int]:
    """Change a badge: a new version, approved again before it is awarded."""
    badge = get_badge_or_404(badge_id)
    latest = badge.latest
    form = BadgeForm(obj=latest if request.method == "GET" else None)
    if request.method == "GET":
        form.rules.data = format_rules(latest.rules)
        form.alignment.data = ", ".join(latest.alignment)
        form.learning_outcomes.data = "\n".join(latest.learning_outcomes)
    if form.validate_on_submit():
        try:
            services.revise_badge(current_user, badge, form.data_for_service())
        except ServiceError as error:
            getattr(form, error.field or "name").errors.append(error.message)
            return _badge_form(form, badge.exchange_id, badge.id), 422
        flash(_("The new version waits for your coordinator's approval."), "success")
        return redirect(url_for(".badges", exchange_id=badge.exchange_id))
    return _badge_form(form, badge.exchange_id, badge.id), 422 if form.errors else 200


@bp.post("/badge-versions/<int:version_id>/decision")
@login_required
def decide(version_id: int) -> Response:
    """Approve or reject a version (a coordinator of the issuing institution)."""
    version = get_version_or_404(version_id)
    approve = request.form.get("decision") == "approve"
    try:
        services.decide(current_user, version, approve=approve)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Approved.") if approve else _("Rejected."), "success")
    return redirect(url_for(".badges", exchange_id=version.badge.exchange_id))


@bp.post("/exchanges/<int:exchange_id>/badges/check")
@login_required
def check(exchange_id: int) -> Response:
    """Award every approved badge to the students who meet its rules now (lecturers)."""
    exchange = get_exchange_or_404(exchange_id, define=True)
    made = services.award_by_rules(exchange)
    flash(
        ngettext("%(num)d new badge awarded.", "%(num)d new badges awarded.", len(made)),
        "success",
    )
    return redirect(url_for(".badges", exchange_id=exchange.id))


@bp.post("/badges/<int:badge_id>/award")
@login_required
def award(badge_id: int) -> Response:
    """Award a badge by hand, with a written justification."""
    badge = get_badge_or_404(badge_id)
    form = AwardForm()
    target = url_for(".badges", exchange_id=badge.exchange_id)
    student = db.session.get(User, form.student.data) if form.student.data else None
    if not form.validate_on_submit() or student is None:
        flash(_("Choose a student and write why they earned the badge."), "error")
        return redirect(target, 303)
    try:
        services.award_manually(current_user, badge, student, form.justification.data)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(target, 303)
    flash(_("Awarded to %(name)s.", name=student.name), "success")
    return redirect(target)


@bp.post("/awards/<int:award_id>/revoke")
@login_required
def revoke(award_id: int) -> Response:
    """Revoke an award with a reason (the issuing institution's coordinator)."""
    award = get_award_or_404(award_id, "revoke")
    form = RevokeForm()
    target = url_for(".badges", exchange_id=award.exchange_id)
    if not form.validate_on_submit():
        flash(_("Give the reason for revoking."), "error")
        return redirect(target, 303)
    try:
        services.revoke(current_user, award, form.reason.data)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(target, 303)
    flash(_("Revoked. The student was told."), "success")
    return redirect(target)
