"""Dialogue events in live rooms (client to server): speaking rounds and prompt cards.

Every handler goes through :func:`coil.chat.socket_api.room_event`: the user and the room are
checked against the database, the ack is ``{"ok": true, ...}`` or carries an error code, and the
``round`` and ``prompt`` broadcasts to ``room:{id}`` leave after commit.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from coil.accounts.models import User
from coil.chat.socket_api import (
    Flag,
    Id,
    Ids,
    Int,
    Text,
    identifier,
    load_room,
    malformed,
    room_event,
)
from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.dialogue import rounds, services
from coil.dialogue.models import (
    DEFAULT_TURN_SECONDS,
    MAX_TURN_SECONDS,
    MIN_TURN_SECONDS,
    SpeakingRound,
)
from coil.extensions import db


def _load_round(payload: dict[str, Any]) -> SpeakingRound:
    found = db.session.get(SpeakingRound, identifier(payload, "round"))
    if found is None:
        raise ServiceError(_("This speaking round does not exist."), code="not_found")
    return found


def _people(payload: dict[str, Any]) -> list[int] | None:
    people = payload.get("people")
    if people is None:
        return None
    if not isinstance(people, list) or len(people) > rounds.MAX_SPEAKERS:
        raise malformed()
    ids = [identifier({"id": person}, "id") for person in people]  # each checked like a room id
    return [person for person in ids if person is not None]


def _turn(payload: dict[str, Any]) -> int:
    turn = payload.get("turn")
    if isinstance(turn, bool) or not isinstance(turn, int) or not 0 <= turn < rounds.MAX_SPEAKERS:
        raise malformed()
    return turn


def _flag(payload: dict[str, Any], key: str) -> bool:
    value = payload.get(key, False)
    if not isinstance(value, bool):
        raise malformed()
    return value


@room_event("dialogue.state", {"room": Id(required=True)})
def on_state(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the room's running speaking round and the card last drawn there."""
    room = load_room(payload)
    speaking_round = rounds.room_round(user, room)
    draw = services.room_draw(user, room)
    return {
        "round": None if speaking_round is None else rounds.serialise_round(speaking_round),
        "draw": None if draw is None else services.serialise_draw(draw),
        "now": utcnow().isoformat(),
    }


@room_event(
    "round.start",
    {
        "room": Id(required=True),
        "people": Ids(rounds.MAX_SPEAKERS),
        "turn_seconds": Int(MIN_TURN_SECONDS, MAX_TURN_SECONDS),
    },
    limited=True,
)
def on_round_start(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Start a speaking round with the people present (``people``), ``turn_seconds`` each."""
    room = load_room(payload)
    turn_seconds = payload.get("turn_seconds", DEFAULT_TURN_SECONDS)
    speaking_round = rounds.start_round(user, room, _people(payload), turn_seconds)
    return {"round": rounds.serialise_round(speaking_round)}


@room_event(
    "round.next",
    {
        "round": Id(required=True),
        "turn": Int(0, rounds.MAX_SPEAKERS - 1, required=True),
        "passed": Flag(),
    },
    limited=True,
)
def on_round_next(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """End turn ``turn`` (``passed``: the speaker passes) and give the next person the floor."""
    speaking_round = _load_round(payload)
    turn, passed = _turn(payload), _flag(payload, "passed")
    speaking_round = rounds.next_turn(user, speaking_round, turn, passed)
    return {"round": rounds.serialise_round(speaking_round)}


@room_event("round.end", {"round": Id(required=True)}, limited=True)
def on_round_end(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Stop a speaking round."""
    speaking_round = rounds.end_round(user, _load_round(payload))
    return {"round": rounds.serialise_round(speaking_round)}


@room_event("prompt.draw", {"room": Id(required=True), "kind": Text()}, limited=True)
def on_prompt_draw(user: User, payload: dict[str, Any]) -> dict[str, Any]:
    """Draw a prompt card (of one ``kind``, if given) for everyone in the room."""
    room = load_room(payload)
    kind = payload.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise malformed()
    return {"draw": services.serialise_draw(services.draw_card(user, room, kind))}
