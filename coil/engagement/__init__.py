"""Engagement and inclusion signals: who takes part, how evenly, and early warnings.

Everything is read from the participation ledger (``coil.evidence``) with GROUP BY queries
(``queries``); ``metrics`` holds the pure arithmetic (shares, the Gini coefficient) and
``warnings`` turns figures into early warnings with their reason. Lecturers see the figures
and charts on the exchange's engagement page and get one digest notification a day
(``services.send_digests``, run by ``coil engagement-digest``).
"""

from flask import Blueprint

bp = Blueprint("engagement", __name__)
