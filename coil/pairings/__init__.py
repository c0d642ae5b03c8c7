"""Pairings: proposing a partnership between courses, agreeing how it runs, accepting it."""

from flask import Blueprint

bp = Blueprint("pairings", __name__, url_prefix="/proposals")
