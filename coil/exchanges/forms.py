"""Forms for an exchange's settings, join links, roster uploads and the students' profile."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.form import Form
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from coil.accounts.forms import AvailabilityForm, RowList
from coil.core.forms import options
from coil.exchanges.enrolling import JOIN_LINK_DAYS, JOIN_LINK_USES
from coil.exchanges.models import ExchangeAttribute
from coil.exchanges.services import MAX_ATTRIBUTES, MAX_PHASES, AttributeData, PhaseData


def phase_names() -> dict[str, Any]:
    """Name the default phases in the UI language."""
    return {
        "icebreaker": _l("Getting to know each other"),
        "comparison": _l("Comparison and analysis"),
        "collaboration": _l("Collaboration on a shared product"),
        "reflection": _l("Reflection"),
        "custom": _l("Own phase"),
    }


def _clean(value: Any) -> Any:
    # PostgreSQL refuses NUL in text; nobody types one on purpose.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class PhaseEntry(Form):
    """One phase: which one (a default or own), an optional title, and its dates."""

    key = SelectField(
        _l("Phase"),
        choices=lambda: options(phase_names().items()),
        default="custom",
        validate_choice=False,  # checked by the service, for rows in use only
    )
    title = StringField(
        _l("Title (optional for the usual phases)"),
        filters=[_clean],
        validators=[Optional(), Length(max=120)],
    )
    start_date = DateField(_l("From"), validators=[Optional()])
    end_date = DateField(_l("To"), validators=[Optional()])


class AttributeEntry(Form):
    """A self-described attribute students may give for team formation."""

    key = StringField(
        _l("Key"),
        filters=[_clean],
        validators=[Optional(), Length(max=40)],
        description=_l("Short, e.g. major; left empty, it is made from the label."),
    )
    label = StringField(
        _l("Question to students"), filters=[_clean], validators=[Optional(), Length(max=120)]
    )
    options = StringField(
        _l("Answers to choose from"),
        filters=[_clean],
        validators=[Optional(), Length(max=1500)],
        description=_l("Separated by commas; empty for a free answer."),
    )
    mode = SelectField(
        _l("In teams"),
        choices=lambda: options(
            [("spread", _l("spread different answers")), ("group", _l("group similar answers"))]
        ),
        default="spread",
        validate_choice=False,  # checked by the service, for rows in use only
    )
    weight = DecimalField(
        _l("Weight (0–5)"), places=1, default=1, validators=[Optional(), NumberRange(0, 5)]
    )


class SettingsForm(FlaskForm):
    """Title, dates, phases and team attributes of an exchange."""

    title = StringField(_l("Title"), filters=[_clean], validators=[DataRequired(), Length(max=200)])
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    phases = RowList(FormField(PhaseEntry), min_entries=4, max_entries=MAX_PHASES)
    attributes = RowList(FormField(AttributeEntry), min_entries=2, max_entries=MAX_ATTRIBUTES)

    def phase_data(self) -> list[PhaseData]:
        """Return the filled-in phases (rows without dates are dropped)."""
        return [
            PhaseData(
                e.form.key.data,
                e.form.title.data or "",
                e.form.start_date.data,
                e.form.end_date.data,
            )
            for e in self.phases
            if e.form.start_date.data and e.form.end_date.data
        ]

    def attribute_data(self) -> list[AttributeData]:
        """Return the filled-in attributes (rows without a label are dropped)."""
        rows = []
        for e in self.attributes:
            if not e.form.label.data:
                continue
            key = e.form.key.data or _slug(e.form.label.data)
            answers = [o.strip() for o in (e.form.options.data or "").split(",") if o.strip()]
            weight = float(e.form.weight.data) if e.form.weight.data is not None else 1.0
            rows.append(AttributeData(key, e.form.label.data, answers, e.form.mode.data, weight))
        return rows

    def validate_phases(self, field: FieldList) -> None:
        for n, e in enumerate(field, 1):
            if bool(e.form.start_date.data) != bool(e.form.end_date.data):
                raise ValidationError(str(_l("Give both dates of phase %(n)d, or neither.", n=n)))


def _slug(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40]
    return slug if slug[:1].isalpha() else f"a_{slug}"[:40]


def settings_form_data(
    exchange: Any, phases: list[PhaseData], attributes: list[ExchangeAttribute]
) -> dict[str, Any]:
    """Return the form data for an exchange's current settings."""
    return {
        "title": exchange.title,
        "start_date": exchange.start_date,
        "end_date": exchange.end_date,
        "phases": [
            {"key": p.key, "title": p.title, "start_date": p.start_date, "end_date": p.end_date}
            for p in phases
        ]
        + [{"key": "custom"}] * max(0, min(MAX_PHASES, len(phases) + 1) - len(phases)),
        "attributes": [
            {
                "key": a.key,
                "label": a.label,
                "options": ", ".join(a.options),
                "mode": a.mode,
                "weight": a.weight,
            }
            for a in attributes
        ]
        + [{"mode": "spread", "weight": 1}] * (2 if len(attributes) + 2 <= MAX_ATTRIBUTES else 0),
    }


class JoinLinkForm(FlaskForm):
    """A join link for one of the lecturer's member courses."""

    course_id = SelectField(_l("Course"), coerce=int, choices=[], validate_choice=True)
    max_uses = IntegerField(
        _l("How many students may use it"),
        default=JOIN_LINK_USES,
        validators=[InputRequired(), NumberRange(min=1, max=500)],
    )
    days = IntegerField(
        _l("Valid for (days)"),
        default=JOIN_LINK_DAYS,
        validators=[InputRequired(), NumberRange(min=1, max=90)],
    )


class RosterForm(FlaskForm):
    """A CSV roster for one of the lecturer's member courses."""

    course_id = SelectField(_l("Course"), coerce=int, choices=[], validate_choice=True)
    roster = FileField(
        _l("Roster (CSV)"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l(
            "Columns name, email and optionally student_number, with a header row. Save as "
            '"CSV UTF-8" (comma- or semicolon-separated). At most 2 MB or 5,000 students.'
        ),
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AnswerEntry(Form):
    """A student's answer to one attribute (choices set per attribute)."""

    attribute_id = HiddenField()
    value = StringField(filters=[_clean], validators=[Optional(), Length(max=120)])


class TeamProfileForm(AvailabilityForm):
    """A student's weekly availability and optional answers for team formation."""

    answers = RowList(FormField(AnswerEntry), max_entries=MAX_ATTRIBUTES)

    def fill_answers(self, attributes: list[ExchangeAttribute]) -> None:
        """Label each answer row by its attribute and offer its options."""
        while len(self.answers) < len(attributes):
            self.answers.append_entry()
        for entry, attribute in zip(self.answers, attributes, strict=False):
            entry.form.attribute_id.data = str(attribute.id)
            entry.form.value.label.text = attribute.label

    def answer_values(self, attributes: list[ExchangeAttribute]) -> dict[int, str]:
        """Return the answers by attribute id (rows map to attributes by position)."""
        return {
            attribute.id: str(entry.form.value.data or "")
            for entry, attribute in zip(self.answers, attributes, strict=False)
        }
