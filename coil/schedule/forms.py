"""Forms for planning sessions, taking attendance and renewing the calendar address."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coil.accounts.forms import validate_timezone

WHOLE_EXCHANGE = 0


class SessionForm(FlaskForm):
    """A session's title, date and times in the organiser's zone, and where it happens."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    team_id = SelectField(_l("For"), coerce=int, choices=[])
    day = DateField(_l("Date"), validators=[InputRequired()])
    start = TimeField(_l("Starts at"), validators=[InputRequired()])
    end = TimeField(_l("Ends at"), validators=[InputRequired()])
    timezone = StringField(
        _l("Time zone of these times"),
        validators=[DataRequired(), validate_timezone],
        description=_l("Enter the times as they are on your clock; everyone sees them in theirs."),
    )
    location = StringField(
        _l("Where"),
        validators=[Optional(), Length(max=300)],
        description=_l("A room, or a link to the video call."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])


class ConfirmForm(FlaskForm):
    """A button that changes something (cancel, new calendar address): CSRF only."""


class AttendanceForm(FlaskForm):
    """CSRF for the attendance table; one ``status-<user id>`` radio group per participant."""


class FindTimeForm(FlaskForm):
    """How many members must be free (a GET form: no CSRF needed)."""

    class Meta:
        csrf = False

    team = SelectField(_l("Who"), coerce=int, choices=[])
    min_free = SelectField(_l("At least this many free"), coerce=int, choices=[])
