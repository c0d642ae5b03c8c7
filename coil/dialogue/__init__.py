"""Dialogue tools for live rooms: a timed round-robin speaking order and prompt cards."""

from flask import Blueprint

bp = Blueprint("dialogue", __name__)
