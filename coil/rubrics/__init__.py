"""Rubrics as data: dimensions, levels and descriptors in several languages.

The platform's default is a rubric on the six dimensions of the AAC&U Intercultural Knowledge
and Competence VALUE rubric (``value.py``, descriptors written for this project); an institution
may define its own, and each exchange picks one. Reflections and assessments refer to a
rubric's dimensions by key.
"""

from flask import Blueprint

bp = Blueprint("rubrics", __name__, url_prefix="/rubrics")
