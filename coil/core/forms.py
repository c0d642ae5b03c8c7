"""Form helpers shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from coil.core.db import rollback
from coil.core.errors import ServiceError


def refuse(form: FlaskForm, error: ServiceError) -> None:
    """Undo the request's writes and show ``error`` next to its field (or above the form)."""
    rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_status(form: FlaskForm) -> int:
    """Return 422 for a form shown again with errors (its writes are then rolled back), else 200."""
    return 422 if form.errors or form.form_errors else 200


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms select choices."""
    return [SelectChoice(str(value), str(label)) for value, label in pairs]
