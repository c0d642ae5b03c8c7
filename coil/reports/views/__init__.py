"""Reports pages: the dashboard (``dashboard``), exports and their downloads (``exports``), the
audit log (``audit``). Importing this package attaches them to ``bp``."""

from coil.reports.views import audit, dashboard, exports

__all__ = ["audit", "dashboard", "exports"]
