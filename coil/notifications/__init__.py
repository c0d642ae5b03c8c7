"""Notifications: what happened that a person should know about, in-app and by mail."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
