"""Tell the people of a space, after commit, that a part of it changed, so open pages refresh it.

The event is small (which space, which part, who) and goes to each member's and lecturer's
personal channel rather than to a channel of the space: nobody has to join anything (so there is
no join to authorize), and who hears it is decided when the change is stored, so a student who
left the team stops hearing at once. The page fetches the changed part itself, through the
same authorized page request as a reload.
"""

from __future__ import annotations

from typing import Literal

from coil.accounts.models import User
from coil.core.channels import user_channel
from coil.core.events import notify
from coil.spaces.models import Space
from coil.teams.membership import people_of

Part = Literal["tasks", "documents", "files"]  # the page's [data-space-part] names


def announce_change(space: Space, part: Part, actor: User) -> None:
    """Queue ``space_changed`` for the space's students and lecturers, sent after commit."""
    rooms = [user_channel(person.id) for person in people_of(space.exchange, space.team_id)]
    payload = {"space_id": space.id, "part": part, "by": actor.id}
    notify("space_changed", "changed", payload, rooms)
