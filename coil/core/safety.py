"""Small guards for values that come from the request."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit

from werkzeug.routing import IntegerConverter, Map

MAX_DB_ID = 2**31 - 1  # the largest value of a database INTEGER id


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects).

    Control characters (CR/LF above all) are refused: they cannot go into a Location header.
    """
    if not target or any(unicodedata.category(c) == "Cc" for c in target):
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def site_url(endpoint: str, **values: object) -> str:
    """Build an absolute link on the configured site, never from the request's Host header.

    Links in mail must not trust the Host header (a forged one would mail out links to
    someone else's server), and mail may be built outside any request.
    """
    from flask import current_app

    anchor = values.pop("_anchor", None)
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "http"
    )
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(str(anchor))}" if anchor else url


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to what a database integer holds: larger numbers are a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_DB_ID)
        super().__init__(map, *args, **kwargs)


def query_id(name: str) -> int | None:
    """Read a database id from the query string: a positive integer a database column holds."""
    from flask import request

    value = request.args.get(name, "")
    if value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
        return number if 0 < number <= MAX_DB_ID else None
    return None
