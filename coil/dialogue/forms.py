"""Forms for writing prompt cards and picking them from the library."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from coil.dialogue.services import MAX_TEXT

ANY_PHASE = 0


def kind_names() -> dict[str, Any]:
    """Name the kinds of prompt card in the UI language."""
    return {
        "icebreaker": _l("Icebreaker"),
        "comparison": _l("Comparison question"),
        "reflection": _l("Reflection question"),
    }


def language_names() -> dict[str, Any]:
    """Name the languages the library is written in, each in its own language."""
    return {"en": "English", "nl": "Nederlands"}


class CardForm(FlaskForm):
    """A card's kind, phase and question."""

    kind = SelectField(_l("Kind"), choices=[])
    phase = SelectField(
        _l("Phase"),
        coerce=int,
        choices=[],
        description=_l("A card for one phase is drawn first while that phase runs."),
    )
    text = TextAreaField(
        _l("Question"),
        validators=[DataRequired(_l("Write the question on the card.")), Length(max=MAX_TEXT)],
    )


class LibraryForm(FlaskForm):
    """Which library prompts to copy into the deck, in which language, for which phase."""

    starters = SelectMultipleField(
        _l("Prompts"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one prompt."))],
    )
    language = SelectField(_l("Language of the cards"), choices=[])
    phase = SelectField(_l("Phase"), coerce=int, choices=[])


class ConfirmForm(FlaskForm):
    """A button that changes something (archive, restore): CSRF only."""
