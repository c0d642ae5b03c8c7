"""Exchanges: paired courses running a shared module (enrolment, teams and spaces to come)."""

from flask import Blueprint

bp = Blueprint("exchanges", __name__, url_prefix="/exchanges")
