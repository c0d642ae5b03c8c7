"""Team pages: forming and publishing (``formation``), changes after publishing and the
student's own team (``changes``). Importing this package attaches them to ``bp``."""

from coil.teams.views import changes, formation

__all__ = ["changes", "formation"]
