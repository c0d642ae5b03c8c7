"""The protocol's catch-all: an event name the server does not know is answered, for everyone
who may connect, with ``unknown_event`` (and changes nothing). Socket.IO routes every unknown
name to the ``*`` handler, so the row is for ``*``; the cells emit a real unknown name (an event
literally named ``*`` is mistaken by Flask-SocketIO for its own catch-all call and dropped)."""

from __future__ import annotations

import pytest

from tests.authorization.harness import SocketRow, ack_of, socket_cells
from tests.authorization.test_sockets import COLUMNS

SOCKET_ROWS = [SocketRow("*", {}, dict.fromkeys(COLUMNS, "unknown_event"))]


@pytest.mark.parametrize(("row", "column"), socket_cells(SOCKET_ROWS, COLUMNS))
def test_unknown_events(matrix, row, column):
    socket = matrix.socket(column)
    matrix.settle()
    ack = socket.emit("no.such.event", {"room": 1}, callback=True)
    socket.get_received()
    assert ack_of(ack) == row.expect[column]
    assert not matrix.settle()
