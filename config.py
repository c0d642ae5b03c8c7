"""Configuration classes, read from ``COIL_*`` environment variables.

``create_app`` takes one of these classes (or an instance, or a dict of overrides). Values are
read when the class is instantiated, not at import, so tests and the CLI can set the environment
first. Production fails fast with one clear line when something essential is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
ASYNC_MODES = ("threading", "gevent", "eventlet")
# Chosen by bench/chat_load.py (docs/performance.md): gevent served the most messages per CPU
# second with the lowest latency and memory per connection; eventlet is as fast but discouraged
# by its maintainers; threading costs a thread per connection and collapsed first under load.
DEFAULT_ASYNC_MODE = "gevent"
# What students commonly share in a project; never HTML or scripts (downloads are attachments
# anyway, but an allow-list keeps executables out of university file shares).
DEFAULT_UPLOAD_EXTENSIONS = (
    "pdf,doc,docx,odt,rtf,txt,md,csv,xls,xlsx,ods,ppt,pptx,odp,png,jpg,jpeg,gif,webp,"
    "mp3,m4a,wav,mp4,mov,webm,zip"
)


class ConfigError(RuntimeError):
    """Raised when the configuration cannot work; the message is one line a person can act on."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"COIL_{name}")
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"COIL_{name} must be a whole number, got {value!r}") from None


def normalise_database_url(url: str) -> str:
    """Return a SQLAlchemy URL, mapping plain postgres URLs onto the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if not url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError(
            "COIL_DATABASE_URL must be a sqlite:/// or postgresql:// URL, "
            f"got {url.split(':')[0]!r}"
        )
    return url


class Config:
    """Settings shared by every environment; defaults need no other service than SQLite."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False

    def __init__(self) -> None:
        instance = Path(_env("INSTANCE_PATH", str(BASE_DIR / "instance")) or "instance")
        self.INSTANCE_PATH = str(instance)
        self.SECRET_KEY = _env("SECRET_KEY") or self.default_secret_key()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            _env("DATABASE_URL", f"sqlite:///{instance / 'coil.sqlite3'}") or ""
        )
        # Socket handlers hold a connection only for their own short queries, but hundreds of
        # connected clients make many at once; SQLAlchemy's default (5 + 10) is too small.
        self.SQLALCHEMY_ENGINE_OPTIONS = {
            # A server's connections can drop (restarts, idle timeouts); a local file cannot.
            "pool_pre_ping": not self.SQLALCHEMY_DATABASE_URI.startswith("sqlite:"),
            "pool_size": _env_int("DB_POOL_SIZE", 10),
            "max_overflow": _env_int("DB_POOL_OVERFLOW", 20),
        }
        self.SITE_URL = (_env("SITE_URL", "http://127.0.0.1:5000") or "").rstrip("/")
        # Socket.IO handshakes are accepted only from these origins (never "*").
        extra = [o.strip().rstrip("/") for o in (_env("ALLOWED_ORIGINS", "") or "").split(",")]
        self.ALLOWED_ORIGINS = [self.SITE_URL, *[o for o in extra if o]]
        self.MESSAGE_QUEUE = _env("MESSAGE_QUEUE")
        # Background jobs (coil/core/tasks.py): huey on Redis when a redis:// URL is given here
        # or as the message queue; otherwise embedded in SQLite under instance/. Worker threads
        # per web process (0: only separate ``coil worker`` processes consume the queue).
        queue = self.MESSAGE_QUEUE if (self.MESSAGE_QUEUE or "").startswith("redis") else None
        self.JOBS_QUEUE = _env("JOBS_QUEUE", queue)
        self.JOBS_WORKERS = _env_int("JOBS_WORKERS", 2)
        # Export files are kept this long; a running export silent this long has lost its worker.
        self.REPORTS_EXPORT_HOURS = _env_int("REPORTS_EXPORT_HOURS", 24)
        self.REPORTS_STALLED_MINUTES = _env_int("REPORTS_STALLED_MINUTES", 15)
        self.ASYNC_MODE = _env("ASYNC_MODE", DEFAULT_ASYNC_MODE)
        if self.ASYNC_MODE not in ASYNC_MODES:
            raise ConfigError(
                f"COIL_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, got {self.ASYNC_MODE!r}"
            )
        self.RATELIMIT_STORAGE_URI = (
            _env("RATELIMIT_STORAGE_URL") or self.MESSAGE_QUEUE or "memory://"
        )
        self.RATELIMIT_ENABLED = True
        self.RATELIMIT_HEADERS_ENABLED = True
        self.LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
        # Per account (coil/accounts/throttle.py): failures before a delay, and the longest one.
        self.LOGIN_FREE_FAILURES = _env_int("LOGIN_FREE_FAILURES", 5)
        self.LOGIN_MAX_DELAY = _env_int("LOGIN_MAX_DELAY", 60)
        # How many reverse proxies in front of the app set X-Forwarded-* (0: none, trust no
        # such header). Behind one nginx: 1. See docs/deployment.md.
        self.TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
        if not 0 <= self.TRUSTED_PROXIES <= 5:
            raise ConfigError("COIL_TRUSTED_PROXIES is the number of proxies in front: 0 to 5")
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.LANGUAGES = ("en", "nl", "es")  # named in coil.core.i18n.LANGUAGE_NAMES
        self.MAIL_FROM = _env("MAIL_FROM", "COIL <no-reply@localhost>")
        self.MAIL_DEFAULT_SENDER = self.MAIL_FROM
        smtp_host = _env("SMTP_HOST")
        # Without SMTP, mail is written to the application log so a developer can follow links.
        self.MAIL_BACKEND = "smtp" if smtp_host else "coil.core.mail.EmailBackend"
        self.MAIL_SERVER = smtp_host or "localhost"
        self.MAIL_PORT = _env_int("SMTP_PORT", 587)
        self.MAIL_USERNAME = _env("SMTP_USERNAME")
        self.MAIL_PASSWORD = _env("SMTP_PASSWORD")
        self.MAIL_USE_TLS = _env_bool("SMTP_STARTTLS", True)
        self.INVITATION_DAYS = _env_int("INVITATION_DAYS", 14)
        # Uploads in project spaces: stored on disk behind coil.spaces.storage.
        self.STORAGE_PATH = _env("STORAGE_PATH", str(instance / "files"))
        self.UPLOAD_MAX_BYTES = _env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
        self.MAX_CONTENT_LENGTH = self.UPLOAD_MAX_BYTES + 1024 * 1024  # form fields around it
        self.UPLOAD_EXTENSIONS = tuple(
            ext.strip().lower().lstrip(".")
            for ext in (_env("UPLOAD_EXTENSIONS", DEFAULT_UPLOAD_EXTENSIONS) or "").split(",")
            if ext.strip()
        )
        self.PASSWORD_RESET_SECONDS = _env_int("PASSWORD_RESET_SECONDS", 3600)
        # Micro-credentials: the secret that seals signing keys (default SECRET_KEY), and URL
        # prefixes of other issuers whose keys may be fetched even over HTTP or from a private
        # address (a second instance on this machine: http://127.0.0.1:5001/).
        self.CREDENTIALS_KEY = _env("CREDENTIALS_KEY")
        trusted = (_env("CREDENTIALS_TRUSTED_ISSUERS", "") or "").split(",")
        self.CREDENTIALS_TRUSTED_ISSUERS = [p.strip() for p in trusted if p.strip()]
        self.REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.SITE_URL.startswith("https://")
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.NODE_MODULES = _env("NODE_MODULES", str(BASE_DIR / "node_modules"))
        # compressed copies of static files (coil/core/compressed.py); default <instance>/compressed
        self.COMPRESSED_ASSETS = _env("COMPRESSED_ASSETS", "")
        self.WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch should still submit
        # Live rooms: message size, a per-person send limit (shared through Redis when the
        # rate-limit storage is Redis), and group commit of sends (see coil/chat/writer.py).
        self.CHAT_MAX_CHARS = _env_int("CHAT_MAX_CHARS", 4000)
        self.CHAT_RATE_LIMIT = _env("CHAT_RATE_LIMIT", "30 per 10 seconds")
        self.CHAT_BATCH_WRITES = _env_bool("CHAT_BATCH_WRITES", True)
        # How long a server process may go silent before others count its room presence gone.
        self.PRESENCE_TTL_SECONDS = _env_int("PRESENCE_TTL_SECONDS", 15)
        self.check()

    def default_secret_key(self) -> str:
        """Return the key used when none is configured (never in production)."""
        return "dev-only-not-secret"

    def check(self) -> None:
        """Refuse settings that cannot work in this environment."""


