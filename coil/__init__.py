"""COIL: course pairing, live collaboration, participation evidence and credentials.

``create_app`` is the only way to build the application; every domain registers itself here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from config import Config

# Nothing heavy is imported at module level: ``coil serve`` must be able to monkey-patch for
# eventlet or gevent before Flask, SQLAlchemy or the threading module are loaded.
ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the Flask application for ``config`` (default: from ``COIL_ENV``)."""
    import logging

    from flask import Flask

    from config import config_from_env

    if config is None:
        config = config_from_env()
    elif isinstance(config, type):
        config = config()
    app = Flask(
        __name__,
        instance_path=config.INSTANCE_PATH,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from coil.core.safety import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    # Every model first, so that statements built at import time find every mapped class.
    _load_models()
    # Socket handlers must be imported before socketio.init_app: Flask-SocketIO copies the
    # handlers it knows into each new server, and later imports would reach only the first app.
    _load_socket_handlers()
    _init_extensions(app)
    _register_blueprints(app)
    from coil.core import tasks

    tasks.init_app(app)  # after the blueprints: their modules declare the tasks
    from coil.core.db import install_request_transaction
    from coil.core.errors import register_error_handlers
    from coil.core.headers import install_security_headers
    from coil.core.proxies import install_proxy_fix
    from coil.core.templating import install_template_helpers
    from coil.web import install as install_page_frame

    install_request_transaction(app)
    register_error_handlers(app)
    install_template_helpers(app)
    install_page_frame(app)
    install_security_headers(app)
    install_proxy_fix(app)
    return app


DOMAINS_WITH_MODELS = (
    "accounts",
    "institutions",
    "courses",
    "pairings",
    "exchanges",
    "teams",
    "evidence",
    "rubrics",
    "notifications",
    "spaces",
    "schedule",
    "chat",
    "dialogue",
    "reflections",
    "assessment",
    "engagement",
    "reports",
    "credentials",
)


SOCKET_DOMAINS = ("accounts", "chat", "dialogue")  # accounts: the connect guard


def _load_socket_handlers() -> None:
    """Import the connection guard and every domain's socket event handlers."""
    import importlib

    for domain in SOCKET_DOMAINS:
        importlib.import_module(f"coil.{domain}.sockets")


def _load_models() -> None:
    """Import every domain's models so that the metadata (and Alembic) sees all tables."""
    import importlib

    for domain in DOMAINS_WITH_MODELS:
        importlib.import_module(f"coil.{domain}.models")


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from coil.core.i18n import compile_catalogues, select_locale, select_timezone
    from coil.extensions import babel, csrf, db, limiter, login_manager, mail, migrate, socketio

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=compile_catalogues(app),
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["MESSAGE_QUEUE"],
        cors_allowed_origins=app.config["ALLOWED_ORIGINS"],
        manage_session=False,
    )


BLUEPRINT_DOMAINS = (*DOMAINS_WITH_MODELS, "portfolio", "home")  # domains without tables last


def _register_blueprints(app: Flask) -> None:
    import importlib

    from coil.core.assets import install_assets

    install_assets(app)
    for domain in BLUEPRINT_DOMAINS:
        package = importlib.import_module(f"coil.{domain}")
        importlib.import_module(f"coil.{domain}.views")  # attaches the routes to bp
        app.register_blueprint(package.bp)
