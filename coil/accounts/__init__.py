"""Accounts: log-in, sign-up by invitation, password reset, profiles, invitations."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
