"""The student's wallet: their badges, whether each is public, downloads and share links."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from coil.core.errors import ServiceError
from coil.credentials import bp, queries, services
from coil.credentials.evidence import entry_title
from coil.credentials.permissions import get_award_or_404
from coil.reflections.queries import portfolio_entries


@bp.get("/credentials")
@login_required
def wallet() -> str:
    """List the current user's badges (empty for anyone who earns none)."""
    awards = queries.awards_of_student(current_user.id)
    locale = str(get_locale())
    choices = {
        award.id: [
            (entry, entry_title(entry, locale))
            for entry in portfolio_entries(current_user, award.exchange)
        ]
        for award in awards
    }
    return render_template("credentials/wallet.html", awards=awards, choices=choices)


@bp.post("/credentials/<int:award_id>/sharing")
@login_required
def sharing(award_id: int) -> Response:
    """Make a badge public or private, and give or clear the holder's DID."""
    award = get_award_or_404(award_id)
    try:
        services.set_public(
            current_user,
            award,
            public=request.form.get("public") == "y",
            did=request.form.get("did", ""),
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for(".wallet"), 303)
    flash(_("Your choice is saved."), "success")
    return redirect(url_for(".wallet"))


@bp.post("/credentials/<int:award_id>/evidence")
@login_required
def choose_evidence(award_id: int) -> Response:
    """Make the chosen portfolio entries public as the badge's evidence."""
    award = get_award_or_404(award_id)
    try:
        chosen = [int(value) for value in request.form.getlist("entry")]
    except ValueError:
        chosen = [-1]  # not a number: refused below like any entry that is not theirs
    try:
        services.set_evidence(current_user, award, chosen)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for(".wallet"), 303)
    flash(_("Your choice is saved."), "success")
    return redirect(url_for(".wallet"))
