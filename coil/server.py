"""Run the application under the configured async mode, with Nagle's algorithm off.

Live messages are small writes; with Nagle on, a reply can wait for the peer's delayed ACK
(about 25 ms more tail latency with the stock eventlet listener). Linux copies TCP_NODELAY from
a listening socket to the sockets it accepts, so setting it on the listener covers them all.
"""

from __future__ import annotations

import logging
import signal
import socket
from typing import TYPE_CHECKING, Any

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


def origin_checking_handler(allowed: list[str] | str) -> type:
    """gevent-websocket's handler, refusing the upgrade for an Origin Engine.IO would refuse.

    gevent-websocket answers ``101 Switching Protocols`` before the application runs, so
    Engine.IO's Origin check could only close the socket afterwards: the client saw no
    ``connect_error`` and waited for its own timeout. Left un-upgraded, the request reaches
    Engine.IO as a plain HTTP request, which answers 400 as it does for polling.
    """
    from geventwebsocket.handler import WebSocketHandler

    origins = [allowed] if isinstance(allowed, str) else list(allowed or [])

    class OriginCheckingHandler(WebSocketHandler):  # type: ignore[misc]
        def upgrade_websocket(self) -> Any:
            origin = self.environ.get("HTTP_ORIGIN")
            if origin and "*" not in origins and origin not in origins:
                return None  # not upgraded: the application answers (Engine.IO: 400)
            return super().upgrade_websocket()

    return OriginCheckingHandler


def graceful_stop(server: Any) -> None:
    """Stop for a deploy (SIGTERM, gevent mode) without losing or doubling an acknowledged message.

    1. Stop accepting connections (a load balancer sends new ones to the other processes).
    2. Answer every event already running, the group-commit batch in hand included, so that each
       acknowledged message is committed; events arriving meanwhile get ``busy`` (the client
       resends them, same client id, after reconnecting).
    3. Close every Engine.IO connection: the disconnect handler takes each one out of presence at
       once (announced to the rooms), and clients, seeing the transport close, reconnect
       elsewhere, rejoin with ``after`` and resend their outbox.
    4. Stop the server; ``coil serve`` then exits with status 0.
    """
    from coil.core.sockets import drain_events
    from coil.extensions import socketio

    log.info("SIGTERM: not accepting connections; answering the events in hand")
    # Not server.close(): that also ends serve_forever, and the process would exit mid-drain.
    server.stop_accepting()
    server.socket.close()  # new connections are refused, not left waiting in the backlog
    finished = drain_events(timeout=20.0)  # longer than a send waits for its batch (15 s)
    socketio.sleep(0.2)  # the last acks leave the process
    log.info(
        "closing %d connections (events all answered: %s)",
        len(socketio.server.eio.sockets),
        finished,
    )
    # Closed without Engine.IO's CLOSE packet: to a client that reads as a lost transport, which
    # it reconnects after (a CLOSE packet makes python-socketio clients give up for good).
    for connection in list(socketio.server.eio.sockets.values()):
        connection.close(wait=False, abort=True)
    socketio.sleep(0.2)  # the close frames and presence announcements leave
    server.stop(timeout=5)
    log.info("stopped")


def serve(app: Flask, host: str, port: int) -> None:
    """Serve ``app`` (already wrapped by Flask-SocketIO) until interrupted."""
    from coil.extensions import socketio

    mode = app.config["ASYNC_MODE"]
    listener = make_listener(host, port)
    socketio.start_background_task(warm_up, app)
    from coil.core.tasks import start_consumer

    start_consumer(app)  # background jobs (exports); JOBS_WORKERS=0 leaves them to coil worker
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
        import gevent
        from gevent import pywsgi

        handler = origin_checking_handler(app.config["ALLOWED_ORIGINS"])
        server = pywsgi.WSGIServer(listener, app, handler_class=handler, log=None)
        gevent.signal_handler(signal.SIGTERM, graceful_stop, server)
        server.serve_forever()
    else:
        from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            disable_nagle_algorithm = True

            def log_request(self, *args: object, **kwargs: object) -> None:
                pass  # access logs belong to the proxy in front

        server = ThreadedWSGIServer(host, port, app, handler=Handler, fd=listener.fileno())
        server.serve_forever()
