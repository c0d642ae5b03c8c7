"""Team pages after publishing: placing a late joiner, rebalancing after a drop-out, my team."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coil.core.errors import ServiceError
from coil.core.forms import form_status, options
from coil.exchanges.permissions import (
    get_exchange_or_404,
    is_exchange_coordinator,
    is_exchange_lecturer,
)
from coil.teams import bp, cohort, describe, services
from coil.teams.forms import ConfirmForm, PlaceForm
from coil.teams.models import Team
from coil.teams.permissions import team_of
from coil.teams.views.formation import back, context, refused


def _team_label(teams: list[Team], index: int) -> str:
    return str(teams[index].number) if 0 <= index < len(teams) else "?"


@bp.route("/<int:exchange_id>/teams/place/<int:user_id>", methods=["GET", "POST"])
@login_required
def place(exchange_id: int, user_id: int) -> ResponseReturnValue:
    """Suggest the best teams for a student who joined late, and place them in the chosen one."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    try:
        ranking, stored = services.placement_options(exchange, user_id)
    except ServiceError as error:
        return refused(exchange, error)
    form = PlaceForm()
    form.team.choices = options((t.number, t.number) for t in stored)
    if request.method == "GET" and ranking:
        form.team.data = stored[ranking[0].team].number
    if form.validate_on_submit():
        try:
            team = services.place_late_joiner(current_user, exchange, user_id, form.team.data)
        except ServiceError as error:
            return refused(exchange, error)
        flash(_("The student is placed in team %(number)d.", number=team.number), "success")
        return back(exchange)
    group = cohort.cohort(exchange)
    ctx = context(exchange, group)
    rows = [
        {
            "number": _team_label(stored, option.team),
            "score": format_decimal(option.score, "0.#"),
            "problems": [describe.violation(v, ctx) for v in option.violations],
        }
        for option in ranking
    ]
    return render_template(
        "teams/place.html",
        exchange=exchange,
        student=group.users[user_id],
        rows=rows,
        form=form,
    ), form_status(form)


@bp.route("/<int:exchange_id>/teams/leave/<int:user_id>", methods=["GET", "POST"])
@login_required
def rebalance(exchange_id: int, user_id: int) -> ResponseReturnValue:
    """Show the fewest moves that keep the teams valid when a student leaves; apply on confirm."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    try:
        plan = services.rebalance_options(exchange, user_id)
    except ServiceError as error:
        return refused(exchange, error)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.rebalance_after_dropout(current_user, exchange, user_id)
        except ServiceError as error:
            return refused(exchange, error)
        flash(_("The student left the team; the suggested moves are applied."), "success")
        return back(exchange)
    group = cohort.cohort(exchange)
    ctx = context(exchange, group)
    stored = cohort.draft(exchange)
    moves = [
        {
            "name": ctx.names.get(step.student_id, "?"),
            "from": _team_label(stored, step.from_team),
            "to": _team_label(stored, step.to_team),
        }
        for step in plan.moves
    ]
    leaving = next(m.user for t in stored for m in t.members if m.user_id == user_id)
    return render_template(
        "teams/leave.html",
        exchange=exchange,
        student=leaving,
        moves=moves,
        problems=[describe.violation(v, ctx) for v in plan.violations],
        form=form,
    )


@bp.route("/<int:exchange_id>/my-team")
@login_required
def mine(exchange_id: int) -> ResponseReturnValue:
    """Show a student their team once it is published: names, institutions, countries."""
    exchange = get_exchange_or_404(exchange_id)
    if is_exchange_lecturer(current_user, exchange) or is_exchange_coordinator(
        current_user, exchange
    ):
        return redirect(url_for("teams.index", exchange_id=exchange.id))
    team = team_of(current_user, exchange)
    members: list[dict[str, Any]] = []
    if team is not None:
        for member in team.members:
            institution = member.user.institution
            members.append(
                {
                    "name": member.user.name,
                    "institution": institution.name if institution else "",
                    "country": institution.country if institution else "",
                    "me": member.user_id == current_user.id,
                }
            )
    return render_template(
        "teams/mine.html",
        exchange=exchange,
        team=team,
        members=members,
    )