class DevelopmentConfig(Config):
    """Local demo and development: SQLite under instance/, mail to the log."""

    ENV_NAME = "development"
    DEBUG = False  # the demo runs without the debugger; set FLASK_DEBUG=1 to get it


class TestingConfig(Config):
    """Throwaway databases; CSRF stays on; mail kept in memory for assertions."""

    ENV_NAME = "testing"
    TESTING = True
    __test__ = False  # not a pytest test class, despite the name

    def __init__(self) -> None:
        super().__init__()
        self.MAIL_BACKEND = "locmem"
        self.SERVER_NAME = None
        self.PASSWORD_HASH_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
        # The Socket.IO test client runs handlers in the test's thread: store sends there
        # (tests/chat/test_writer.py drives the group-commit writer on its own).
        self.CHAT_BATCH_WRITES = False
        # Jobs wait in memory until a test runs them (coil.core.tasks.run_pending).
        self.JOBS_QUEUE = "memory"
        # The Socket.IO test client is synchronous: no event loop runs behind it.
        self.ASYNC_MODE = "threading"


class ProductionConfig(Config):
    """Behind a proxy, with PostgreSQL and Redis; refuses to start without a secret key."""

    ENV_NAME = "production"

    def default_secret_key(self) -> str:
        raise ConfigError("COIL_SECRET_KEY is not set: production refuses to start without it")

    def check(self) -> None:
        if len(self.SECRET_KEY) < 32:
            raise ConfigError("COIL_SECRET_KEY is too short: use at least 32 random characters")
        self.PREFERRED_URL_SCHEME = "https" if self.SITE_URL.startswith("https://") else "http"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> Config:
    """Instantiate the config class that COIL_ENV names (development by default)."""
    name = _env("ENV", "development") or "development"
    if name not in CONFIGS:
        raise ConfigError(f"COIL_ENV must be one of {', '.join(CONFIGS)}, got {name!r}")
    return CONFIGS[name]()
