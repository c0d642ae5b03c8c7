"""Template helpers every page uses: dates in the viewer's zone, names of countries and languages.

Helpers that know a domain (navigation, unread badges, an exchange's space) are registered by
that domain's blueprint (``bp.app_template_global``, ``bp.app_context_processor``) or by
``coil/web.py`` above the domains: core imports no domain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, has_request_context, request
from flask_babel import format_datetime, get_locale, get_timezone

from coil.core.i18n import LANGUAGE_NAMES, TZ_COOKIE, timezone_known
from coil.core.reference import country_names, language_names
from coil.core.time import local, utcnow


def when(value: datetime | None, format: str = "medium") -> str:
    """Format an aware UTC datetime in the viewer's time zone and language."""
    return "" if value is None else format_datetime(value, format)


def when_in(value: datetime | None, tz: str, format: str = "medium") -> str:
    """Format an aware datetime in another zone (a partner's local time) in the UI language."""
    if value is None:
        return ""
    return babel_format_datetime(
        local(value, tz), format, tzinfo=local(value, tz).tzinfo, locale=get_locale()
    )


def country_name(code: str) -> str:
    """Name an ISO 3166 country in the UI language."""
    return country_names(str(get_locale())).get(code, code)


def language_name(code: str) -> str:
    """Name an ISO 639-1 language in the UI language."""
    return language_names(str(get_locale())).get(code, code)


def install_template_helpers(app: Flask) -> None:
    """Register the filters and values every template may use."""
    app.add_template_filter(when, "when")
    app.add_template_filter(when_in, "when_in")
    app.add_template_filter(country_name, "country_name")
    app.add_template_filter(language_name, "language_name")

    @app.context_processor
    def inject() -> dict[str, Any]:
        if not has_request_context():  # mail rendered by the CLI or a background job
            return {"now": utcnow()}
        return {
            "current_locale": str(get_locale()),
            "viewer_timezone": str(get_timezone()),
            "now": utcnow(),
            "tz_cookie": TZ_COOKIE,
            # A GET page rendered in UTC only for want of the browser's zone may reload once.
            "tz_unknown": request.method == "GET" and not timezone_known(),
            "interface_languages": LANGUAGE_NAMES,
            "request_path": request.full_path.rstrip("?"),
        }
