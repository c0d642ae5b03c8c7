"""Project spaces: one per team and one per exchange, with tasks, documents and files."""

from flask import Blueprint

bp = Blueprint("spaces", __name__, url_prefix="/spaces")
