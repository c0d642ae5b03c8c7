"""What an upload really is, by its first bytes: checked against the name's extension.

An extension alone lets ``setup.exe.pdf`` through. Detection is puremagic's (pure Python,
signature database kept up to date upstream); this module only says which detected types each
allowed extension accepts. Programs are refused whatever they are called. Types without a
reliable signature (plain text, CSV, Markdown) must at least look like text; an extension an
operator adds to ``COIL_UPLOAD_EXTENSIONS`` that is not listed here is checked for programs only.
"""

from __future__ import annotations

from typing import BinaryIO, cast

import puremagic

HEAD_BYTES = 64 * 1024

ZIP = frozenset(
    {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "xlsb", "xltm", "xltx", "docm", "pptm"}
)
OLE = frozenset({"doc", "xls", "ppt"})  # the compound-file container of old Office formats
ISO_MEDIA = frozenset({"mp4", "m4a", "m4v", "mov", "3gp", "f4a", "qtvr", "m4b"})
JPEG = frozenset({"jpg", "jpeg", "jfif", "jpe"})
ACCEPTS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "png": frozenset({"png"}),
    "gif": frozenset({"gif"}),
    "webp": frozenset({"webp"}),
    "jpg": JPEG,
    "jpeg": JPEG,
    "rtf": frozenset({"rtf"}),
    "wav": frozenset({"wav"}),
    "webm": frozenset({"webm", "mkv"}),
    "mp3": frozenset({"mp3", "mpga"}),
    **dict.fromkeys(("zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"), ZIP),
    **dict.fromkeys(("doc", "xls", "ppt"), OLE),
    **dict.fromkeys(("mp4", "m4a", "mov"), ISO_MEDIA),
}
TEXT = frozenset({"txt", "md", "csv"})
PROGRAM_PREFIXES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# Not "msi": installers share the compound-file container of .doc/.xls, and every such file
# lists it among its candidates.
PROGRAM_TYPES = frozenset({"exe", "dll", "com", "scr", "appimage", "elf", "so", "dylib"})


class ContentRefused(Exception):
    """The bytes do not fit the name: ``reason`` is ``program``, ``mismatch`` or ``not_text``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def detected_types(head: bytes) -> set[str]:
    """Return the extensions (lower case, no dot) puremagic finds for ``head``."""
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return set()
    return {m.extension.lower().lstrip(".") for m in matches if m.extension}


def check_content(head: bytes, extension: str) -> None:
    """Raise ``ContentRefused`` unless ``head`` (a file's first bytes) fits ``extension``."""
    found = detected_types(head) if head else set()
    if head.startswith(PROGRAM_PREFIXES) or found & PROGRAM_TYPES:
        raise ContentRefused("program")
    if extension in TEXT:
        if b"\x00" in head:
            raise ContentRefused("not_text")
        return
    accepted = ACCEPTS.get(extension)
    if accepted is not None and not found & accepted:
        raise ContentRefused("mismatch")


class Prefixed:
    """A stream that gives back ``head`` (already read) before the rest of ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        """Read like ``BinaryIO.read``: first the head, then the underlying stream."""
        if not self.head:
            return self.stream.read(size)
        if size < 0:
            data, self.head = self.head + self.stream.read(), b""
            return data
        data, self.head = self.head[:size], self.head[size:]
        return data


def read_head(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """Read the first bytes of ``stream`` and return them with a stream that still has them."""
    head = stream.read(HEAD_BYTES)
    return head, cast(BinaryIO, Prefixed(head, stream))  # storage reads it with read() only
