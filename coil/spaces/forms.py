"""Forms for the board, documents and uploads; times are entered in the viewer's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from coil.core.forms import options
from coil.spaces.models import TASK_STATUSES
from coil.spaces.services import MAX_DESCRIPTION, MAX_TITLE

END_OF_DAY = time(23, 59)


def column_labels() -> dict[str, str]:
    """Name the board's columns in the UI language."""
    return {"todo": str(_l("To do")), "doing": str(_l("Doing")), "done": str(_l("Done"))}


class TaskForm(FlaskForm):
    """Add or edit a task; the due date and time are read in the viewer's time zone."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=MAX_DESCRIPTION)]
    )
    assignee_id = SelectField(_l("Assignee"), coerce=int, choices=[])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    due_time = TimeField(
        _l("Due time"),
        validators=[Optional()],
        description=_l("In your time zone; without a time, the end of the day."),
    )

    def due_at(self, tz: str) -> datetime | None:
        """Return the due moment in UTC, reading the fields as wall-clock time in ``tz``."""
        day: date | None = self.due_date.data
        if day is None:
            return None
        local = datetime.combine(day, self.due_time.data or END_OF_DAY, tzinfo=ZoneInfo(tz))
        return local.astimezone(UTC)

    def show_due(self, value: datetime | None, tz: str) -> None:
        """Fill the due fields from a stored UTC moment, as wall-clock time in ``tz``."""
        if value is not None:
            local = value.astimezone(ZoneInfo(tz))
            self.due_date.data, self.due_time.data = local.date(), local.time()

    def validate_due_time(self, field: TimeField) -> None:
        """A time needs a date."""
        if field.data is not None and self.due_date.data is None:
            raise ValidationError(_l("Give a date for the time, or leave both empty."))


class MoveForm(FlaskForm):
    """Move a task to another column."""

    status = SelectField(_l("Column"), choices=options((s, s) for s in TASK_STATUSES))


class DocumentForm(FlaskForm):
    """Write a document; ``base_version`` is the version the editor started from."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    body = TextAreaField(
        _l("Text"),
        validators=[Optional()],
        description=_l("Markdown: **bold**, *italic*, # headings, - lists, [links](https://…)."),
    )
    base_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    # Set only on the conflict page: the newer version the editor chose to save over.
    seen_version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class NewDocumentForm(FlaskForm):
    """Start a document."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    body = TextAreaField(
        _l("Text"),
        validators=[Optional()],
        description=_l("Markdown: **bold**, *italic*, # headings, - lists, [links](https://…)."),
    )


class UploadForm(FlaskForm):
    """Upload one file to the space."""

    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
