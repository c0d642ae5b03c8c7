"""exchanges pages."""

from coil.exchanges import bp  # noqa: F401
