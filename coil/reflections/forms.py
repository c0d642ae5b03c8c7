"""Forms for prompts, starters, journal entries, sharing and feedback."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from coil.accounts.forms import validate_timezone
from coil.core.forms import TIME_FORMATS

MARKDOWN_HELP = _l("Markdown: **bold**, *italic*, # headings, - lists, [links](https://…).")
ENTRY_ACTIONS = ("save", "preview", "submit")


def language_names() -> dict[str, Any]:
    """Name the languages prompts are written in, each in its own language."""
    return {"en": "English", "nl": "Nederlands", "es": "Español"}


class Checkboxes(SelectMultipleField):
    """A list of checkboxes (one per choice) instead of a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PromptForm(FlaskForm):
    """A prompt's phase, texts per language, rubric dimensions and due moment."""

    phase = SelectField(_l("Phase"), coerce=int, choices=[])
    text_en = TextAreaField("English", validators=[Optional()])
    text_nl = TextAreaField("Nederlands", validators=[Optional()])
    text_es = TextAreaField("Español", validators=[Optional()])
    dimensions = Checkboxes(_l("Rubric dimensions it asks about"), choices=[])
    due_day = DateField(_l("Due date"), validators=[InputRequired()])
    due_time = TimeField(_l("Due time"), format=TIME_FORMATS, validators=[InputRequired()])
    timezone = StringField(
        _l("Time zone of this date and time"),
        validators=[DataRequired(), validate_timezone],
        description=_l("Enter the time as it is on your clock; every student sees it in theirs."),
    )

    def texts(self) -> dict[str, str]:
        """Return the prompt's texts by language, as typed."""
        return {
            "en": self.text_en.data or "",
            "nl": self.text_nl.data or "",
            "es": self.text_es.data or "",
        }


class StarterForm(FlaskForm):
    """Which starters to copy into the exchange."""

    starters = Checkboxes(
        _l("Prompts"), choices=[], validators=[DataRequired(_l("Choose at least one prompt."))]
    )


class EntryForm(FlaskForm):
    """A journal entry's text; the button pressed says what to do with it."""

    body = TextAreaField(
        _l("Your reflection"),
        validators=[Optional()],
        description=MARKDOWN_HELP,
        render_kw={"rows": 16},
    )
    action = StringField(validators=[AnyOf(ENTRY_ACTIONS)], default="save")


class SharingForm(FlaskForm):
    """Who else reads an entry, and whether it belongs in the portfolio."""

    shared = BooleanField(
        _l("Share with my team"),
        description=_l("Your teammates can then read what you submitted (never your drafts)."),
    )
    in_portfolio = BooleanField(_l("Include in my portfolio"))


class FeedbackForm(FlaskForm):
    """A lecturer's feedback on one version."""

    body = TextAreaField(_l("Feedback"), validators=[Optional()], description=MARKDOWN_HELP)


class ConfirmForm(FlaskForm):
    """A button that changes something (archive, restore, discard): CSRF only."""
