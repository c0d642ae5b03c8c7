"""Names of the Socket.IO rooms that live events go to: built here and nowhere else.

Socket.IO calls them rooms; they are called channels here so they are not mistaken for chat
rooms. ``user:{id}`` reaches every connection of one person (joined at connect),
``room:{id}`` the connections that joined a chat room, ``exchange:{id}`` the connections that
subscribed to an exchange's room list.
"""

from __future__ import annotations


def user_channel(user_id: int) -> str:
    """Name the channel that reaches every connection of one user."""
    return f"user:{user_id}"


def room_channel(room_id: int) -> str:
    """Name the channel of the connections in one chat room."""
    return f"room:{room_id}"


def exchange_channel(exchange_id: int) -> str:
    """Name the channel of the connections following an exchange's rooms."""
    return f"exchange:{exchange_id}"
