"""spaces pages."""

from coil.spaces import bp  # noqa: F401
