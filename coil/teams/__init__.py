"""Teams: mixed international teams of an exchange, formed by a pure engine (``engine/``).

``cohort`` reads an exchange's students and settings as the engine's plain data, ``services``
proposes, edits and publishes teams, ``describe`` puts the engine's reasons in the viewer's
language, and the pages live in ``views``. The team pages sit under ``/exchanges/<id>/``.
"""

from flask import Blueprint

bp = Blueprint("teams", __name__, url_prefix="/exchanges")
