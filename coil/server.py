"""Run the application under the configured async mode, with Nagle's algorithm off.

Live messages are small writes; with Nagle on, a reply can wait for the peer's delayed ACK
(about 25 ms more tail latency with the stock eventlet listener). Linux copies TCP_NODELAY from
a listening socket to the sockets it accepts, so setting it on the listener covers them all.
"""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


def make_listener(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """Open a listening TCP socket with SO_REUSEADDR and TCP_NODELAY."""
    sock = socket.create_server((host, port), backlog=backlog)  # sets SO_REUSEADDR on POSIX
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def monkey_patch(mode: str) -> None:
    """Patch the standard library for eventlet or gevent; call before anything else is imported."""
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def warm_up(app: Flask) -> None:
    """Fill per-process caches (prepared course forms) so first requests are not slow."""
    from coil.courses.partner_search import warm_cache
    from coil.extensions import db

    with app.app_context():
        try:
            loaded = warm_cache()
            log.info("matching cache warmed with %s open courses", loaded)
        except Exception:  # a cold cache is slower, not wrong: never stop the server for it
            log.exception("could not warm the matching cache")
        finally:
            db.session.remove()


def serve(app: Flask, host: str, port: int) -> None:
    """Serve ``app`` (already wrapped by Flask-SocketIO) until interrupted."""
    from coil.extensions import socketio

    mode = app.config["ASYNC_MODE"]
    listener = make_listener(host, port)
    socketio.start_background_task(warm_up, app)
    if app.config.get("MESSAGE_QUEUE"):
        from coil.chat.presence import sweep_forever

        socketio.start_background_task(sweep_forever, app)
    if app.config.get("ENGAGEMENT_DIGEST_IN_SERVER"):
        from coil.engagement.daily import digest_forever

        socketio.start_background_task(digest_forever, app)
    log.info("serving on http://%s:%s with async mode %s", host, port, mode)
    if mode == "eventlet":
        import eventlet.greenio
        import eventlet.wsgi

        green = eventlet.greenio.GreenSocket(listener)
        eventlet.wsgi.server(green, app, log_output=False)
    elif mode == "gevent":
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler

        server = pywsgi.WSGIServer(listener, app, handler_class=WebSocketHandler, log=None)
        server.serve_forever()
    else:
        from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            disable_nagle_algorithm = True

            def log_request(self, *args: object, **kwargs: object) -> None:
                pass  # access logs belong to the proxy in front

        server = ThreadedWSGIServer(host, port, app, handler=Handler, fd=listener.fileno())
        server.serve_forever()
