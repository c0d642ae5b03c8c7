"""Reflection journal pages: the lecturers' prompts (``prompts``), a student's journal and
editor (``journal``), and reading entries with feedback (``entries``). Importing this package
attaches them to ``bp``."""

from coil.reflections.views import entries, journal, prompts

__all__ = ["entries", "journal", "prompts"]
