"""Forms for the assessment pages. The level radios of each dimension are named after the
dimension (``d_<key>``, peers ``p_<user id>_<key>``, the self-rating ``s_<key>``) and read
by :func:`chosen`; the forms carry the CSRF token and the plain fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange


class LevelsForm(FlaskForm):
    """A self-assessment or peer evaluation: radios per dimension, read from the request."""


class RatingForm(FlaskForm):
    """A lecturer's rating: radios per dimension and a note."""

    note = TextAreaField(
        _l("Note (the student reads it)"), validators=[Length(max=5000)], default=""
    )


class ReopenForm(FlaskForm):
    """Reopen a window for a number of days from now."""

    days = IntegerField(
        _l("Open for (days)"), default=7, validators=[InputRequired(), NumberRange(1, 30)]
    )


class SettingsForm(FlaskForm):
    """Whether the exchange asks for one rating per member institution."""

    per_institution = BooleanField(_l("Ask for one rating per member institution and student"))


def chosen(values: Mapping[str, Any], prefix: str, keys: Iterable[str]) -> dict[str, Any]:
    """Return the level chosen per dimension (an int, or None when missing or not a number)."""
    result: dict[str, Any] = {}
    for key in keys:
        raw = values.get(f"{prefix}{key}")
        try:
            result[key] = int(raw) if raw is not None else None
        except ValueError:
            result[key] = None
    return result
