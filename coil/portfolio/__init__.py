"""Portfolio: one page per student per exchange with the evidence of what they did and learned,
its exports (PDF, HTML), every ledger event about them, and all their own data as JSON."""

from flask import Blueprint

bp = Blueprint("portfolio", __name__)
