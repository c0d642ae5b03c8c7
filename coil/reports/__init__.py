"""Reports for coordinators: the institution dashboard, participation-record exports run as
background jobs, the audit log, and the estimate of travel emissions avoided.

Every figure comes from ``figures`` (one set of queries for the dashboard and the exports);
the pure estimate is ``emissions``; ``jobs`` runs exports in the background.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__)
