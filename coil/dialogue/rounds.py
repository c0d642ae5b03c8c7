"""Speaking rounds: a shuffled order of the people present, one timed turn each.

The timer is a deadline (``turn_started_at + turn_seconds``): clients count down on their own
clock, and no server thread watches it. The person speaking, the round's starter and the
room's lecturers move the round on at any time; anyone else taking part may do so once the
deadline has passed, which is how a round keeps going when its starter has left. Every move
names the turn it ends, so two clients moving on at once advance one step (the later one gets
``conflict``). Events go to ``room:{id}`` after commit: ``round`` with op ``started``,
``advanced`` or ``ended``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from coil.accounts.models import User
from coil.chat.models import Room
from coil.chat.permissions import posting_rights, require_post, require_read
from coil.core.channels import room_channel
from coil.core.errors import ServiceError
from coil.core.events import notify
from coil.core.time import utcnow
from coil.dialogue.models import MAX_TURN_SECONDS, MIN_TURN_SECONDS, SpeakingRound, SpeakingTurn
from coil.dialogue.permissions import can_steer_round
from coil.evidence import kinds
from coil.evidence.backfill import Backfill, backfill_requested
from coil.evidence.services import record
from coil.exchanges.models import Enrolment
from coil.extensions import db
from coil.teams.models import TeamMember

log = logging.getLogger(__name__)
MAX_SPEAKERS = 100
# Clocks of browsers and servers differ a little: a move this early counts as on time.
DEADLINE_SLACK = timedelta(seconds=1)
# An open round whose turn ran out this long ago has been left behind: a new one may replace it.
ABANDONED_AFTER = timedelta(minutes=10)
_random = secrets.SystemRandom()


def deadline(speaking_round: SpeakingRound) -> datetime:
    """Return when the current turn's time is up."""
    return speaking_round.turn_started_at + timedelta(seconds=speaking_round.turn_seconds)


def open_round(room: Room) -> SpeakingRound | None:
    """Return the round running in ``room``, if any."""
    return db.session.scalar(
        select(SpeakingRound).where(
            SpeakingRound.room_id == room.id, SpeakingRound.ended_at.is_(None)
        )
    )


def room_round(actor: User, room: Room) -> SpeakingRound | None:
    """Return the round running in ``room`` for a reader of the room."""
    require_read(actor, room)
    return open_round(room)


def _members(room: Room) -> list[int]:
    """Return the ids of the room's students: the team's, or the whole exchange's."""
    query = select(Enrolment.user_id).where(
        Enrolment.exchange_id == room.exchange_id, Enrolment.status == "active"
    )
    if room.team_id is not None:
        query = query.join(TeamMember, TeamMember.user_id == Enrolment.user_id).where(
            TeamMember.team_id == room.team_id
        )
    return list(db.session.scalars(query.order_by(Enrolment.user_id)))


def _speakers(room: Room, people: Iterable[int] | None) -> list[int]:
    """Keep the people who may take part in ``room`` (each once), shuffled."""
    wanted = list(dict.fromkeys(_members(room) if people is None else people))[:MAX_SPEAKERS]
    users = db.session.scalars(select(User).where(User.id.in_(wanted))).all()
    allowed = {user_id for user_id, _room in posting_rights({(user, room) for user in users})}
    speakers = [user_id for user_id in wanted if user_id in allowed]
    _random.shuffle(speakers)
    return speakers


def start_round(
    actor: User, room: Room, people: Iterable[int] | None, turn_seconds: Any
) -> SpeakingRound:
    """Start a round with ``people`` (those present; None: all the room's students) in a
    random order, each with ``turn_seconds`` to speak."""
    require_post(actor, room)
    if (
        isinstance(turn_seconds, bool)
        or not isinstance(turn_seconds, int)
        or not MIN_TURN_SECONDS <= turn_seconds <= MAX_TURN_SECONDS
    ):
        raise ServiceError(
            _(
                "A turn lasts between %(low)d and %(high)d seconds.",
                low=MIN_TURN_SECONDS,
                high=MAX_TURN_SECONDS,
            ),
            code="malformed",
        )
    now = utcnow()
    running = open_round(room)
    if running is not None:
        if now < deadline(running) + ABANDONED_AFTER:
            raise ServiceError(
                _("A speaking round is already running in this room."), code="conflict"
            )
        _finish(running, now)
        db.session.flush()  # before the new round's insert meets the one-open-round index
        log.info("speaking round %s in room %s was left behind; ended", running.id, room.id)
    speakers = _speakers(room, people)
    if not speakers:
        raise ServiceError(_("Nobody here can take a turn."), code="empty")
    speaking_round = SpeakingRound(
        room=room,
        started_by_id=actor.id,
        turn_seconds=turn_seconds,
        speakers=speakers,
        turn_index=0,
        turn_started_at=now,
    )
    speaking_round.turns.append(SpeakingTurn(position=0, user_id=speakers[0], started_at=now))
    db.session.add(speaking_round)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone else started a round at the same moment: the partial unique index refused us.
        raise ServiceError(
            _("A speaking round is already running in this room."), code="conflict"
        ) from None
    _announce(speaking_round, "started")
    log.info(
        "user %s started speaking round %s in room %s with %d people",
        actor.id,
        speaking_round.id,
        room.id,
        len(speakers),
    )
    return speaking_round


