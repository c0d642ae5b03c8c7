"""The lecturers' engagement setting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

MIN_DAYS, MAX_DAYS = 1, 60


class SettingsForm(FlaskForm):
    """After how many days without activity a student is flagged."""

    inactivity_days = IntegerField(
        _l("Flag a student after this many days without activity"),
        validators=[
            InputRequired(_l("Enter a number of days.")),
            NumberRange(MIN_DAYS, MAX_DAYS, _l("Between 1 and 60 days.")),
        ],
    )
