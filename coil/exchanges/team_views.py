"""Team formation pages: preview, adjust, lock, re-run, publish."""

from coil.exchanges import bp  # noqa: F401
