"""Language and time zone selection, and compiling the message catalogues at start-up."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from coil.core.time import is_timezone

log = logging.getLogger(__name__)
SOURCE_DIR = Path(__file__).resolve().parent.parent / "translations"
TZ_COOKIE = "coil_tz"
# The profile language of a Socket.IO connection made without a log-in cookie (an API token),
# noted in the connection's WSGI environ when it connects: its events have no current_user.
SOCKET_LOCALE_KEY = "coil.socket_locale"
# Interface languages, each named in itself (the switcher shows every name to every viewer).
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "es": "Español"}


def select_locale() -> str | None:
    """Choose the UI language: the user's preference, then the session, then Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, tests calling services: no viewer to ask
        return languages[0]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request.environ.get(SOCKET_LOCALE_KEY) in languages:
        return str(request.environ[SOCKET_LOCALE_KEY])
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def browser_timezone() -> str | None:
    """Return the zone the browser reported in its cookie, if it is a valid IANA name."""
    browser = request.cookies.get(TZ_COOKIE, "") if has_request_context() else ""
    return browser if is_timezone(browser) else None


def select_timezone() -> str:
    """Choose the display zone: the user's own, then the browser's (cookie), then UTC."""
    if not has_request_context():
        return "UTC"
    if current_user.is_authenticated and is_timezone(current_user.timezone):
        return current_user.timezone
    return browser_timezone() or "UTC"


def timezone_known() -> bool:
    """Tell whether the display zone came from the viewer (profile or browser), not the default."""
    if current_user.is_authenticated and is_timezone(current_user.timezone):
        return True
    return browser_timezone() is not None


def compile_catalogues(app: Flask) -> str:
    """Compile every ``.po`` under coil/translations to ``.mo`` in the instance folder.

    Compiled catalogues are build output, so they live outside the source tree and are
    refreshed whenever a ``.po`` file is newer.
    """
    target = Path(app.instance_path) / "translations"
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        tmp = mo_path.with_suffix(".tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)  # atomic, so a second process never reads half a file
        log.debug("compiled %s", mo_path)
    return str(target)
