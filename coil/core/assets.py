"""Serve third-party browser libraries from the npm packages installed by package.json.

Only the files listed here are reachable: node_modules is not served wholesale.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from flask.typing import ResponseReturnValue

bp = Blueprint("vendor", __name__)

# package name -> folder inside the package that browsers may load from
VENDOR_DIRS = {
    "socket.io-client": "dist",
    "chart.js": "dist",
}


@bp.route("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> ResponseReturnValue:
    """Send one file of an allowed npm package, cached for a day."""
    folder = VENDOR_DIRS.get(package)
    if folder is None:
        abort(404)
    root = Path(current_app.config["NODE_MODULES"]) / package / folder
    return send_from_directory(root, filename, max_age=86400)
