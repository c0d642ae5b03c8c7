"""A consistent copy of a running site: the SQLite database and the uploaded files.

The database is copied with SQLite's online backup API, which gives a snapshot of one moment
while the server keeps reading and writing. Uploaded files never change once written (new
bytes get a new random key; see coil/spaces/storage.py) and are written *before* the row that
names them commits, so the files are copied twice around the snapshot: once before it (a file
deleted meanwhile is already safe) and once after (a file whose row made it into the snapshot
is there by then). Extra files in the copy are harmless orphans; a missing one cannot happen.

PostgreSQL sites back up with ``pg_dump`` instead (docs/deployment.md); the file copy is the
same.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class BackupResult:
    """Where a backup went and what it holds."""

    folder: Path
    database: Path
    files: int


class BackupError(RuntimeError):
    """The backup cannot be made; the message is one line a person can act on."""


def sqlite_path(database_url: str) -> Path:
    """Return the file of a SQLite URL, or raise ``BackupError`` for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "coil backup copies SQLite databases; back PostgreSQL up with pg_dump "
            "(see docs/deployment.md, Backups)"
        )
    return Path(url.database)


def _copy_new_files(source: Path, target: Path) -> int:
    copied = 0
    if not source.is_dir():
        return copied
    for path in source.rglob("*"):
        if not path.is_file() or path.name.startswith(".upload-"):  # half-written: not yet a file
            continue
        destination = target / path.relative_to(source)
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, destination)
            copied += 1
        except FileNotFoundError:
            continue  # deleted while we looked; its row is gone too
    return copied


def make_backup(database_url: str, storage_path: str | Path, folder: Path) -> BackupResult:
    """Copy the database and uploaded files of a (possibly running) site into ``folder``."""
    source_db = sqlite_path(database_url)
    if not source_db.exists():
        raise BackupError(f"there is no database at {source_db}")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: choose a new folder for the backup")
    folder.mkdir(parents=True, exist_ok=True)
    files_target = folder / "files"
    files_target.mkdir()
    storage = Path(storage_path)
    copied = _copy_new_files(storage, files_target)
    database = folder / source_db.name
    source = sqlite3.connect(f"file:{source_db}?mode=ro", uri=True)
    target = sqlite3.connect(database)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
    copied += _copy_new_files(storage, files_target)
    return BackupResult(folder, database, copied)
