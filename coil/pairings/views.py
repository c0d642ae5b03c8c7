"""Proposal pages: parse, authorize, call one service, render or redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased
from werkzeug.wrappers import Response

from coil.accounts.models import Role
from coil.accounts.permissions import role_required
from coil.core.errors import ServiceError
from coil.core.forms import form_status, options, refuse
from coil.core.safety import query_id
from coil.courses import partner_search
from coil.courses.describe import describe
from coil.courses.models import Course
from coil.courses.permissions import get_course_or_404
from coil.exchanges.models import Exchange
from coil.extensions import db
from coil.pairings import bp, services
from coil.pairings.defaults import agreement_defaults
from coil.pairings.forms import AGREEMENT_LABELS, AgreementForm, DeclineForm, ProposeForm, ReplyForm
from coil.pairings.models import AGREEMENT_KEYS, Proposal
from coil.pairings.permissions import (
    can_answer,
    can_see_contact_details,
    can_take_part,
    can_withdraw,
    get_proposal_or_404,
    is_proposer,
)


@bp.app_template_global()
def exchange_agreements(exchange: Exchange) -> list[Proposal]:
    """Return the accepted proposals behind ``exchange``, for the exchange's page."""
    return services.accepted_proposals(exchange)


@bp.app_template_global()
def agreement_label(key: str) -> str:
    """Name an agreement point in the viewer's language (for the exchange's page)."""
    return str(AGREEMENT_LABELS[key][0]) if key in AGREEMENT_LABELS else key


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
    proposals = db.session.scalars(query).all()
    received = [p for p in proposals if p.to_course.owner_id == current_user.id]
    sent = [p for p in proposals if p.from_course.owner_id == current_user.id]
    others = [p for p in proposals if p not in received and p not in sent]
    return render_template(
        "pairings/index.html",
        received=received,
        sent=sent,
        others=others,
        unresolved=services.unresolved,
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.LECTURER)
def new() -> ResponseReturnValue:
    """Propose one of one's courses to a partner course, seeing why they match."""
    to_course = get_course_or_404(query_id("to_course_id") or 0)
    mine = db.session.scalars(
        select(Course)
        .where(Course.owner_id == current_user.id, Course.status.in_(("open", "paired")))
        .order_by(Course.title)
    ).all()
    form = ProposeForm()
    form.from_course_id.choices = options((c.id, c.title) for c in mine)
    if request.method == "GET" and query_id("from_course_id"):
        form.from_course_id.data = query_id("from_course_id")
    from_course = next((c for c in mine if c.id == form.from_course_id.data), None)
    if from_course is None and mine:
        from_course = mine[0]
    if form.validate_on_submit() and from_course is not None:
        try:
            proposal = services.propose(current_user, from_course, to_course, form.message.data)
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Your proposal is sent. You will be notified of the answer."), "success")
            return redirect(url_for("pairings.show", proposal_id=proposal.id))
    fit = partner_search.explain(from_course, to_course) if from_course else None
    return render_template(
        "pairings/new.html",
        form=form,
        to_course=to_course,
        from_course=from_course,
        fit=fit,
        describe=describe,
        has_courses=bool(mine),
        joining=services.current_exchange(from_course) if from_course else None,
    ), form_status(form)


def _agreement_form(proposal: Proposal, fit: object) -> AgreementForm:
    form = AgreementForm(prefix="agreement")
    suggested = agreement_defaults(fit, proposal.from_course.exchange_weeks)
    if request.method == "GET" or not form.is_submitted():
        mine = (
            "confirmed_by_proposer"
            if is_proposer(current_user, proposal)
            else ("confirmed_by_recipient")
        )
        for item in proposal.agreement:
            getattr(form, item.key).data = item.text or suggested.get(item.key, "")
            getattr(form, f"{item.key}_ok").data = getattr(item, mine)
        side = "identities_by_" + mine.removeprefix("confirmed_by_")
        form.share_identities.data = getattr(proposal, side)
    return form


