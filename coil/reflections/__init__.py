"""The reflection journal: prompts per exchange phase, students' versioned entries, feedback.

Lecturers set prompts (from a starter set in English, Dutch and Spanish, or their own), each
tied to dimensions of the exchange's rubric and due at a moment stored in UTC. Students keep
drafts and submit versions; a submitted version is never changed, and each submission is one
ledger event. Other domains read through ``queries`` (``student_reflections``,
``portfolio_entries``) and the template global ``reflections_due``.
"""

from flask import Blueprint

bp = Blueprint("reflections", __name__)
