"""Live sessions: scheduling in UTC, showing in each viewer's zone, iCalendar feeds, attendance."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/sessions")
