"""Micro-credentials: Open Badges 3.0 badges with the EU micro-credential elements.

Lecturers define badges per exchange (versioned, with rules over the ledger); a coordinator of
the issuing institution approves them; students earn them by the rules or by a lecturer's
justified decision, and hold signed credentials (VC-JWT) anyone can verify.
"""

from flask import Blueprint

bp = Blueprint("credentials", __name__)
