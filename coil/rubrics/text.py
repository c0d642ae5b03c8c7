"""Texts stored per language: pick the viewer's, fall back to English, then to any."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "nl", "es")


def localised(texts: Mapping[str, str] | None, locale: str) -> str:
    """Return ``texts`` in ``locale`` (its language part), else English, else any, else ''."""
    if not texts:
        return ""
    language = locale.split("_")[0].split("-")[0]
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")
