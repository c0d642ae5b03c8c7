"""What happens to accounts and invitations, for the domains above that react.

Receivers run in the sender's transaction, so what they write commits or rolls back with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blinker import Namespace

_signals = Namespace()

#: ``sender`` (a User) took up ``invitation``: an account made from it, or a signed-in person
#: following a link that names a course. A receiver that acts on it returns an
#: :class:`InvitationUse` (the exchanges domain enrols the person in the course).
invitation_used = _signals.signal("invitation-used")


@dataclass(frozen=True, slots=True)
class InvitationUse:
    """What a domain above made of an invitation: whether it changed anything, where to go."""

    new: bool
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)
