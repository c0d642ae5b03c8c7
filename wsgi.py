"""WSGI entry point for servers that import an application object (gunicorn, uWSGI).

``coil serve`` is the supported way to run the live server; it sets up the async mode and
TCP_NODELAY. Use this module when a process manager insists on importing ``wsgi:app``.
"""

from coil import create_app

app = create_app()
