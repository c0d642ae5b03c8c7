"""schedule pages."""

from coil.schedule import bp  # noqa: F401
