"""Badge images: a clean generated SVG per badge (a coloured disc with its initials, no
scripts), or an uploaded PNG or JPEG, decoded and re-encoded as a fresh PNG so that nothing but
pixels survives (no metadata, no trailing payload, no SVG)."""

from __future__ import annotations

import hashlib
import io
from xml.sax.saxutils import escape

from PIL import Image, UnidentifiedImageError

PALETTE = ("#1d4e89", "#00796b", "#8e24aa", "#c62828", "#ef6c00", "#2e7d32", "#37474f")


def initials(name: str) -> str:
    """Return up to three initials of ``name`` (letters and digits only)."""
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:3]).upper() or "?"


def badge_svg(name: str) -> str:
    """Return the SVG image of a badge called ``name`` (its colour follows from the name)."""
    colour = PALETTE[hashlib.sha256(name.encode()).digest()[0] % len(PALETTE)]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" role="img" '
        f'aria-label="{escape(name, {chr(34): "&quot;"})}">'
        f'<circle cx="100" cy="100" r="92" fill="{colour}"/>'
        '<circle cx="100" cy="100" r="78" fill="none" stroke="#ffffff" stroke-width="4"/>'
        '<text x="100" y="116" font-family="sans-serif" font-size="48" font-weight="bold" '
        f'text-anchor="middle" fill="#ffffff">{escape(initials(name))}</text></svg>'
    )


MAX_UPLOAD = 512 * 1024  # bytes
MAX_SIDE = 1024  # pixels
FORMATS = ("PNG", "JPEG")


class ImageRefused(ValueError):
    """An upload that is not a small PNG or JPEG image."""


def clean_png(data: bytes) -> bytes:
    """Return ``data`` (a PNG or JPEG) re-encoded as a plain PNG, or raise :class:`ImageRefused`."""
    if len(data) > MAX_UPLOAD:
        raise ImageRefused("larger than 512 KB")
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
            if max(probe.size) > MAX_SIDE:
                raise ImageRefused("larger than 1024 pixels")
            probe.load()
            pixels = probe.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ImageRefused("not a PNG or JPEG image") from error
    out = io.BytesIO()
    pixels.save(out, format="PNG")
    return out.getvalue()
