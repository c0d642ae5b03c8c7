"""Where a course sits in its institution: faculty and programme (optional), so that
coordinators can filter their reports by them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

MAX = 120


def _strip(value: Any) -> Any:
    # one space between words; PostgreSQL refuses NUL in text
    return " ".join(value.replace("\x00", "").split()) if isinstance(value, str) else value


class OrganisationFields:
    """The course form's faculty and programme fields (mixed into ``CourseForm``)."""

    faculty = StringField(
        _l("Faculty or school"),
        filters=[_strip],
        validators=[Optional(), Length(max=MAX)],
        description=_l("Optional. Your institution's coordinators can filter reports by it."),
    )
    programme = StringField(
        _l("Degree programme"),
        filters=[_strip],
        validators=[Optional(), Length(max=MAX)],
        description=_l("Optional, e.g. BBA International Business."),
    )
