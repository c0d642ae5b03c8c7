"""A student's journal: the exchange's prompts by phase, the editor with a server-side preview,
the history of submitted versions with their feedback, and the sharing settings."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from coil.accounts.models import Role
from coil.accounts.permissions import Actor, is_signed_in
from coil.core.errors import ServiceError
from coil.core.forms import form_status, refuse
from coil.exchanges.models import Exchange, ExchangePhase
from coil.extensions import db
from coil.reflections import bp, queries, services
from coil.reflections.forms import ConfirmForm, EntryForm, SharingForm
from coil.reflections.models import ReflectionEntry, ReflectionPrompt
from coil.reflections.permissions import get_entry_or_404, get_exchange_or_404
from coil.reflections.views.display import dimension_names, helpers, markdown
from coil.teams.permissions import team_of


@bp.app_template_global()
def reflections_due(user: Actor) -> list[queries.Due]:
    """Return the prompts asked of a student that they have not submitted yet, soonest due
    first (open, or due within a week, or overdue); nothing for anyone else."""
    if not is_signed_in(user) or user.role != Role.STUDENT:
        return []
    return queries.due_for(user)


def _by_phase(
    exchange: Exchange, prompts: Iterable[ReflectionPrompt]
) -> list[tuple[ExchangePhase | None, list[ReflectionPrompt]]]:
    prompts = list(prompts)
    groups: list[tuple[ExchangePhase | None, list[ReflectionPrompt]]] = [
        (phase, [p for p in prompts if p.phase_id == phase.id]) for phase in exchange.phases
    ]
    groups.append((None, [p for p in prompts if p.phase_id is None]))
    return [(phase, items) for phase, items in groups if items]


@bp.route("/exchanges/<int:exchange_id>/journal")
@login_required
def journal(exchange_id: int) -> ResponseReturnValue:
    """Show the student's journal: prompts by phase with due moments and status, and what
    teammates shared."""
    exchange = get_exchange_or_404(exchange_id, "journal")
    mine = queries.journal_of(current_user, exchange)
    prompts = queries.prompts_of(exchange)
    open_ids = {prompt.id for prompt in prompts}
    team = team_of(current_user, exchange)
    shared = queries.shared_with(
        current_user, exchange, [m.user_id for m in team.members] if team else []
    )
    return render_template(
        "reflections/journal.html",
        exchange=exchange,
        groups=_by_phase(exchange, prompts),
        status={p.id: queries.status_of(mine.get(p.id)) for p in prompts},
        earlier=[e for pid, e in mine.items() if pid not in open_ids and e.versions],
        shared=shared,
        dimensions=dimension_names(exchange),
        **helpers(),
    )


def _journal_prompt_or_404(exchange_id: int, prompt_id: int) -> ReflectionPrompt:
    exchange = get_exchange_or_404(exchange_id, "journal")
    prompt = db.session.get(ReflectionPrompt, prompt_id)
    if prompt is None or prompt.exchange_id != exchange.id or prompt.archived_at is not None:
        abort(404)
    return prompt


@bp.route("/exchanges/<int:exchange_id>/journal/<int:prompt_id>", methods=["GET", "POST"])
@login_required
def write(exchange_id: int, prompt_id: int) -> ResponseReturnValue:
    """Write an entry: save a draft, preview it, or submit it as the next version."""
    prompt = _journal_prompt_or_404(exchange_id, prompt_id)
    exchange = prompt.exchange
    entry = queries.entry_of(prompt, current_user)
    form = EntryForm()
    preview: Markup | None = None
    if request.method == "GET" and entry is not None:
        latest = entry.latest
        form.body.data = entry.draft if entry.draft is not None else latest and latest.body
    if form.validate_on_submit():
        try:
            if form.action.data == "preview":
                preview = markdown(form.body.data or "")
            elif form.action.data == "submit":
                version = services.submit(current_user, exchange, prompt, form.body.data)
                flash(_("Version %(n)d is submitted.", n=version.number), "success")
                return _to_editor(prompt)
            else:
                services.save_draft(current_user, exchange, prompt, form.body.data)
                flash(_("Your draft is saved."), "success")
                return _to_editor(prompt)
        except ServiceError as error:
            refuse(form, error)
            entry = queries.entry_of(prompt, current_user)
    return render_template(
        "reflections/write.html",
        exchange=exchange,
        prompt=prompt,
        entry=entry,
        status=queries.status_of(entry),
        form=form,
        preview=preview,
        sharing_form=_sharing_form(entry),
        confirm_form=ConfirmForm(),
        dimensions=dimension_names(exchange),
        **helpers(),
    ), form_status(form)


def _to_editor(prompt: ReflectionPrompt) -> ResponseReturnValue:
    return redirect(
        url_for("reflections.write", exchange_id=prompt.exchange_id, prompt_id=prompt.id)
    )


def _sharing_form(entry: ReflectionEntry | None) -> SharingForm:
    form = SharingForm(formdata=None)
    if entry is not None:
        form.shared.data, form.in_portfolio.data = entry.shared, entry.in_portfolio
    return form


def _back_to(entry: ReflectionEntry) -> ResponseReturnValue:
    if entry.prompt.archived_at is None:
        return _to_editor(entry.prompt)
    return redirect(url_for("reflections.entry", entry_id=entry.id))


@bp.route("/reflections/entries/<int:entry_id>/sharing", methods=["POST"])
@login_required
def sharing(entry_id: int) -> ResponseReturnValue:
    """Share one's entry with the team or not, and mark it for the portfolio or not."""
    entry = get_entry_or_404(entry_id, own=True)
    form = SharingForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_sharing(
        current_user, entry, shared=form.shared.data, in_portfolio=form.in_portfolio.data
    )
    flash(_("Your choices for this entry are saved."), "success")
    return _back_to(entry)


@bp.route("/reflections/entries/<int:entry_id>/discard", methods=["POST"])
@login_required
def discard(entry_id: int) -> ResponseReturnValue:
    """Drop the changes not submitted yet (the submitted versions stay)."""
    entry = get_entry_or_404(entry_id, own=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.discard_draft(current_user, entry)
    flash(_("Your unsubmitted changes are discarded."), "success")
    return _back_to(entry)
