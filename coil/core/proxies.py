"""Trusting a reverse proxy's X-Forwarded-* headers, and only as many hops as configured.

Behind nginx every request comes from the proxy's address: without this, rate limits keyed on
the address would count every visitor as one. ``TRUSTED_PROXIES`` (``COIL_TRUSTED_PROXIES``) is
the number of proxies in front of the app; with 0 (the default) the headers are ignored, since
anyone can send them.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def install_proxy_fix(app: Flask) -> None:
    """Read the client's address, scheme and host from the trusted proxies' headers."""
    hops = int(app.config.get("TRUSTED_PROXIES", 0))
    if hops > 0:
        # Around Socket.IO's middleware too, so that its handshakes see the same client.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