def _page(proposal: Proposal, status: int = 200, **forms: object) -> ResponseReturnValue:
    fit = partner_search.explain(proposal.from_course, proposal.to_course)
    return render_template(
        "pairings/show.html",
        proposal=proposal,
        fit=fit,
        describe=describe,
        agreement_form=forms.get("agreement_form") or _agreement_form(proposal, fit),
        reply_form=forms.get("reply_form") or ReplyForm(prefix="reply"),
        decline_form=forms.get("decline_form") or DeclineForm(prefix="decline"),
        labels=AGREEMENT_LABELS,
        keys=AGREEMENT_KEYS,
        unresolved=services.unresolved(proposal),
        can_take_part=can_take_part(current_user, proposal),
        can_answer=can_answer(current_user, proposal),
        can_withdraw=can_withdraw(current_user, proposal),
        show_contacts=can_see_contact_details(current_user, proposal),
        i_proposed=is_proposer(current_user, proposal),
    ), status


@bp.route("/<int:proposal_id>")
@login_required
def show(proposal_id: int) -> ResponseReturnValue:
    """Show a proposal: both courses, why they fit, the conversation and the agreement."""
    return _page(get_proposal_or_404(proposal_id))


def _back(proposal: Proposal) -> Response:
    return redirect(url_for("pairings.show", proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/reply", methods=["POST"])
@login_required
def reply(proposal_id: int) -> ResponseReturnValue:
    """Add a message to the conversation."""
    proposal = get_proposal_or_404(proposal_id)
    if not can_take_part(current_user, proposal):
        abort(403)
    form = ReplyForm(prefix="reply")
    if form.validate_on_submit():
        try:
            services.reply(current_user, proposal, form.body.data)
        except ServiceError as error:
            refuse(form, error)
        else:
            return _back(proposal)
    return _page(proposal, 422, reply_form=form)


@bp.route("/<int:proposal_id>/agreement", methods=["POST"])
@login_required
def agreement(proposal_id: int) -> ResponseReturnValue:
    """Save one's side of the collaboration agreement."""
    proposal = get_proposal_or_404(proposal_id)
    if not can_take_part(current_user, proposal):
        abort(403)
    form = AgreementForm(prefix="agreement")
    if form.validate_on_submit():
        texts = {key: getattr(form, key).data or "" for key in AGREEMENT_KEYS}
        confirmed = {key for key in AGREEMENT_KEYS if getattr(form, f"{key}_ok").data}
        try:
            services.update_agreement(
                current_user, proposal, texts, confirmed, form.share_identities.data
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The agreement is saved."), "success")
            return _back(proposal)
    return _page(proposal, 422, agreement_form=form)


@bp.route("/<int:proposal_id>/accept", methods=["POST"])
@login_required
def accept(proposal_id: int) -> ResponseReturnValue:
    """Accept the proposal; the exchange is created."""
    proposal = get_proposal_or_404(proposal_id)
    if not can_answer(current_user, proposal):
        abort(403)
    try:
        exchange = services.accept(current_user, proposal)
    except ServiceError as error:
        flash(error.message, "error")
        return _back(proposal)
    flash(
        _("Accepted. The exchange is set up; you can now see each other's contact details."),
        "success",
    )
    if exchange.teams_published_at is not None:
        flash(
            _(
                "The exchange's teams were already published: open Teams to place the new "
                "students in them, or re-form the teams and publish them again."
            ),
            "info",
        )
    return redirect(url_for("exchanges.show", exchange_id=exchange.id))


@bp.route("/<int:proposal_id>/decline", methods=["POST"])
@login_required
def decline(proposal_id: int) -> ResponseReturnValue:
    """Decline the proposal with a reason."""
    proposal = get_proposal_or_404(proposal_id)
    if not can_answer(current_user, proposal):
        abort(403)
    form = DeclineForm(prefix="decline")
    if form.validate_on_submit():
        try:
            services.decline(current_user, proposal, form.reason.data)
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The proposal is declined; the other lecturer is told why."), "info")
            return _back(proposal)
    return _page(proposal, 422, decline_form=form)


@bp.route("/<int:proposal_id>/withdraw", methods=["POST"])
@login_required
def withdraw(proposal_id: int) -> ResponseReturnValue:
    """Withdraw one's own proposal."""
    proposal = get_proposal_or_404(proposal_id)
    if not can_withdraw(current_user, proposal):
        abort(403)
    services.withdraw(current_user, proposal)
    flash(_("The proposal is withdrawn."), "info")
    return _back(proposal)
