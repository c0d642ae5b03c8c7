"""The lecturers' pages: an exchange's reflection prompts with their counts, writing and
picking prompts, and the students' entries per prompt."""

from __future__ import annotations

from datetime import time

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from coil.core.errors import ServiceError
from coil.core.forms import form_status, options, refuse
from coil.core.reference import timezone_choices
from coil.core.time import local
from coil.exchanges.forms import phase_names
from coil.exchanges.models import DEFAULT_PHASES, Exchange
from coil.exchanges.services import planned_phases
from coil.reflections import bp, queries, services, starters
from coil.reflections.forms import ConfirmForm, PromptForm, StarterForm, language_names
from coil.reflections.models import ReflectionPrompt
from coil.reflections.permissions import (
    can_list_entries,
    can_manage_prompts,
    get_exchange_or_404,
    get_prompt_or_404,
    is_member_coordinator,
)
from coil.reflections.views.display import dimension_names, helpers

DEFAULT_DUE = time(23, 59)


def _to_prompts(exchange: Exchange) -> ResponseReturnValue:
    return redirect(url_for("reflections.prompts", exchange_id=exchange.id))


@bp.route("/exchanges/<int:exchange_id>/reflections")
@login_required
def prompts(exchange_id: int) -> ResponseReturnValue:
    """List an exchange's prompts by due moment with how many students submitted each."""
    exchange = get_exchange_or_404(exchange_id, "counts")
    return render_template(
        "reflections/prompts.html",
        exchange=exchange,
        prompts=queries.prompts_of(exchange),
        archived=queries.prompts_of(exchange, archived=True),
        counts=queries.submitted_counts(exchange),
        students=queries.active_students(exchange),
        can_manage=can_manage_prompts(current_user, exchange),
        can_list=can_list_entries(current_user, exchange),
        dimensions=dimension_names(exchange),
        confirm_form=ConfirmForm(),
        **helpers(),
    )


def _prompt_form(exchange: Exchange, prompt: ReflectionPrompt | None = None) -> PromptForm:
    form = PromptForm()
    form.phase.choices = options(
        (position, phase.title or phase_label_for_key(phase.key))
        for position, phase in enumerate(planned_phases(exchange))
    )
    form.dimensions.choices = options(dimension_names(exchange).items())
    if request.method == "GET":
        if prompt is None:
            form.timezone.data = current_user.timezone
            form.due_time.data = DEFAULT_DUE
        else:
            due = local(prompt.due_at, prompt.due_timezone)
            form.phase.data = prompt.phase.position if prompt.phase is not None else 0
            form.text_en.data = prompt.texts.get("en", "")
            form.text_nl.data = prompt.texts.get("nl", "")
            form.text_es.data = prompt.texts.get("es", "")
            form.dimensions.data = list(prompt.dimensions)
            form.due_day.data, form.due_time.data = due.date(), due.time()
            form.timezone.data = prompt.due_timezone
    return form


def phase_label_for_key(key: str) -> str:
    """Name a planned phase by its kind (a phase not stored yet has no title of its own)."""
    return str(phase_names().get(key, key))


def _data(form: PromptForm) -> services.PromptData:
    return services.PromptData(
        phase=form.phase.data,  # type: ignore[arg-type]  # coerced to int by the field
        texts=form.texts(),
        dimensions=list(form.dimensions.data or []),
        due_day=form.due_day.data,  # type: ignore[arg-type]  # validated InputRequired
        due_time=form.due_time.data,  # type: ignore[arg-type]
        timezone=form.timezone.data or "",
    )


def _form_page(form: PromptForm, exchange: Exchange, prompt: ReflectionPrompt | None) -> str:
    return render_template(
        "reflections/prompt_form.html",
        form=form,
        exchange=exchange,
        prompt=prompt,
        timezones=timezone_choices(),
    )


@bp.route("/exchanges/<int:exchange_id>/reflections/new", methods=["GET", "POST"])
@login_required
def new_prompt(exchange_id: int) -> ResponseReturnValue:
    """Write a prompt of one's own."""
    exchange = get_exchange_or_404(exchange_id, "manage")
    form = _prompt_form(exchange)
    if form.validate_on_submit():
        try:
            services.create_prompt(current_user, exchange, _data(form))
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The prompt is in the journal."), "success")
            return _to_prompts(exchange)
    return _form_page(form, exchange, None), form_status(form)


@bp.route("/reflections/prompts/<int:prompt_id>/edit", methods=["GET", "POST"])
@login_required
def edit_prompt(prompt_id: int) -> ResponseReturnValue:
    """Change a prompt."""
    prompt = get_prompt_or_404(prompt_id, "manage")
    form = _prompt_form(prompt.exchange, prompt)
    if form.validate_on_submit():
        try:
            services.update_prompt(current_user, prompt, _data(form))
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The prompt is changed."), "success")
            return _to_prompts(prompt.exchange)
    return _form_page(form, prompt.exchange, prompt), form_status(form)


@bp.route("/reflections/prompts/<int:prompt_id>/archive", methods=["POST"])
@login_required
def archive_prompt(prompt_id: int) -> ResponseReturnValue:
    """Take a prompt out of the journal."""
    prompt = get_prompt_or_404(prompt_id, "manage")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.archive_prompt(current_user, prompt)
    flash(_("The prompt is archived: students no longer answer it."), "success")
    return _to_prompts(prompt.exchange)


@bp.route("/reflections/prompts/<int:prompt_id>/restore", methods=["POST"])
@login_required
def restore_prompt(prompt_id: int) -> ResponseReturnValue:
    """Put an archived prompt back into the journal."""
    prompt = get_prompt_or_404(prompt_id, "manage")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.restore_prompt(current_user, prompt)
    flash(_("The prompt is back in the journal."), "success")
    return _to_prompts(prompt.exchange)


@bp.route("/exchanges/<int:exchange_id>/reflections/starters", methods=["GET", "POST"])
@login_required
def pick(exchange_id: int) -> ResponseReturnValue:
    """Copy prompts from the starter set into the journal."""
    exchange = get_exchange_or_404(exchange_id, "manage")
    form = StarterForm()
    picked = queries.picked_starters(exchange)
    form.starters.choices = options((s.key, s.key) for s in starters.STARTERS)
    if form.validate_on_submit():
        try:
            made = services.pick_starters(
                current_user, exchange, form.starters.data or [], current_user.timezone
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(
                ngettext(
                    "%(num)d prompt added to the journal.",
                    "%(num)d prompts added to the journal.",
                    len(made),
                ),
                "success",
            )
            return _to_prompts(exchange)
    return render_template(
        "reflections/starters.html",
        form=form,
        exchange=exchange,
        groups=[(key, starters.starters_for(key)) for key in DEFAULT_PHASES],
        picked=picked,
        dimensions=dimension_names(exchange),
        languages=language_names(),
        phase_kind=phase_label_for_key,
    ), form_status(form)


@bp.route("/reflections/prompts/<int:prompt_id>/entries")
@login_required
def entries(prompt_id: int) -> ResponseReturnValue:
    """List the students' entries for a prompt with their status (a member coordinator sees
    their own institution's students)."""
    prompt = get_prompt_or_404(prompt_id, "entries")
    exchange = prompt.exchange
    institution = (
        current_user.institution_id if is_member_coordinator(current_user, exchange) else None
    )
    return render_template(
        "reflections/entries.html",
        exchange=exchange,
        prompt=prompt,
        rows=queries.entries_for(prompt, institution),
        own_institution=institution is not None,
        dimensions=dimension_names(exchange),
        **helpers(),
    )
