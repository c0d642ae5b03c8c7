"""Configuration reads COIL_* variables and refuses what cannot work, in one clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config import ConfigError, DevelopmentConfig, ProductionConfig, normalise_database_url

COIL = [sys.executable, "-c", "from coil.cli import main; main()"]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COIL_")}
    return subprocess.run(
        [*COIL, *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_secret_key_stops_with_one_line(tmp_path):
    result = _run({"COIL_ENV": "production", "COIL_INSTANCE_PATH": str(tmp_path)}, "routes")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["Error: COIL_SECRET_KEY is not set: production refuses to start without it"]


def test_production_with_short_key_is_refused(monkeypatch):
    monkeypatch.setenv("COIL_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="too short"):
        ProductionConfig()


def test_production_with_a_proper_key_starts(monkeypatch):
    monkeypatch.setenv("COIL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("COIL_SITE_URL", "https://coil.example.edu/")
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE and config.SITE_URL == "https://coil.example.edu"
    assert config.ALLOWED_ORIGINS == ["https://coil.example.edu"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("COIL_ASYNC_MODE", "tornado", "COIL_ASYNC_MODE must be one of"),
        ("COIL_DATABASE_URL", "mysql://x/y", "COIL_DATABASE_URL must be a sqlite"),
        ("COIL_SMTP_PORT", "twenty-five", "COIL_SMTP_PORT must be a whole number"),
    ],
)
def test_bad_values_are_refused(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        DevelopmentConfig()


def test_defaults_need_nothing_but_sqlite(monkeypatch, tmp_path):
    monkeypatch.setenv("COIL_INSTANCE_PATH", str(tmp_path))
    config = DevelopmentConfig()
    assert f"sqlite:///{tmp_path / 'coil.sqlite3'}" == config.SQLALCHEMY_DATABASE_URI
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    assert config.MESSAGE_QUEUE is None
    assert "*" not in config.ALLOWED_ORIGINS


def test_message_queue_also_backs_the_rate_limits(monkeypatch):
    monkeypatch.setenv("COIL_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0")
    assert DevelopmentConfig().RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected
