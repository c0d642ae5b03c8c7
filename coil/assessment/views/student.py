"""A student's assessment pages: what is open, the self-assessment form with the rubric's
descriptors, the change from pre to post, lecturers' ratings, the peer evaluation of
teammates, and the anonymous aggregate of what teammates gave them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from coil.accounts.models import Role, User
from coil.accounts.permissions import Actor, is_signed_in
from coil.assessment import bp, catme, queries, services
from coil.assessment.forms import LevelsForm, chosen
from coil.assessment.models import PEERS, STAGES
from coil.assessment.permissions import get_exchange_or_404
from coil.assessment.views.display import catme_shown, helpers, rubric_shown
from coil.assessment.windows import window
from coil.core.errors import ServiceError
from coil.core.forms import refuse
from coil.extensions import db
from coil.teams.permissions import team_of


@bp.app_template_global()
def assessments_due(user: Actor) -> list[queries.Due]:
    """Return the self-assessments and peer evaluations open for a student and not given yet;
    nothing for anyone else."""
    if not is_signed_in(user) or user.role != Role.STUDENT:
        return []
    return queries.due_for(user)


@bp.route("/exchanges/<int:exchange_id>/assessment")
@login_required
def mine(exchange_id: int) -> ResponseReturnValue:
    """Show the student's assessment: windows, their self-assessments and change, ratings
    received, and the anonymous peer aggregate."""
    exchange = get_exchange_or_404(exchange_id, "self")
    done = queries.self_assessments(exchange, current_user)
    return render_template(
        "assessment/mine.html",
        exchange=exchange,
        windows={kind: window(exchange, kind) for kind in (*STAGES, PEERS)},
        done=done,
        change=queries.change(done),
        ratings=queries.ratings_of(exchange, current_user),
        evaluated=queries.evaluation_of(exchange, current_user) is not None,
        aggregate=queries.peer_aggregate(exchange, current_user),
        has_team=team_of(current_user, exchange) is not None,
        rubric=rubric_shown(exchange),
        min_raters=queries.MIN_RATERS,
        **helpers(),
    )


@bp.route(
    "/exchanges/<int:exchange_id>/assessment/self/<any(pre, post):stage>",
    methods=["GET", "POST"],
)
@login_required
def self_assess(exchange_id: int, stage: str) -> ResponseReturnValue:
    """Let the student choose a level per rubric dimension, with the descriptors beside it."""
    exchange = get_exchange_or_404(exchange_id, "self")
    rubric = rubric_shown(exchange)
    form = LevelsForm()
    failed: str | None = None
    already = queries.self_assessments(exchange, current_user).get(stage)
    if form.validate_on_submit():
        levels = chosen(request.form, "d_", [d.key for d in rubric])
        try:
            services.submit_self_assessment(current_user, exchange, stage, levels)
        except ServiceError as error:
            refuse(form, error)
            failed = error.field
        else:
            flash(_("Your self-assessment is saved."), "success")
            return redirect(url_for("assessment.mine", exchange_id=exchange.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "assessment/self.html",
        exchange=exchange,
        stage=stage,
        rubric=rubric,
        form=form,
        failed=failed,
        picked=chosen(request.form, "d_", [d.key for d in rubric]),
        already=already,
        open=window(exchange, stage).is_open(),
        **helpers(),
    ), status


@bp.route("/exchanges/<int:exchange_id>/assessment/peers", methods=["GET", "POST"])
@login_required
def peers(exchange_id: int) -> ResponseReturnValue:
    """Let the student rate each teammate, and themself, on the five teamwork dimensions."""
    exchange = get_exchange_or_404(exchange_id, "self")
    team = team_of(current_user, exchange)
    active = queries.active_among(exchange, {m.user_id for m in team.members}) if team else set()
    others = active - {current_user.id}
    mates = list(
        db.session.scalars(select(User).where(User.id.in_(others)).order_by(User.name, User.id))
    )
    form = LevelsForm()
    if form.validate_on_submit():
        scores = {mate.id: chosen(request.form, f"p_{mate.id}_", catme.KEYS) for mate in mates}
        own = chosen(request.form, "s_", catme.KEYS)
        try:
            services.evaluate_peers(current_user, exchange, scores, own)
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Your peer evaluation is saved."), "success")
            return redirect(url_for("assessment.mine", exchange_id=exchange.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "assessment/peers.html",
        exchange=exchange,
        mates=mates,
        dimensions=catme_shown(),
        form=form,
        values=request.form,
        already=queries.evaluation_of(exchange, current_user) is not None,
        open=window(exchange, PEERS).is_open(),
        team=team,
        **helpers(),
    ), status
