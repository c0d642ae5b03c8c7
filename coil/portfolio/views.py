"""Portfolio pages: the page, its PDF and HTML exports, every recorded event, own data as JSON."""

from __future__ import annotations

import json

from flask import Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coil.accounts.models import User
from coil.evidence.kinds import KINDS
from coil.evidence.services import count_events_of, events_page
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import get_exchange_or_404
from coil.portfolio import bp
from coil.portfolio.data import Portfolio, portfolio_of
from coil.portfolio.own_data import own_data
from coil.portfolio.pdf import render_pdf
from coil.portfolio.permissions import can_view_portfolio, enrolment_in, get_portfolio_or_404
from coil.reflections.views.display import helpers as reflection_helpers

EVENTS_PER_PAGE = 100


def _portfolio(exchange_id: int, user_id: int) -> Portfolio:
    return portfolio_of(*get_portfolio_or_404(exchange_id, user_id))


def _filename(portfolio: Portfolio, extension: str) -> str:
    name = "".join(c if c.isalnum() else "-" for c in portfolio.student.name.lower()).strip("-")
    return f"portfolio-{name or portfolio.student.id}-exchange-{portfolio.exchange.id}.{extension}"


def _page_url(portfolio: Portfolio) -> str:
    return url_for(
        "portfolio.page",
        exchange_id=portfolio.exchange.id,
        user_id=portfolio.student.id,
        _external=True,
    )


@bp.route("/exchanges/<int:exchange_id>/portfolio")
@login_required
def mine(exchange_id: int) -> ResponseReturnValue:
    """Send a student to their own portfolio of the exchange."""
    exchange = get_exchange_or_404(exchange_id)
    if enrolment_in(exchange, current_user) is None:
        abort(404)
    return redirect(url_for("portfolio.page", exchange_id=exchange.id, user_id=current_user.id))


@bp.route("/exchanges/<int:exchange_id>/portfolio/<int:user_id>")
@login_required
def page(exchange_id: int, user_id: int) -> ResponseReturnValue:
    """Show one student's evidence in one exchange."""
    portfolio = _portfolio(exchange_id, user_id)
    return render_template(
        "portfolio/page.html",
        portfolio=portfolio,
        exchange=portfolio.exchange,
        own=portfolio.student.id == current_user.id,
        **reflection_helpers(),
    )


@bp.route("/exchanges/<int:exchange_id>/portfolio/<int:user_id>.pdf")
@login_required
def pdf(exchange_id: int, user_id: int) -> ResponseReturnValue:
    """Download the portfolio as a PDF, in the viewer's language and zone."""
    portfolio = _portfolio(exchange_id, user_id)
    body = render_pdf(portfolio, _page_url(portfolio))
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(portfolio, "pdf")}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/exchanges/<int:exchange_id>/portfolio/<int:user_id>.html")
@login_required
def html(exchange_id: int, user_id: int) -> ResponseReturnValue:
    """Download the portfolio as one self-contained HTML file."""
    portfolio = _portfolio(exchange_id, user_id)
    url = _page_url(portfolio)
    body = render_template(
        "portfolio/export.html", portfolio=portfolio, url=url, **reflection_helpers()
    )
    return Response(
        body,
        mimetype="text/html",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(portfolio, "html")}"',
            "Cache-Control": "private, no-store",
            # a self-contained file: its own <style>, nothing else, no script at all
            "Content-Security-Policy": (
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
            ),
        },
    )


@bp.route("/exchanges/<int:exchange_id>/portfolio/<int:user_id>/events")
@login_required
def events(exchange_id: int, user_id: int) -> ResponseReturnValue:
    """List every ledger event about the student in the exchange, newest first."""
    exchange, student, _enrolment = get_portfolio_or_404(exchange_id, user_id)
    total = count_events_of(exchange.id, student.id)
    pages = max(1, -(-total // EVENTS_PER_PAGE))
    number = request.args.get("page", 1, type=int) or 1
    if not 1 <= number <= pages:
        abort(404)
    return render_template(
        "portfolio/events.html",
        exchange=exchange,
        student=student,
        events=events_page(
            exchange.id, student.id, offset=(number - 1) * EVENTS_PER_PAGE, limit=EVENTS_PER_PAGE
        ),
        total=total,
        number=number,
        pages=pages,
        kinds=KINDS,
        own=student.id == current_user.id,
    )


@bp.route("/portfolio/my-data.json")
@login_required
def my_data() -> ResponseReturnValue:
    """Download everything the platform holds that is the signed-in person's own, as JSON."""
    body = json.dumps(own_data(current_user), ensure_ascii=False, indent=1, sort_keys=True)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="coil-my-data.json"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/portfolio/my-data")
@login_required
def my_data_page() -> ResponseReturnValue:
    """Explain what the own-data download holds, with the button to get it."""
    return render_template("portfolio/my_data.html", title=_("Your data"))


@bp.app_template_global()
def portfolio_visible(exchange: Exchange, student: User) -> bool:
    """Tell whether the viewer may open ``student``'s portfolio of ``exchange`` (roster links)."""
    return can_view_portfolio(current_user, exchange, student)
