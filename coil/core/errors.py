"""Errors a person can act on: friendly HTML pages, or JSON problems for API clients."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
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

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response | str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        from coil.extensions import db

        db.session.rollback()
        return render_error(InternalServerError.code)
