"""Form helpers shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, TimeField
from wtforms.form import Form
from wtforms.validators import Optional, ValidationError

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


TIME_FORMATS = ["%H:%M", "%H:%M:%S"]  # browsers send seconds when a step is set


class WeeklyRow(Form):
    """A repeated form row: a weekday and a local start and end time; all empty means unused.

    Subclasses relabel the fields (class meetings, availability) and add their own checks.
    """

    weekday = SelectField(_l("Day"), choices=[], validate_choice=False)
    start = TimeField(_l("Starts"), format=TIME_FORMATS, validators=[Optional()])
    end = TimeField(_l("Ends"), format=TIME_FORMATS, validators=[Optional()])

    def validate_weekday(self, field: SelectField) -> None:
        if field.data and field.data not in {str(day) for day in range(7)}:
            raise ValidationError(_l("Choose a day from the list."))
        given = [bool(field.data), self.start.data is not None, self.end.data is not None]
        if any(given) and not all(given) and not (self.start.errors or self.end.errors):
            raise ValidationError(_l("Give the day, start and end, or leave the row empty."))
