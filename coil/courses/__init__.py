"""Courses: profiles lecturers describe once, partner search and feasibility matching."""

from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")
