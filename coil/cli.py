"""The ``coil`` command: Flask's commands (db, routes, shell) plus demo, serve and admin tools."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# Patch for eventlet / gevent before Flask and friends are imported (see coil.server).
if len(sys.argv) > 1 and sys.argv[1] in {"serve", "demo"}:
    from coil.server import monkey_patch
    from config import DEFAULT_ASYNC_MODE

    _mode = os.environ.get("COIL_ASYNC_MODE", DEFAULT_ASYNC_MODE)
    for _i, _arg in enumerate(sys.argv):
        if _arg.startswith("--async-mode="):
            _mode = _arg.split("=", 1)[1]
        elif _arg == "--async-mode" and _i + 1 < len(sys.argv):
            _mode = sys.argv[_i + 1]
    monkey_patch(_mode)

import click
from flask.cli import FlaskGroup, with_appcontext

from coil import create_app
from config import ASYNC_MODES, ConfigError


def _make_app(**overrides: Any) -> Any:
    try:
        return create_app(**overrides)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=lambda: _make_app(), add_version_option=False)
def cli() -> None:
    """COIL virtual exchange platform."""


def _async_option(f: Any) -> Any:
    return click.option(
        "--async-mode",
        type=click.Choice(ASYNC_MODES),
        default=None,
        help="Server concurrency model (default: COIL_ASYNC_MODE or gevent).",
    )(f)


@cli.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@_async_option
def serve_command(host: str, port: int, async_mode: str | None) -> None:
    """Serve the application (production: run several behind a proxy)."""
    from coil.server import serve

    overrides = {"ASYNC_MODE": async_mode} if async_mode else {}
    serve(_make_app(**overrides), host, port)


@cli.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@_async_option
def demo_command(host: str, port: int, async_mode: str | None) -> None:
    """Create or upgrade the local database, load the demo, print log-ins and serve."""
    from flask_migrate import upgrade

    from coil.demo.seed import DEMO_PASSWORD, seed_demo
    from coil.server import serve

    site = f"http://{host}:{port}"
    overrides: dict[str, Any] = {
        "SITE_URL": site,
        "ALLOWED_ORIGINS": [site, f"http://localhost:{port}", f"http://127.0.0.1:{port}"],
    }
    if async_mode:
        overrides["ASYNC_MODE"] = async_mode
    app = _make_app(**overrides)
    with app.app_context():
        upgrade()
        logins = seed_demo()
    click.echo(f"\nDemo log-ins (password for all: {DEMO_PASSWORD})")
    for role, email, where in logins:
        click.echo(f"  {role:<12} {email:<40} {where}")
    click.echo(f"\nOpen {site} in your browser. Stop with Ctrl+C.\n")
    serve(app, host, port)


@cli.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo data into the current database (safe to run again)."""
    from coil.demo.seed import DEMO_PASSWORD, seed_demo

    for role, email, where in seed_demo():
        click.echo(f"{role:<12} {email:<40} {where}")
    click.echo(f"password: {DEMO_PASSWORD}")


@cli.command("backfill-ledger")
@with_appcontext
def backfill_ledger_command() -> None:
    """Record ledger events for what happened before the ledger existed (safe to run again)."""
    from coil.evidence.backfill import backfill
    from coil.extensions import db

    written = backfill()
    db.session.commit()
    for kind, count in sorted(written.items()):
        click.echo(f"{kind:<28} {count}")
    click.echo(f"{sum(written.values())} events added")


@cli.command("engagement-digest")
@with_appcontext
def engagement_digest_command() -> None:
    """Send lecturers today's engagement digest (run daily; a second run sends nothing)."""
    from coil.core.time import utcnow
    from coil.engagement.services import send_digests
    from coil.extensions import db

    sent = send_digests(utcnow())
    db.session.commit()
    click.echo(f"{sent} engagement digests sent")


@cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    from coil.accounts.models import Role
    from coil.accounts.services import create_user
    from coil.core.errors import ServiceError
    from coil.extensions import db

    try:
        user = create_user(
            email=email, name=name, password=password, role=Role.ADMIN, institution=None
        )
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@cli.command("award-badges")
@with_appcontext
def award_badges_command() -> None:
    """Award approved badges where a phase or the exchange has ended (safe to run again)."""
    from coil.core.time import utcnow
    from coil.credentials.services import award_due
    from coil.extensions import db

    made = award_due(utcnow().date())
    db.session.commit()
    click.echo(f"{len(made)} badges awarded")


@cli.command("rotate-signing-key")
@click.argument("institution_id", type=int)
@with_appcontext
def rotate_signing_key_command(institution_id: int) -> None:
    """Give an institution a new signing key; the old one stays published for verification."""
    from coil.credentials.keys import new_key
    from coil.extensions import db
    from coil.institutions.models import Institution

    institution = db.session.get(Institution, institution_id)
    if institution is None:
        raise click.ClickException(f"no institution {institution_id}")
    key = new_key(institution)
    db.session.commit()
    click.echo(f"new key {key.kid} for {institution.name}")


@cli.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(folder: Path) -> None:
    """Copy the SQLite database and the uploaded files into FOLDER, while the site runs."""
    from flask import current_app

    from coil.core.backup import BackupError, make_backup

    config = current_app.config
    try:
        result = make_backup(config["SQLALCHEMY_DATABASE_URI"], config["STORAGE_PATH"], folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Database: {result.database}")
    click.echo(f"Files:    {result.files} copied to {result.folder / 'files'}")


@cli.command("worker", with_appcontext=False)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--once", is_flag=True, help="Run what is queued now, then exit.")
def worker_command(workers: int, once: bool) -> None:
    """Run background jobs (exports) from the job queue, here or on another machine."""
    from coil.core.tasks import run_consumer, run_pending

    app = _make_app()
    if once:
        click.echo(f"{len(run_pending(app))} jobs run")
        return
    run_consumer(app, workers)


@cli.command("compress-assets")
@with_appcontext
def compress_assets_command() -> None:
    """Compress the static files and served npm files now, so no visitor waits for it."""
    from flask import current_app

    from coil.core.assets import VENDOR_DIRS
    from coil.core.compressed import compress_folder

    roots = [Path(current_app.static_folder or "static")]
    roots += [Path(current_app.config["NODE_MODULES"]) / p / d for p, d in VENDOR_DIRS.items()]
    total = [0, 0, 0]
    for root in roots:
        for _path, size, made in compress_folder(current_app, root):
            total = [total[0] + size, total[1] + made["br"], total[2] + made["gzip"]]
    click.echo(f"{total[0]} bytes of text assets: {total[1]} with Brotli, {total[2]} with gzip")


def main() -> None:
    """Run the ``coil`` command line."""
    cli(prog_name="coil")
