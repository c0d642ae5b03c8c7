"""Prompt cards: lecturers write, pick, change and archive them; room members draw them.

Services flush; the caller's transaction commits. Refusals raise ``ServiceError`` with a stable
``code`` (``forbidden``, ``malformed``, ``empty``, ``too_long``, ``not_found``, and from the
room checks ``not_member`` and ``archived``). A draw is announced to ``room:{id}`` after commit.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from coil.accounts.models import User
from coil.chat.models import Room
from coil.chat.permissions import require_post, require_read
from coil.core.channels import room_channel
from coil.core.errors import ServiceError
from coil.core.events import notify
from coil.core.time import utcnow
from coil.dialogue import library
from coil.dialogue.models import PROMPT_KINDS, PromptCard, PromptDraw
from coil.dialogue.permissions import can_manage_prompts
from coil.evidence import kinds
from coil.evidence.backfill import Backfill, backfill_requested
from coil.evidence.services import record
from coil.exchanges.models import Exchange, ExchangePhase
from coil.extensions import db

log = logging.getLogger(__name__)
MAX_TEXT = 500
_random = secrets.SystemRandom()


def current_phase(exchange: Exchange, today: date) -> ExchangePhase | None:
    """Return the phase of ``exchange`` whose dates include ``today``, if any."""
    for phase in exchange.phases:
        if phase.start_date <= today <= phase.end_date:
            return phase
    return None


def cards_of(exchange: Exchange, *, archived: bool = False) -> list[PromptCard]:
    """Return the exchange's cards (or its archived ones) in the order they were added."""
    condition = (
        PromptCard.archived_at.is_not(None) if archived else PromptCard.archived_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(PromptCard)
            .where(PromptCard.exchange_id == exchange.id, condition)
            .order_by(PromptCard.position, PromptCard.id)
        )
    )


# --- managing cards -------------------------------------------------------------------------


def _require_manager(actor: User, exchange: Exchange) -> None:
    if not can_manage_prompts(actor, exchange):
        raise ServiceError(
            _("Only the lecturers of this exchange can change its prompt cards."), code="forbidden"
        )


def _clean(exchange: Exchange, kind: Any, text: Any, phase_id: Any) -> tuple[str, str, int | None]:
    if kind not in PROMPT_KINDS:
        raise ServiceError(_("Choose a kind of card from the list."), "kind", code="malformed")
    if not isinstance(text, str):
        raise ServiceError(_("The card could not be read."), "text", code="malformed")
    text = text.replace("\x00", "").strip()
    if not text:
        raise ServiceError(_("Write the question on the card."), "text", code="empty")
    if len(text) > MAX_TEXT:
        raise ServiceError(
            _("A card can hold at most %(n)d characters.", n=MAX_TEXT), "text", code="too_long"
        )
    return kind, text, _phase_id(exchange, phase_id)


def _phase_id(exchange: Exchange, phase_id: Any) -> int | None:
    if phase_id is None:
        return None
    if phase_id not in {phase.id for phase in exchange.phases}:
        raise ServiceError(_("Choose a phase of this exchange."), "phase", code="not_found")
    return int(phase_id)


def _next_position(exchange: Exchange) -> int:
    highest = db.session.scalar(
        select(func.max(PromptCard.position)).where(PromptCard.exchange_id == exchange.id)
    )
    return 0 if highest is None else highest + 1


def create_card(actor: User, exchange: Exchange, kind: Any, text: Any, phase_id: Any) -> PromptCard:
    """Write a new card for one phase of ``exchange`` (``phase_id`` None: for every phase)."""
    _require_manager(actor, exchange)
    kind, text, phase_id = _clean(exchange, kind, text, phase_id)
    card = PromptCard(
        exchange_id=exchange.id,
        phase_id=phase_id,
        kind=kind,
        text=text,
        position=_next_position(exchange),
        created_by_id=actor.id,
    )
    db.session.add(card)
    db.session.flush()
    log.info("user %s wrote prompt card %s in exchange %s", actor.id, card.id, exchange.id)
    return card


def update_card(actor: User, card: PromptCard, kind: Any, text: Any, phase_id: Any) -> PromptCard:
    """Change a card's kind, text or phase; rooms that drew it keep the record of the draw."""
    _require_manager(actor, card.exchange)
    card.kind, card.text, card.phase_id = _clean(card.exchange, kind, text, phase_id)
    db.session.flush()
    log.info("user %s changed prompt card %s", actor.id, card.id)
    return card


def archive_card(actor: User, card: PromptCard) -> PromptCard:
    """Take a card out of the deck (it is no longer drawn; past draws stay recorded)."""
    _require_manager(actor, card.exchange)
    if card.archived_at is None:
        card.archived_at = utcnow()
        db.session.flush()
        log.info("user %s archived prompt card %s", actor.id, card.id)
    return card


def restore_card(actor: User, card: PromptCard) -> PromptCard:
    """Put an archived card back into the deck."""
    _require_manager(actor, card.exchange)
    if card.archived_at is not None:
        card.archived_at = None
        db.session.flush()
        log.info("user %s restored prompt card %s", actor.id, card.id)
    return card


def picked_starters(exchange: Exchange) -> set[str]:
    """Return the library keys the exchange's cards in the deck were copied from."""
    return {card.starter for card in cards_of(exchange) if card.starter}


