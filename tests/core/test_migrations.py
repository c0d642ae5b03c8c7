"""The migrations build the schema from nothing, and it matches the models exactly."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from coil import create_app
from coil.extensions import db
from config import TestingConfig
from tests.conftest import POSTGRES_URL, need


def _fresh_postgres_database() -> tuple[str, str]:
    base = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"coil_migration_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(name: str) -> None:
    base = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database="postgres")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_upgrade_from_empty_matches_models_and_downgrades(backend, tmp_path):
    if backend == "postgresql":
        need("PostgreSQL", POSTGRES_URL.startswith("postgres"))
        url, name = _fresh_postgres_database()
    else:
        url, name = f"sqlite:///{tmp_path / 'migrated.sqlite3'}", ""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                diff = compare_metadata(
                    MigrationContext.configure(connection, opts={"compare_type": True}),
                    db.metadata,
                )
                tables = set(inspect(connection).get_table_names())
            assert diff == [], f"models and migrations differ: {diff}"
            assert {"users", "institutions", "invitations", "user_languages"} <= tables
            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        if name:
            _drop_postgres_database(name)
