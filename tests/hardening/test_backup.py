"""Backups: ``coil backup`` copies the SQLite database and the uploaded files of a running site,
and a site restored from the copy has the data."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from coil.accounts.models import User
from coil.cli import cli
from coil.core.backup import BackupError, make_backup
from coil.extensions import db as _db
from coil.spaces.models import StoredFile
from coil.spaces.storage import get_storage
from tests.conftest import POSTGRES_URL, make_app

pytestmark = pytest.mark.skipif(
    POSTGRES_URL.startswith("postgres"), reason="coil backup is for SQLite sites"
)


def test_a_backup_restores_the_database_and_the_files(app, factory, tmp_path):
    from coil.spaces import services as spaces

    app.config["STORAGE_PATH"] = str(tmp_path / "storage")
    with factory.batch():
        world = factory.world()
    student, space = world["anna"], world.team_spaces[0]
    student.email = "kept@uni.example"
    stored = spaces.upload_file(student, space, io.BytesIO(b"field notes"), "notes.txt")
    key = stored.storage_key
    _db.session.commit()

    result = app.test_cli_runner().invoke(cli, ["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    assert "Database:" in result.output

    # later changes are not in the backup
    student.name = "Changed after the backup"
    _db.session.commit()

    backup = tmp_path / "backup"
    restored = make_app(f"sqlite:///{backup / 'test.sqlite3'}", STORAGE_PATH=str(backup / "files"))
    with restored.app_context():
        user = _db.session.scalar(select(User).where(User.email == "kept@uni.example"))
        assert user is not None and user.name != "Changed after the backup"
        row = _db.session.scalar(select(StoredFile).where(StoredFile.storage_key == key))
        assert row is not None and row.filename == "notes.txt"
        with get_storage().open(key) as handle:
            assert handle.read() == b"field notes"
        _db.session.remove()
        _db.engine.dispose()


def test_a_backup_never_overwrites_and_refuses_postgres(app, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with pytest.raises(BackupError, match="not empty"):
        make_backup(url, tmp_path, tmp_path / "full")
    with pytest.raises(BackupError, match="pg_dump"):
        make_backup("postgresql+psycopg://postgres@localhost/coil", tmp_path, tmp_path / "new")
    result = app.test_cli_runner().invoke(cli, ["backup", str(tmp_path / "full")])
    assert result.exit_code != 0 and "not empty" in result.output
