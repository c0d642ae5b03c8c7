"""Where uploaded bytes live: a small interface and the default on-disk implementation.

Keys are random and never derived from a user's file name, so a name cannot reach outside the
storage folder or collide with another upload. ``get_storage`` returns the configured backend;
an app may put another implementation in ``app.extensions["spaces_storage"]`` (object storage,
or a failing fake in tests).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, NamedTuple, Protocol

from flask import current_app

CHUNK = 64 * 1024
_KEY_RE = re.compile(r"^[0-9a-f]{32}$")


class TooLarge(Exception):
    """The stream holds more bytes than allowed; nothing was kept."""


class Saved(NamedTuple):
    """What a backend reports after storing a stream."""

    key: str
    size: int
    sha256: str


class Storage(Protocol):
    """Store, open and delete byte streams under opaque keys."""

    def save(self, stream: BinaryIO, max_bytes: int) -> Saved:
        """Store ``stream`` whole, or raise ``TooLarge`` past ``max_bytes`` and keep nothing."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open the stored bytes for reading; ``FileNotFoundError`` when they are gone."""
        ...

    def delete(self, key: str) -> None:
        """Remove the stored bytes; a missing key is not an error."""
        ...


class LocalStorage:
    """Files on a local disk, fanned out as ``root/ab/abcdef…`` by their random key."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Return the path of ``key``; anything but a key this class made is refused."""
        if not _KEY_RE.match(key):
            raise FileNotFoundError(key)
        return self.root / key[:2] / key

    def save(self, stream: BinaryIO, max_bytes: int) -> Saved:
        """Copy ``stream`` to a temporary file, then rename it into place."""
        key = secrets.token_hex(16)
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        # Same folder as the target, so the rename is atomic; readers never see half a file.
        handle, temporary = tempfile.mkstemp(dir=final.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
            os.replace(temporary, final)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return Saved(key, size, digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        """Open the stored bytes for reading."""
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        """Remove the stored bytes if they are there."""
        if _KEY_RE.match(key):  # a malformed key names nothing to delete
            self.path(key).unlink(missing_ok=True)


def get_storage() -> Storage:
    """Return the application's storage backend (on disk under STORAGE_PATH by default)."""
    custom: Storage | None = current_app.extensions.get("spaces_storage")
    return custom if custom is not None else LocalStorage(current_app.config["STORAGE_PATH"])


def human_size(size: int) -> str:
    """Say a byte count in words a person reads at a glance ("20 MB"), in the UI language."""
    from babel.units import format_unit
    from flask_babel import get_locale

    for unit, factor in (("digital-megabyte", 1024 * 1024), ("digital-kilobyte", 1024)):
        if size >= factor:
            value = round(size / factor, 1)
            return format_unit(
                int(value) if value.is_integer() else value, unit, "short", locale=get_locale()
            )
    return format_unit(size, "digital-byte", "short", locale=get_locale())
