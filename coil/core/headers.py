"""Security headers on every response: a strict Content-Security-Policy and its companions.

One after-request hook rather than a library: Flask-Talisman would also force HTTPS redirects
and rewrite session cookie flags, which config.py and the reverse proxy already own, and it is
barely maintained. What a page may load is all ours: scripts, styles and images come from this
site (no inline script or style attribute anywhere: tests/hardening/test_headers.py checks
the templates), and the only connection a page opens is Socket.IO to the same host.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

HSTS_SECONDS = 60 * 60 * 24 * 365  # a year; no includeSubDomains: a university owns the parent


def content_security_policy() -> str:
    """Return the policy for this request (Socket.IO connects back to the host it came from)."""
    websocket = "wss" if request.scheme == "https" else "ws"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {websocket}://{request.host}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def add_security_headers(response: Response) -> Response:
    """Set the security headers a view has not set itself."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Reset and invitation links carry their secret in the path: never send it to another site.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["SITE_URL"].startswith("https://"):
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
    return response


def install_security_headers(app: Flask) -> None:
    """Add the security headers to every response of ``app``."""
    app.after_request(add_security_headers)
