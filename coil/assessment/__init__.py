"""Rubric assessment: students' pre/post self-assessments on the exchange's rubric, lecturers'
ratings beside the evidence, and peer evaluations on the five CATME teamwork dimensions.

Every submission is stored once (unique constraints) and recorded in the ledger in the same
transaction. Windows open with the exchange's first phase (pre) and last phase (post, peers); a
lecturer can reopen one. Agreement between raters and peer-evaluation flags are computed in the
pure modules ``metrics`` and ``flags``. Other domains read ``queries`` and the template global
``assessments_due``.
"""

from flask import Blueprint

bp = Blueprint("assessment", __name__)
