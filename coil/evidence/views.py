"""Evidence pages: what the ledger records and why (the transparency page)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from coil.evidence import bp, services
from coil.evidence.kinds import AUDIENCE, KINDS
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import get_exchange_or_404, is_exchange_student


@bp.route("/<int:exchange_id>/evidence/recorded")
@login_required
def transparency(exchange_id: int) -> ResponseReturnValue:
    """List every kind of event the exchange records, why, and who sees it."""
    exchange = get_exchange_or_404(exchange_id)
    return render_template(
        "evidence/transparency.html",
        exchange=exchange,
        kinds=list(KINDS.values()),
        audience=AUDIENCE,
        student=is_exchange_student(current_user, exchange),
        form=FlaskForm(),
    )


@bp.route("/<int:exchange_id>/evidence/notice", methods=["POST"])
@login_required
def acknowledge(exchange_id: int) -> ResponseReturnValue:
    """Remember that the student has read what is recorded about them."""
    exchange = get_exchange_or_404(exchange_id)
    if FlaskForm().validate_on_submit() and is_exchange_student(current_user, exchange):
        services.acknowledge_notice(current_user, exchange)
        flash(_("Thank you. This page stays available from the exchange's menu."), "info")
    return redirect(url_for("exchanges.show", exchange_id=exchange.id))


@bp.app_template_global()
def evidence_notice_due(exchange: Exchange) -> bool:
    """Tell whether the viewer is a student of ``exchange`` who has not seen the notice yet."""
    return is_exchange_student(current_user, exchange) and not services.has_seen_notice(
        current_user, exchange
    )
