"""Room pages come with the live-rooms UI; importing the blueprint lets the app register it."""

from coil.chat import bp  # noqa: F401
