"""Static files compressed once, served with ``Content-Encoding`` when the browser accepts it.

Each text asset (our CSS and JS, the npm libraries' files) is compressed with Brotli (quality
11) and gzip (level 9) the first time it is asked for, or ahead of time by
``coil compress-assets`` at deploy. The copies live in ``<instance>/compressed`` under the hash
of the original's bytes, so a changed file gets new copies and two processes writing the same
copy at once both write whole files (write to a temporary name, then rename). Pages are never
compressed here: HTML carries CSRF tokens next to reflected input (the BREACH attack).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Flask, Response, current_app, request, send_file

log = logging.getLogger(__name__)

TEXT_TYPES = {".js", ".mjs", ".css", ".svg", ".json", ".map", ".txt", ".html"}
SMALLEST = 1024  # below one kilobyte the headers cost more than compression saves
ENCODINGS = {
    "br": lambda data: brotli.compress(data, quality=11),
    "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
}


def cache_folder(app: Flask) -> Path:
    """Where compressed copies are kept (``COMPRESSED_ASSETS`` or ``<instance>/compressed``)."""
    return Path(app.config.get("COMPRESSED_ASSETS") or Path(app.instance_path) / "compressed")


def compressible(path: Path) -> bool:
    """Tell whether ``path`` is a text asset worth compressing."""
    try:
        return path.suffix in TEXT_TYPES and path.stat().st_size >= SMALLEST
    except OSError:
        return False


@lru_cache(maxsize=1024)
def _content_hash(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:32]


def compressed_copy(folder: Path, path: Path, encoding: str) -> Path | None:
    """Return the ``encoding`` copy of ``path``, made now if missing; None when it saves nothing."""
    stat = path.stat()
    target = folder / f"{_content_hash(str(path), stat.st_mtime_ns, stat.st_size)}.{encoding}"
    if target.exists():
        return target if target.stat().st_size > 0 else None
    data = path.read_bytes()
    packed = ENCODINGS[encoding](data)
    folder.mkdir(parents=True, exist_ok=True)
    # An empty copy remembers that compression did not pay, so it is not tried again.
    body = packed if len(packed) < len(data) else b""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.replace(temporary, target)
    log.info("compressed %s with %s: %d -> %d bytes", path.name, encoding, len(data), len(body))
    return target if body else None


def _accepted() -> Iterator[str]:
    for encoding in ENCODINGS:  # the order of preference: Brotli is smaller
        if request.accept_encodings[encoding] > 0:
            yield encoding


def compress_response(response: Response, path: Path | None) -> Response:
    """Swap a whole-file response of a text asset for its compressed copy, if accepted."""
    if path is None or not compressible(path):
        return response
    response.vary.add("Accept-Encoding")
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return response
    for encoding in _accepted():
        copy = compressed_copy(cache_folder(current_app), path, encoding)
        if copy is None:
            continue
        compressed = send_file(
            copy,
            mimetype=response.mimetype,
            conditional=True,
            etag=f"{response.get_etag()[0] or copy.stem}-{encoding}",
        )
        compressed.headers["Content-Encoding"] = encoding
        compressed.vary.add("Accept-Encoding")
        response.close()  # the original file stays unread: close it rather than leak it
        return compressed
    return response


def compress_folder(app: Flask, root: Path) -> list[tuple[Path, int, dict[str, int]]]:
    """Make the compressed copies of every text asset under ``root``; return the sizes."""
    sizes = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and compressible(p)):
        made = {}
        for encoding in ENCODINGS:
            copy = compressed_copy(cache_folder(app), path, encoding)
            made[encoding] = copy.stat().st_size if copy else path.stat().st_size
        sizes.append((path, path.stat().st_size, made))
    return sizes
