"""Socket.IO connections: refused for anonymous users, personal rooms for signed-in ones."""

from __future__ import annotations

from coil.accounts.models import Role
from coil.core.events import notify
from tests.conftest import socket_client


def test_anonymous_connections_are_refused(app, client):
    socket = socket_client(app, client)
    assert not socket.is_connected()


def test_signed_in_user_gets_events_for_their_room_after_commit(app, client, auth, factory, db):
    user = factory.user(Role.STUDENT)
    other = factory.user(Role.STUDENT)
    auth.login(user.email)
    socket = socket_client(app, client)
    assert socket.is_connected()
    notify("notification", "created", {"text": "hi"}, [f"user:{user.id}"])
    notify("notification", "created", {"text": "not for you"}, [f"user:{other.id}"])
    assert socket.get_received() == []  # nothing before commit
    db.session.commit()
    received = socket.get_received()
    assert [r["args"][0]["text"] for r in received] == ["hi"]
    socket.disconnect()
