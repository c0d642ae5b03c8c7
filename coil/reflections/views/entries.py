"""Reading an entry: every version with its feedback (its author, the exchange's lecturers,
coordinators of the author's institution), or the latest submitted text (teammates it was
shared with); lecturers write feedback on a version here."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coil.core.errors import ServiceError
from coil.core.forms import refuse
from coil.reflections import bp, queries, services
from coil.reflections.forms import FeedbackForm
from coil.reflections.models import ReflectionEntry, ReflectionVersion
from coil.reflections.permissions import (
    can_give_feedback,
    can_read_in_full,
    can_write,
    get_entry_or_404,
    get_version_or_404,
    is_author,
)
from coil.reflections.views.display import dimension_names, helpers


def _page(
    entry: ReflectionEntry,
    form: FeedbackForm | None = None,
    failed: ReflectionVersion | None = None,
) -> str:
    full = can_read_in_full(current_user, entry)
    versions = list(reversed(entry.versions)) if full else entry.versions[-1:]
    exchange = entry.prompt.exchange
    return render_template(
        "reflections/entry.html",
        exchange=exchange,
        prompt=entry.prompt,
        entry=entry,
        versions=versions,
        full=full,
        mine=is_author(current_user, entry),
        can_write=is_author(current_user, entry) and can_write(current_user, entry.prompt),
        can_give_feedback=can_give_feedback(current_user, entry),
        status=queries.status_of(entry),
        form=form or FeedbackForm(formdata=None),
        failed=failed,
        dimensions=dimension_names(exchange),
        **helpers(),
    )


@bp.route("/reflections/entries/<int:entry_id>")
@login_required
def entry(entry_id: int) -> ResponseReturnValue:
    """Read an entry (what the viewer may see of it)."""
    return _page(get_entry_or_404(entry_id))


@bp.route("/reflections/versions/<int:version_id>/feedback", methods=["POST"])
@login_required
def feedback(version_id: int) -> ResponseReturnValue:
    """Write feedback on one version; the student is notified."""
    version = get_version_or_404(version_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            services.give_feedback(current_user, version, form.body.data)
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Your feedback is saved; the student is notified."), "success")
            return redirect(
                url_for(
                    "reflections.entry", entry_id=version.entry_id, _anchor=f"v{version.number}"
                )
            )
    return _page(version.entry, form, version), 422
