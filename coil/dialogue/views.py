"""Prompt card pages of an exchange: parse, authorize, call one service, render or redirect.

The live part (speaking rounds, drawing cards in a room) runs over Socket.IO:
coil/dialogue/sockets.py.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from coil.core.errors import ServiceError
from coil.core.forms import form_status, options, refuse
from coil.core.time import utcnow
from coil.dialogue import bp, library, services
from coil.dialogue.forms import ANY_PHASE, CardForm, ConfirmForm, LibraryForm, kind_names
from coil.dialogue.forms import language_names as card_languages
from coil.dialogue.models import PROMPT_KINDS, PromptCard
from coil.dialogue.permissions import (
    can_manage_prompts,
    get_card_or_404,
    get_prompts_exchange_or_404,
)
from coil.exchanges.forms import phase_names
from coil.exchanges.models import Exchange, ExchangePhase


def phase_label(phase: ExchangePhase | None) -> str:
    """Name a phase for people: its own title, else its kind's name; None is every phase."""
    if phase is None:
        return _("Every phase")
    return phase.title or str(phase_names().get(phase.key, phase.key))


def _ui_language() -> str:
    language = str(get_locale() or "en")
    return language if language in library.LANGUAGES else "en"


def _phase_choices(form: CardForm | LibraryForm, exchange: Exchange) -> None:
    pairs: list[tuple[int, str]] = [(ANY_PHASE, phase_label(None))]
    pairs.extend((phase.id, phase_label(phase)) for phase in exchange.phases)
    form.phase.choices = options(pairs)


def _card_form(exchange: Exchange, card: PromptCard | None = None) -> CardForm:
    form = CardForm()
    form.kind.choices = options(kind_names().items())
    _phase_choices(form, exchange)
    if card is not None and request.method == "GET":
        form.kind.data, form.text.data = card.kind, card.text
        form.phase.data = card.phase_id or ANY_PHASE
    return form


def _phase_id(form: CardForm | LibraryForm) -> int | None:
    return None if form.phase.data == ANY_PHASE else form.phase.data


def _to_deck(exchange: Exchange) -> ResponseReturnValue:
    return redirect(url_for("dialogue.prompts", exchange_id=exchange.id))


@bp.route("/exchanges/<int:exchange_id>/prompts")
@login_required
def prompts(exchange_id: int) -> ResponseReturnValue:
    """List an exchange's prompt cards by kind (lecturers manage them; coordinators read)."""
    exchange = get_prompts_exchange_or_404(exchange_id)
    cards = services.cards_of(exchange)
    return render_template(
        "dialogue/index.html",
        exchange=exchange,
        groups=[(kind, [c for c in cards if c.kind == kind]) for kind in PROMPT_KINDS],
        archived=services.cards_of(exchange, archived=True),
        current=services.current_phase(exchange, utcnow().date()),
        can_manage=can_manage_prompts(current_user, exchange),
        kind_names=kind_names(),
        phase_label=phase_label,
        confirm_form=ConfirmForm(),
    )


@bp.route("/exchanges/<int:exchange_id>/prompts/new", methods=["GET", "POST"])
@login_required
def new_card(exchange_id: int) -> ResponseReturnValue:
    """Write a prompt card."""
    exchange = get_prompts_exchange_or_404(exchange_id, manage=True)
    form = _card_form(exchange)
    if request.method == "GET":
        form.kind.data = request.args.get("kind", PROMPT_KINDS[0])
    if form.validate_on_submit():
        try:
            services.create_card(
                current_user, exchange, form.kind.data, form.text.data, _phase_id(form)
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The card is in the deck."), "success")
            return _to_deck(exchange)
    return render_template(
        "dialogue/form.html", form=form, exchange=exchange, card=None
    ), form_status(form)


@bp.route("/prompts/<int:card_id>/edit", methods=["GET", "POST"])
@login_required
def edit_card(card_id: int) -> ResponseReturnValue:
    """Change a prompt card."""
    card = get_card_or_404(card_id)
    form = _card_form(card.exchange, card)
    if form.validate_on_submit():
        try:
            services.update_card(
                current_user, card, form.kind.data, form.text.data, _phase_id(form)
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The card is changed."), "success")
            return _to_deck(card.exchange)
    return render_template(
        "dialogue/form.html", form=form, exchange=card.exchange, card=card
    ), form_status(form)


@bp.route("/prompts/<int:card_id>/archive", methods=["POST"])
@login_required
def archive_card(card_id: int) -> ResponseReturnValue:
    """Take a card out of the deck."""
    card = get_card_or_404(card_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.archive_card(current_user, card)
    flash(_("The card is archived: it is no longer drawn."), "success")
    return _to_deck(card.exchange)


@bp.route("/prompts/<int:card_id>/restore", methods=["POST"])
@login_required
def restore_card(card_id: int) -> ResponseReturnValue:
    """Put an archived card back into the deck."""
    card = get_card_or_404(card_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.restore_card(current_user, card)
    flash(_("The card is back in the deck."), "success")
    return _to_deck(card.exchange)


@bp.route("/exchanges/<int:exchange_id>/prompts/library", methods=["GET", "POST"])
@login_required
def pick(exchange_id: int) -> ResponseReturnValue:
    """Copy prompts from the built-in library into the deck."""
    exchange = get_prompts_exchange_or_404(exchange_id, manage=True)
    form = LibraryForm()
    form.language.choices = options(card_languages().items())
    _phase_choices(form, exchange)
    picked = services.picked_starters(exchange)
    shown = form.language.data if form.language.data in library.LANGUAGES else _ui_language()
    form.starters.choices = options((s.key, s.text(shown)) for s in library.STARTERS)
    if request.method == "GET":
        form.language.data = shown
    if form.validate_on_submit():
        try:
            cards = services.pick_starters(
                current_user,
                exchange,
                form.starters.data or [],
                form.language.data,
                _phase_id(form),
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            added = ngettext(
                "%(num)d card added to the deck.", "%(num)d cards added to the deck.", len(cards)
            )
            flash(added, "success")
            return _to_deck(exchange)
    return render_template(
        "dialogue/library.html",
        form=form,
        exchange=exchange,
        groups=[(kind, library.starters_of(kind)) for kind in PROMPT_KINDS],
        picked=picked,
        shown=shown,
        kind_names=kind_names(),
    ), form_status(form)