def _check_move(
    actor: User, speaking_round: SpeakingRound, turn: int | None, now: datetime
) -> None:
    require_post(actor, speaking_round.room)
    if speaking_round.ended_at is not None:
        raise ServiceError(_("This speaking round has ended."), code="conflict")
    if turn is not None and turn != speaking_round.turn_index:
        raise ServiceError(_("The round has already moved on."), code="conflict")
    early = now < deadline(speaking_round) - DEADLINE_SLACK
    if early and not can_steer_round(actor, speaking_round):
        raise ServiceError(
            _("Only the speaker, whoever started the round or a lecturer can move on now."),
            code="forbidden",
        )


def _claim(
    speaking_round: SpeakingRound, turn: int, now: datetime, passed: bool, **values: Any
) -> None:
    """Move the round on from ``turn`` (to ``values``) with one guarded UPDATE, and end that
    turn's record at ``now``.

    Of two people moving on from the same turn at once, only one UPDATE matches (a row lock
    orders them on PostgreSQL, the write lock on SQLite); the other gets ``conflict``.
    """
    claimed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(SpeakingRound)
        .where(
            SpeakingRound.id == speaking_round.id,
            SpeakingRound.turn_index == turn,
            SpeakingRound.ended_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise ServiceError(_("The round has already moved on."), code="conflict")
    db.session.refresh(speaking_round)
    for spoken in speaking_round.turns:
        if spoken.position == turn and spoken.ended_at is None:
            spoken.ended_at = now
            spoken.passed = passed
            db.session.flush()
            if spoken.user_id is None:
                continue  # the speaker's account is gone
            record(
                kinds.TURN_PASSED if passed else kinds.TURN_TAKEN,
                speaking_round.room.exchange_id,
                spoken.user_id,
                subject_id=spoken.id,
            )


def _finish(speaking_round: SpeakingRound, now: datetime) -> None:
    """End the current turn and the round."""
    _claim(speaking_round, speaking_round.turn_index, now, False, ended_at=now)


def next_turn(actor: User, speaking_round: SpeakingRound, turn: int, passed: bool) -> SpeakingRound:
    """End turn number ``turn`` (``passed``: the speaker let it go) and give the next person
    the floor; after the last person the round ends."""
    now = utcnow()
    _check_move(actor, speaking_round, turn, now)
    following = turn + 1
    if following < len(speaking_round.speakers):
        _claim(speaking_round, turn, now, passed, turn_index=following, turn_started_at=now)
        speaking_round.turns.append(
            SpeakingTurn(
                position=following, user_id=speaking_round.speakers[following], started_at=now
            )
        )
        op = "advanced"
    else:
        _claim(speaking_round, turn, now, passed, ended_at=now)
        op = "ended"
    db.session.flush()
    _announce(speaking_round, op)
    log.info(
        "user %s moved speaking round %s past turn %s (passed: %s)",
        actor.id,
        speaking_round.id,
        turn,
        passed,
    )
    return speaking_round


def end_round(actor: User, speaking_round: SpeakingRound) -> SpeakingRound:
    """Stop a round before everyone has had their turn."""
    now = utcnow()
    _check_move(actor, speaking_round, None, now)
    _finish(speaking_round, now)
    db.session.flush()
    _announce(speaking_round, "ended")
    log.info("user %s ended speaking round %s", actor.id, speaking_round.id)
    return speaking_round


def _announce(speaking_round: SpeakingRound, op: str) -> None:
    room = speaking_round.room
    notify(
        "round",
        op,
        {"room_id": room.id, "round": serialise_round(speaking_round)},
        [room_channel(room.id)],
    )


def serialise_round(speaking_round: SpeakingRound) -> dict[str, Any]:
    """Describe a round for clients: the order with each person's state, the current turn and
    its deadline, and the server's clock (``now``) so that clients can correct their own."""
    names = dict(
        db.session.execute(
            select(User.id, User.name).where(User.id.in_(speaking_round.speakers))
        ).all()
    )
    turns = {turn.position: turn for turn in speaking_round.turns}
    ended = speaking_round.ended_at is not None
    people = []
    for position, user_id in enumerate(speaking_round.speakers):
        turn = turns.get(position)
        if turn is None:
            status = "waiting"
        elif turn.ended_at is None:
            status = "speaking"
        else:
            status = "passed" if turn.passed else "spoke"
        people.append({"id": user_id, "name": names.get(user_id, "?"), "status": status})
    starter = speaking_round.started_by
    return {
        "id": speaking_round.id,
        "room_id": speaking_round.room_id,
        "turn": speaking_round.turn_index,
        "speaker": None if ended else speaking_round.speakers[speaking_round.turn_index],
        "turn_seconds": speaking_round.turn_seconds,
        "turn_started_at": speaking_round.turn_started_at.isoformat(),
        "deadline": deadline(speaking_round).isoformat(),
        "started_by": None if starter is None else {"id": starter.id, "name": starter.name},
        "people": people,
        "ended": ended,
        "now": utcnow().isoformat(),
    }


@backfill_requested.connect
def _backfill_turns(_sender: Any, *, into: Backfill, **_extra: Any) -> None:
    """Add the ledger events of speaking turns that ended before the ledger existed."""
    done = into.recorded(kinds.TURN_TAKEN) | into.recorded(kinds.TURN_PASSED)
    for spoken, exchange_id in db.session.execute(
        select(SpeakingTurn, Room.exchange_id)
        .join(SpeakingRound, SpeakingRound.id == SpeakingTurn.round_id)
        .join(Room, Room.id == SpeakingRound.room_id)
        .where(SpeakingTurn.ended_at.is_not(None))
    ):
        if spoken.id not in done and spoken.ended_at is not None:
            into.add(
                kinds.TURN_PASSED if spoken.passed else kinds.TURN_TAKEN,
                exchange_id,
                spoken.user_id,
                subject_id=spoken.id,
                occurred_at=spoken.ended_at,
            )
