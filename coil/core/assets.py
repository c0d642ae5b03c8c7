"""Static files and third-party browser libraries: content-versioned URLs and long cache lifetimes.

Third-party libraries come from the npm packages installed by package.json; only the files of
the packages listed here are reachable (node_modules is not served wholesale).

Every URL built with ``url_for('static', ...)`` or ``url_for('vendor.vendor', ...)`` carries
``v=<hash of the file's bytes>``. A request that names the current hash is cached for a year as
immutable; any other (an old hash, none, an ES module imported by a relative path) must be
revalidated (``no-cache`` with an ETag), so a deploy never serves a stale file. Text assets
are sent Brotli- or gzip-compressed when the browser accepts it (coil/core/compressed.py); pages
are not (BREACH, docs/deployment.md).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request, send_from_directory
from flask.typing import ResponseReturnValue

from coil.core.compressed import compress_response

bp = Blueprint("vendor", __name__)

# package name -> folder inside the package that browsers may load from
VENDOR_DIRS = {
    "socket.io-client": "dist",
    "chart.js": "dist",
}
YEAR = 365 * 24 * 3600


def _vendor_root(package: str) -> Path | None:
    folder = VENDOR_DIRS.get(package)
    if folder is None:
        return None
    return Path(current_app.config["NODE_MODULES"]) / package / folder


@bp.route("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> ResponseReturnValue:
    """Send one file of an allowed npm package."""
    root = _vendor_root(package)
    if root is None:
        abort(404)
    return send_from_directory(root, filename)


@bp.route("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Answer browsers that ask for the icon before reading the page's ``<link rel=icon>``."""
    folder = current_app.static_folder or ""
    return send_from_directory(folder, "favicon.svg", mimetype="image/svg+xml")


@lru_cache(maxsize=1024)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def file_version(path: Path) -> str | None:
    """Return a short hash of a file's bytes (recomputed when the file changes), if it exists."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def _asset_path(endpoint: str, values: dict[str, Any]) -> Path | None:
    filename = values.get("filename")
    if not isinstance(filename, str) or ".." in filename:
        return None
    if endpoint == "static":
        return Path(current_app.static_folder or "") / filename
    root = _vendor_root(str(values.get("package")))
    return None if root is None else root / filename


def _add_version(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint in ("static", "vendor.vendor") and "v" not in values:
        path = _asset_path(endpoint, values)
        version = None if path is None else file_version(path)
        if version is not None:
            values["v"] = version


def _cache_headers(response: Response) -> Response:
    if request.endpoint not in ("static", "vendor.vendor", "vendor.favicon"):
        return response
    asked = request.args.get("v")
    path = _asset_path(request.endpoint or "", dict(request.view_args or {}))
    response = compress_response(response, path)
    if asked is not None and path is not None and asked == file_version(path):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
    return response


def install_assets(app: Flask) -> None:
    """Register the vendor routes, versioned asset URLs and their cache headers."""
    app.register_blueprint(bp)
    app.url_defaults(_add_version)
    app.after_request(_cache_headers)
