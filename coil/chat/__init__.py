"""Live rooms: one per exchange, one per team, and topic rooms, with their messages."""

from flask import Blueprint

bp = Blueprint("chat", __name__, url_prefix="/rooms")
