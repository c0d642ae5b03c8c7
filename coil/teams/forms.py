"""Forms of the team pages: settings, moves, swaps, locks and confirmations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import InputRequired, NumberRange

from coil.teams.engine.model import CEFR_LEVELS, MAX_TEAM_SIZE, MIN_TEAM_SIZE

WEIGHT_LABELS = {
    "countries": (_l("Spread countries"), _l("Mix students from different countries.")),
    "languages": (_l("Spread languages"), _l("Mix the languages students speak.")),
    "disciplines": (_l("Spread disciplines"), _l("Mix the courses' fields of education.")),
    "attributes": (
        _l("Chosen attributes"),
        _l("How much the exchange's own attributes count (each has its own weight too)."),
    ),
    "pre_assessment": (
        _l("Mix pre-assessment levels"),
        _l("Mix intercultural pre-assessment results, where students have them."),
    ),
    "previous_teammates": (
        _l("Avoid previous teammates"),
        _l("Keep apart students who were in a team together in another exchange."),
    ),
}


def _weight(key: str) -> FloatField:
    label, help_text = WEIGHT_LABELS[key]
    return FloatField(
        label,
        validators=[InputRequired(), NumberRange(min=0, max=10)],
        description=help_text,
        default=1.0,
    )


class TeamSettingsForm(FlaskForm):
    """Team size, shared hours, language level and the weights of the soft criteria."""

    team_size = IntegerField(
        _l("Team size"),
        validators=[InputRequired(), NumberRange(min=MIN_TEAM_SIZE, max=MAX_TEAM_SIZE)],
        description=_l("3 to 6; teams may have one member more or less to fit everyone."),
    )
    min_shared_hours = DecimalField(
        _l("Minimum shared hours a week"),
        places=1,
        validators=[InputRequired(), NumberRange(min=0, max=40)],
        description=_l("Hours every team can meet live, in every week of the exchange."),
    )
    min_level = SelectField(
        _l("Minimum level in the working language"),
        choices=[SelectChoice(level, level) for level in CEFR_LEVELS],
    )
    countries = _weight("countries")
    languages = _weight("languages")
    disciplines = _weight("disciplines")
    attributes = _weight("attributes")
    pre_assessment = _weight("pre_assessment")
    previous_teammates = _weight("previous_teammates")


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (re-run, publish, apply a rebalance)."""


class MoveForm(FlaskForm):
    """Move one student to another team."""

    user_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    team = SelectField(_l("Move to team"), coerce=int, choices=[])


class SwapForm(FlaskForm):
    """Swap two students of different teams."""

    a = SelectField(_l("Student"), coerce=int, choices=[])
    b = SelectField(_l("Swap with"), coerce=int, choices=[])


class LockForm(FlaskForm):
    """Lock or unlock students in their team."""

    user_ids = FieldList(IntegerField(validators=[InputRequired(), NumberRange(min=1)]))
    locked = BooleanField()


class PlaceForm(FlaskForm):
    """Place a late joiner in the chosen team."""

    team = SelectField(_l("Team"), coerce=int, choices=[])