def pick_starters(
    actor: User, exchange: Exchange, keys: Iterable[Any], language: Any, phase_id: Any
) -> list[PromptCard]:
    """Copy library prompts into the exchange's deck in ``language``; ones already there are
    skipped. Return the new cards."""
    _require_manager(actor, exchange)
    if language not in library.LANGUAGES:
        raise ServiceError(_("Choose a language from the list."), "language", code="malformed")
    starters = []
    for key in keys:
        found = library.starter(key) if isinstance(key, str) else None
        if found is None:
            raise ServiceError(_("Choose prompts from the list."), "starters", code="malformed")
        starters.append(found)
    if not starters:
        raise ServiceError(_("Choose at least one prompt."), "starters", code="empty")
    phase = _phase_id(exchange, phase_id)
    have = picked_starters(exchange)
    position = _next_position(exchange)
    cards: list[PromptCard] = []
    for found in starters:
        if found.key in have:
            continue
        have.add(found.key)
        cards.append(
            PromptCard(
                exchange_id=exchange.id,
                phase_id=phase,
                kind=found.kind,
                text=found.text(language),
                starter=found.key,
                position=position + len(cards),
                created_by_id=actor.id,
            )
        )
    db.session.add_all(cards)
    db.session.flush()
    log.info("user %s picked %d library prompts for exchange %s", actor.id, len(cards), exchange.id)
    return cards


# --- drawing in a room ----------------------------------------------------------------------


def _deck(room: Room, kind: str | None) -> list[PromptCard]:
    """Return the cards a draw in ``room`` chooses from: those of the current phase (and those
    for every phase) when there are any, else every card in the deck."""
    cards = [c for c in cards_of(room.exchange) if kind is None or c.kind == kind]
    phase = current_phase(room.exchange, utcnow().date())
    if phase is not None:
        now = [card for card in cards if card.phase_id in (phase.id, None)]
        if now:
            return now
    return cards


def draw_card(actor: User, room: Room, kind: str | None = None) -> PromptDraw:
    """Draw a card in ``room`` for everyone there, avoiding cards the room already drew until
    it has drawn them all; ``kind`` limits the draw to one kind of card."""
    require_post(actor, room)
    if kind is not None and kind not in PROMPT_KINDS:
        raise ServiceError(_("Choose a kind of card from the list."), code="malformed")
    deck = _deck(room, kind)
    if not deck:
        raise ServiceError(_("There are no prompt cards to draw yet."), code="empty")
    drawn = dict(
        db.session.execute(
            select(PromptDraw.card_id, func.count(PromptDraw.id))
            .where(PromptDraw.room_id == room.id, PromptDraw.card_id.in_([c.id for c in deck]))
            .group_by(PromptDraw.card_id)
        ).all()
    )
    fewest = min(drawn.get(card.id, 0) for card in deck)
    candidates = [card for card in deck if drawn.get(card.id, 0) == fewest]
    last = last_draw(room)
    if len(candidates) > 1 and last is not None:
        # A new pass through the deck does not open with the card just drawn.
        candidates = [card for card in candidates if card.id != last.card_id]
    draw = PromptDraw(room_id=room.id, card=_random.choice(candidates), drawn_by_id=actor.id)
    db.session.add(draw)
    db.session.flush()
    record(kinds.CARD_DRAWN, room.exchange_id, actor, subject_id=draw.id)
    notify(
        "prompt",
        "drawn",
        {"room_id": room.id, "draw": serialise_draw(draw)},
        [room_channel(room.id)],
    )
    log.info("user %s drew prompt card %s in room %s", actor.id, draw.card_id, room.id)
    return draw


def last_draw(room: Room) -> PromptDraw | None:
    """Return the most recent draw in ``room``."""
    return db.session.scalar(
        select(PromptDraw).where(PromptDraw.room_id == room.id).order_by(PromptDraw.id.desc())
    )


def room_draw(actor: User, room: Room) -> PromptDraw | None:
    """Return the card on the table in ``room`` for a reader of the room."""
    require_read(actor, room)
    return last_draw(room)


def serialise_draw(draw: PromptDraw) -> dict[str, Any]:
    """Describe a draw for clients: the card, who drew it and when (UTC, ISO 8601)."""
    who = draw.drawn_by
    return {
        "id": draw.id,
        "card": {"id": draw.card.id, "kind": draw.card.kind, "text": draw.card.text},
        "drawn_by": None if who is None else {"id": who.id, "name": who.name},
        "drawn_at": draw.drawn_at.isoformat(),
    }


@backfill_requested.connect
def _backfill_draws(_sender: Any, *, into: Backfill, **_extra: Any) -> None:
    """Add the ledger events of prompt cards drawn before the ledger existed."""
    done = into.recorded(kinds.CARD_DRAWN)
    for draw, exchange_id in db.session.execute(
        select(PromptDraw, Room.exchange_id).join(Room, Room.id == PromptDraw.room_id)
    ):
        if draw.id not in done:
            into.add(
                kinds.CARD_DRAWN,
                exchange_id,
                draw.drawn_by_id,
                subject_id=draw.id,
                occurred_at=draw.drawn_at,
            )
