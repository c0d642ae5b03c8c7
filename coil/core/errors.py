"""Errors a person can act on: friendly HTML pages, or JSON problems for API clients."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A state change that cannot happen as asked; ``field`` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def wants_json() -> bool:
    """Tell whether the client asked for JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        413: _("The upload is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("The service is briefly unavailable"),
    }


def render_error(code: int, detail: str | None = None) -> tuple[Response | str, int]:
    """Render the error page (or JSON problem) for an HTTP status code."""
    title = _titles().get(code, _("Something went wrong"))
    if wants_json():
        problem = {"type": "about:blank", "title": title, "status": code}
        if detail:
            problem["detail"] = detail
        response = jsonify(problem)
        response.mimetype = "application/problem+json"
        return response, code
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


RETRY_AFTER_SECONDS = 5


def database_unavailable_page() -> tuple[Response | str, int, dict[str, str]]:
    """Render the 503 page without touching the database (the viewer counts as anonymous)."""
    from flask import g
    from flask_login import AnonymousUserMixin

    from coil.extensions import db

    # The connection may be gone already; the pool replaces it (pool_pre_ping).
    with contextlib.suppress(OperationalError, InterfaceError):
        db.session.rollback()
    # Page helpers ask who is signed in: answer "nobody" rather than ask the database again.
    g._login_user = AnonymousUserMixin()
    body, code = render_error(503, _("Please try again in a moment."))
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def register_error_handlers(app: Flask) -> None:
    """Install handlers so that no error reaches a person as a stack trace."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[Response | str, int]:
        return render_error(
            400, _("The form had expired or was sent from elsewhere. Please go back and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        detail = None
        if error.code == 429:
            detail = _("Please wait a minute before trying again.")
        return render_error(error.code, detail)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
        # Log one line, not a traceback per request: during an outage every request fails.
        log.error("database unavailable on %s %s: %s", request.method, request.path, error)
        return database_unavailable_page()

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response | str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        from coil.extensions import db

        db.session.rollback()
        return render_error(InternalServerError.code)
