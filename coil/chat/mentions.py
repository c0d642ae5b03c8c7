"""@mentions: ``@Name`` in a message tells that person, if they can read the room.

Names are matched case-insensitively against the people of the room (its students and the
exchange's lecturers), longest name first, so ``@Anna Maria`` beats ``@Anna``. The author is
never told about their own mention.
"""

from __future__ import annotations

from coil.accounts.models import User
from coil.chat.models import Message
from coil.chat.permissions import can_read_room
from coil.teams.membership import people_of

MAX_MENTIONS = 20


def mentioned(body: str, people: list[User]) -> list[User]:
    """Return the people ``body`` mentions with ``@Name``, in order of first mention."""
    lowered = body.lower()
    by_length = sorted(people, key=lambda p: len(p.name), reverse=True)
    found: dict[int, User] = {}
    start = lowered.find("@")
    while start != -1 and len(found) < MAX_MENTIONS:
        rest = lowered[start + 1 :]
        for person in by_length:
            name = person.name.lower()
            after = rest[len(name) : len(name) + 1]
            if name and rest.startswith(name) and not (after.isalnum() or after == "_"):
                found.setdefault(person.id, person)
                break
        start = lowered.find("@", start + 1)
    return list(found.values())


def notify_mentions(message: Message) -> list[User]:
    """Notify the people ``message`` mentions (in the caller's transaction); return them."""
    from coil.notifications.services import notify_user

    room = message.room
    told = []
    for person in mentioned(message.body, people_of(room.exchange, room.team_id)):
        if person.id == message.author_id or not can_read_room(person, room):
            continue
        author = message.author.name if message.author else ""
        notify_user(
            person,
            "mentioned",
            {"author": author, "room": room.name},
            endpoint="chat.room",
            values={"room_id": room.id, "_anchor": f"message-{message.id}"},
            mail=False,
        )
        told.append(person)
    return told
