"""Every kind of participation event the ledger records: what it is, and why it is recorded.

The transparency page lists these to students before anything is recorded about them. Who sees
an event is the same for every kind (``AUDIENCE``): a ledger event is about one student.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    """One kind of event: its code, how to name it, and what it is evidence of."""

    code: str
    label: Any  # a lazy translated string
    why: Any
    counts: Any = None  # what ``value`` holds, when it holds something


MESSAGE = "message.posted"
TURN_TAKEN = "turn.taken"
TURN_PASSED = "turn.passed"
CARD_DRAWN = "card.drawn"
SESSION_ATTENDED = "session.attended"
TASK_CREATED = "task.created"
TASK_COMPLETED = "task.completed"
DOCUMENT_SAVED = "document.saved"
FILE_SHARED = "file.shared"
REFLECTION_SUBMITTED = "reflection.submitted"
SELF_ASSESSMENT = "self_assessment.completed"
PEER_EVALUATION = "peer_evaluation.given"
RATING_RECEIVED = "rating.received"
BADGE_AWARDED = "badge.awarded"

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(
            MESSAGE,
            _l("Message posted in a room"),
            _l(
                "How much you take part in conversations, and whether you talk with students "
                "of the partner institutions (a reply to, or a message right after, someone of "
                "another institution counts as an interaction across institutions). The text "
                "of your messages is not part of the record."
            ),
        ),
        Kind(
            TURN_TAKEN,
            _l("Speaking turn taken"),
            _l("Your share of the speaking turns in your team's speaking rounds."),
        ),
        Kind(
            TURN_PASSED,
            _l("Speaking turn passed"),
            _l("A turn you passed on; passing is fine, it only completes the picture."),
        ),
        Kind(CARD_DRAWN, _l("Prompt card drawn"), _l("Who started a structured conversation.")),
        Kind(
            SESSION_ATTENDED,
            _l("Live session attended"),
            _l(
                "Your synchronous hours: the minutes you were in the session's room while it "
                "ran, or the session's length when a lecturer marks you present."
            ),
            counts=_l("minutes"),
        ),
        Kind(TASK_CREATED, _l("Task created"), _l("How you help plan the team's work.")),
        Kind(TASK_COMPLETED, _l("Task completed"), _l("The team's work you carried through.")),
        Kind(
            DOCUMENT_SAVED,
            _l("Document version saved"),
            _l("Your contributions to the team's documents (each saved version)."),
        ),
        Kind(FILE_SHARED, _l("File shared"), _l("Material you brought into the team's space.")),
        Kind(
            REFLECTION_SUBMITTED,
            _l("Reflection submitted"),
            _l("That you reflected, for which prompt (the text stays in your journal)."),
        ),
        Kind(
            SELF_ASSESSMENT,
            _l("Self-assessment completed"),
            _l("That you rated yourself at the start or the end (your answers stay there)."),
        ),
        Kind(
            PEER_EVALUATION,
            _l("Peer evaluation given"),
            _l("That you evaluated your teammates (your ratings stay anonymous to them)."),
        ),
        Kind(
            RATING_RECEIVED,
            _l("Rated by a lecturer"),
            _l("That a lecturer assessed your intercultural competence."),
        ),
        Kind(
            BADGE_AWARDED,
            _l("Badge awarded"),
            _l("A micro-credential you earned in this exchange."),
        ),
    )
}

#: Who sees ledger events, for every kind (the transparency page says the same).
AUDIENCE = (
    _l("You: every event about you, on your portfolio page, and as a download of all your data."),
    _l("The lecturers of the exchange: every event of the exchange's students."),
    _l(
        "Coordinators of your own institution: your events; coordinators of the partner "
        "institutions: only totals of the whole exchange, never you by name."
    ),
    _l("Administrators of the platform: only totals."),
)
