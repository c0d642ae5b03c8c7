"""Every route and every live event of the app has matrix rows: a new one fails here until its
rows are written (in the module of its domain, or a new ``test_<domain>.py`` with ``ROWS``)."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

import tests.authorization as package
from coil.extensions import socketio

# Routes with no row, on purpose. Everything else needs one per method (GET, POST).
WITHOUT_ROWS = {
    "static": "the app's own CSS, JavaScript and images: public by design",
    "vendor.vendor": "npm packages' browser files (coil/core/assets.py): public by design",
    "vendor.favicon": "the site icon (coil/core/assets.py): public by design",
}
# Socket.IO events with no row: the connection's own life cycle (test_sockets.py checks that
# anonymous visitors cannot connect).
EVENTS_WITHOUT_ROWS = {"connect", "disconnect"}


def _modules() -> list:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("test_")
    ]


def test_every_route_has_rows(matrix):
    adapter = matrix.app.url_map.bind("localhost")
    any_id = defaultdict(lambda: "1")
    covered: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module in _modules():
        for row in getattr(module, "ROWS", []):
            path = row.path.format_map(any_id).split("?")[0]
            rule, _args = adapter.match(path, method=row.method, return_rule=True)
            covered[(rule.rule, row.method)].append(module.__name__)
    missing = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule in matrix.app.url_map.iter_rules()
        if rule.endpoint not in WITHOUT_ROWS
        for method in sorted(rule.methods & {"GET", "POST"})
        if (rule.rule, method) not in covered
    ]
    assert not missing, "routes without a row in the authorization matrix:\n" + "\n".join(missing)


def test_every_socket_event_has_rows():
    handled = set(socketio.server.handlers.get("/", {})) - EVENTS_WITHOUT_ROWS
    rows = {row.event for module in _modules() for row in getattr(module, "SOCKET_ROWS", [])}
    assert handled - rows == set(), "live events without a row in the authorization matrix"
    assert rows - handled == set(), "rows for events the app does not handle"


def test_the_allow_list_names_real_routes(matrix):
    endpoints = {rule.endpoint for rule in matrix.app.url_map.iter_rules()}
    assert set(WITHOUT_ROWS) <= endpoints
