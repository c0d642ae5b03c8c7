"""Institutions: the partner directory and each institution's own management pages."""

from flask import Blueprint

bp = Blueprint("institutions", __name__)  # pages under /institutions/ and /invitations
