"""Exchange pages: the exchange and its settings (``exchange``), enrolment and the student's
profile for team formation (``enrolment``). Importing this package attaches them to ``bp``."""

from coil.exchanges.views import enrolment, exchange

__all__ = ["enrolment", "exchange"]
