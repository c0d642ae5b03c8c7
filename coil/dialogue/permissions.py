"""Who may manage prompt cards, and who may steer a room's speaking round.

Lecturers of an exchange write and pick its cards; its coordinators read them. Students never
see the card list: they meet the cards one at a time, when someone draws one in a room. In a
room, whoever may post there starts rounds and draws cards (coil.chat.permissions.can_post).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.permissions import Actor
from coil.chat.permissions import can_moderate, can_post
from coil.dialogue.models import PromptCard, SpeakingRound
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import is_exchange_lecturer, is_exchange_staff
from coil.extensions import db


def can_view_prompts(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may see the list of an exchange's cards (its lecturers and
    coordinators)."""
    return is_exchange_staff(actor, exchange)


def can_manage_prompts(actor: Actor, exchange: Exchange) -> bool:
    """Tell whether ``actor`` may write, pick and archive an exchange's cards (its lecturers)."""
    return is_exchange_lecturer(actor, exchange)


def can_steer_round(actor: Actor, speaking_round: SpeakingRound) -> bool:
    """Tell whether ``actor`` may move a round on before the turn's time is up: the person
    speaking, the one who started the round, or a lecturer of the room."""
    actor_id = getattr(actor, "id", None)
    if actor_id is None or not can_post(actor, speaking_round.room):
        return False
    speaking = speaking_round.speakers[speaking_round.turn_index]
    return actor_id in (speaking, speaking_round.started_by_id) or can_moderate(
        actor, speaking_round.room
    )


def get_prompts_exchange_or_404(exchange_id: int, *, manage: bool = False) -> Exchange:
    """Load an exchange whose cards the current user may see (or manage), or stop with 404/403."""
    exchange = db.session.get(Exchange, exchange_id) or abort(404)
    allowed = can_manage_prompts if manage else can_view_prompts
    if not allowed(current_user, exchange):
        abort(403)
    return exchange


def get_card_or_404(card_id: int) -> PromptCard:
    """Load a card the current user may manage, or stop with 404 / 403."""
    card = db.session.get(PromptCard, card_id) or abort(404)
    if not can_manage_prompts(current_user, card.exchange):
        abort(403)
    return card
