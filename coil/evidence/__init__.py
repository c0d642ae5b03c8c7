"""Evidence: the participation ledger, recorded as things happen, and what it shows.

Every domain that causes participation (chat, dialogue, schedule, spaces, reflections and
assessment) calls :func:`coil.evidence.ledger.record` in its own transaction; ``kinds`` lists
every kind of event with who sees it, for the transparency page students are shown first.
"""

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/exchanges")
