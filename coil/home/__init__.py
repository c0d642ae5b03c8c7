"""Home pages: a landing page for visitors and one dashboard per role."""

from flask import Blueprint

bp = Blueprint("home", __name__)
