"""Forms for logging in, joining by invitation, profiles and invitations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from typing import Any

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.form import Form
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from coil.core.forms import TIME_FORMATS, WeeklyRow, options
from coil.core.i18n import LANGUAGE_NAMES
from coil.core.reference import CEFR_LEVELS, is_language, language_names
from coil.core.time import is_timezone


def _locale_choices() -> list[SelectChoice]:
    return options([("", _l("Browser setting")), *LANGUAGE_NAMES.items()])


def validate_timezone(form: FlaskForm, field: StringField) -> None:
    """Accept only IANA time zone names."""
    if not is_timezone(field.data):
        raise ValidationError(_l("Choose a time zone from the list, e.g. Europe/Amsterdam."))


class LoginForm(FlaskForm):
    """E-mail and password, with remember-me."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class JoinForm(FlaskForm):
    """Create an account from an invitation."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(),
            Length(min=10, max=256, message=_l("Use at least 10 characters.")),
        ],
        description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), validate_timezone],
        description=_l("Times are shown to you in this zone."),
    )
    locale = SelectField(_l("Language of the site"), choices=_locale_choices, validate_choice=True)


class ForgotPasswordForm(FlaskForm):
    """Ask for a reset link."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    """Choose a new password through a reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(min=10, max=256, message=_l("Use at least 10 characters.")),
        ],
        description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class LanguageEntry(Form):
    """One spoken language with a CEFR level; both empty means the row is unused."""

    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    level = SelectField(
        _l("Level (CEFR)"), choices=options([("", "—"), *[(lv, lv) for lv in CEFR_LEVELS]])
    )

    def validate_language(self, field: SelectField) -> None:
        if field.data and not is_language(field.data):
            raise ValidationError(_l("Choose a language from the list."))
        if field.data and not self.level.data:
            raise ValidationError(_l("Choose a level for this language."))


class ProfileForm(FlaskForm):
    """A person's name, UI language, time zone and spoken languages."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language of the site"), choices=_locale_choices)
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), validate_timezone],
        description=_l("Every time on the site is shown to you in this zone."),
    )
    languages = FieldList(FormField(LanguageEntry), min_entries=4, max_entries=12)

    def fill_language_choices(self, locale: str) -> None:
        """Offer the language names in the viewer's UI language."""
        choices = options([("", "—"), *language_names(locale).items()])
        for entry in self.languages:
            entry.form.language.choices = choices

    def spoken_languages(self) -> list[tuple[str, str]]:
        """Return the filled-in (language, level) rows."""
        return [
            (e.form.language.data, e.form.level.data)
            for e in self.languages
            if e.form.language.data
        ]


class PasswordChangeForm(FlaskForm):
    """Change a password, confirming the current one."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(min=10, max=256, message=_l("Use at least 10 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class InvitationForm(FlaskForm):
    """Create an invitation link for a role (and, for admins, an institution)."""

    role = SelectField(_l("Role"), choices=[])
    institution_id = SelectField(_l("Institution"), coerce=int, choices=[], validate_choice=True)
    email = EmailField(
        _l("Send the link to (optional)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        description=_l("When given, only this address can use the link, and we mail it there."),
    )
    max_uses = IntegerField(
        _l("How many people may use it"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=500)],
    )
    days = IntegerField(
        _l("Valid for (days)"), default=14, validators=[InputRequired(), NumberRange(min=1, max=90)]
    )
    note = StringField(_l("Note for yourself (optional)"), validators=[Optional(), Length(max=200)])


class LocaleForm(FlaskForm):
    """Switch the UI language from the footer."""

    locale = SelectField(choices=options(LANGUAGE_NAMES.items()))


AVAILABILITY_ROWS = (6, 21)  # rows shown at least, accepted at most


def weekday_choices() -> list[SelectChoice]:
    """Offer the weekdays, Monday first, in the UI language."""
    names = get_day_names("wide", locale=str(get_locale()))
    return options([("", "—"), *((day, names[day]) for day in range(7))])


class AvailabilityEntry(WeeklyRow):
    """A weekly time one can meet: weekday and local start and end; all empty means unused."""

    start = TimeField(_l("From"), format=TIME_FORMATS, validators=[Optional()])
    end = TimeField(_l("Until"), format=TIME_FORMATS, validators=[Optional()])

    def validate_end(self, field: TimeField) -> None:
        if field.data is not None and self.start.data is not None and field.data <= self.start.data:
            raise ValidationError(
                _l("End after the start, on the same day (add a row for the next day).")
            )


class RowList(FieldList):
    """A FieldList that reads only short ASCII row numbers from the request.

    (The same guard as ``courses.forms.BoundedFieldList``, which imports this module.) WTForms
    turns any ``str.isdigit()`` suffix into an int, which fails on "²" or thousands of digits.
    """

    def _extract_indices(self, prefix: str, formdata: Any) -> Iterator[int]:
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit() and len(index) <= 3:
                    yield int(index)


def _availability_list() -> FieldList:
    return RowList(
        FormField(AvailabilityEntry),
        min_entries=AVAILABILITY_ROWS[0],
        max_entries=AVAILABILITY_ROWS[1],
    )


class AvailabilityForm(FlaskForm):
    """Weekly availability rows, in the person's own time zone."""

    slots = _availability_list()

    def fill_choices(self) -> None:
        """Offer the weekday names in the viewer's UI language."""
        choices = weekday_choices()
        for entry in self.slots:
            entry.form.weekday.choices = choices

    def fill_from(self, rows: list[tuple[int, time, time]]) -> None:
        """Prefill the rows (on GET) with stored slots."""
        while len(self.slots) < min(len(rows), AVAILABILITY_ROWS[1]):
            self.slots.append_entry()
        for entry, (weekday, start, end) in zip(self.slots, rows, strict=False):
            entry.form.weekday.data = str(weekday)
            entry.form.start.data = start
            entry.form.end.data = end

    def chosen_slots(self) -> list[tuple[int, time, time]]:
        """Return the filled-in (weekday, start, end) rows."""
        return [
            (int(e.form.weekday.data), e.form.start.data, e.form.end.data)
            for e in self.slots
            if e.form.weekday.data and e.form.start.data and e.form.end.data
        ]


class ApiTokenForm(FlaskForm):
    """Name a new personal API token and, optionally, how long it lives."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("What it is for, e.g. “load test bot”."),
    )
    days = IntegerField(
        _l("Expires after (days, optional)"),
        validators=[Optional(), NumberRange(min=1, max=365)],
        description=_l("Leave empty for a token that works until you revoke it."),
    )
