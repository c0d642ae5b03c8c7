"""Course profile and partner search forms.

The form parses and checks the shape of the input (dates, numbers, choices, complete rows);
the rules of a matchable profile (end after start, blocked weeks inside the term, an exchange
that fits) stay in ``services.check_course_data``, and ``refuse_course`` puts its messages next
to the right field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.form import Form
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from coil.accounts.forms import validate_timezone
from coil.core.errors import ServiceError
from coil.core.forms import WeeklyRow, options, refuse
from coil.core.reference import CEFR_LEVELS, country_names, is_language, language_names
from coil.courses.choices import (
    discipline_filter_choices,
    eqf_choices,
    isced_choices,
    localized_region_choices,
)
from coil.courses.labels import DISCIPLINE_LABELS, SDG_NAMES, STATUS_LABELS, weekday_name
from coil.courses.models import Course
from coil.courses.organisation import OrganisationFields
from coil.courses.services import CourseData, Meeting

# Dates far from today are typing errors, and the week arithmetic needs room on both sides.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
EDITABLE_STATUSES = ("draft", "open")
MAX_STUDENTS = 10_000
# Rows shown (at least) and accepted (at most) for the repeated parts of the form.
LANGUAGE_ROWS, BLOCKED_ROWS, MEETING_ROWS = (3, 10), (4, 20), (5, 14)


def _clean(value: Any) -> Any:
    # PostgreSQL refuses NUL in text; nobody types one on purpose.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _check_day(field: DateField) -> None:
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Choose a date between 2000 and 2099."))


class BoundedFieldList(FieldList):
    """A FieldList that reads only short ASCII row numbers from the request.

    WTForms turns any ``str.isdigit()`` suffix into an int, which fails on "²" or on thousands
    of digits; such keys are ignored here instead of ending in a server error.
    """

    def _extract_indices(self, prefix: str, formdata: Any) -> Iterator[int]:
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit() and len(index) <= 3:
                    yield int(index)


class WorkingLanguageEntry(Form):
    """A working language offered for the exchange and the minimum CEFR level asked."""

    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    level = SelectField(
        _l("Minimum level (CEFR)"),
        choices=options([("", "—"), *[(lv, lv) for lv in CEFR_LEVELS]]),
        validate_choice=False,
    )

    def validate_language(self, field: SelectField) -> None:
        if field.data and not is_language(field.data):
            raise ValidationError(_l("Choose a language from the list."))
        if field.data and self.level.data not in CEFR_LEVELS:
            raise ValidationError(_l("Choose a minimum level for this language."))
        if not field.data and self.level.data:
            raise ValidationError(_l("Choose a language for this level."))


class BlockedEntry(Form):
    """A holiday or exam block inside the teaching period; both days are included."""

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def validate_start(self, field: DateField) -> None:
        _check_day(field)
        if (field.data is None) != (self.end.data is None) and not self.end.errors:
            raise ValidationError(_l("Give both days of the blocked period, or neither."))

    def validate_end(self, field: DateField) -> None:
        _check_day(field)


class MeetingEntry(WeeklyRow):
    """A weekly class meeting: weekday and local start and end time."""


class CourseForm(OrganisationFields, FlaskForm):
    """Everything a course profile holds, usable without JavaScript."""

    title = StringField(
        _l("Title"), filters=[_clean], validators=[InputRequired(), Length(max=200)]
    )
    description = TextAreaField(
        _l("Description"),
        filters=[_clean],
        validators=[Optional(), Length(max=10_000)],
        description=_l("What students do in the course, for a partner lecturer to read."),
    )
    isced_codes = SelectMultipleField(
        _l("Fields of education (ISCED-F 2013)"),
        choices=isced_choices,
        render_kw={"size": 12},
        description=_l(
            "Choose the most precise fields that apply. Hold Ctrl (or Cmd) to choose more than one."
        ),
    )
    eqf_level = SelectField(_l("Student level (EQF)"), coerce=int, choices=eqf_choices, default=6)
    discipline_preference = RadioField(
        _l("Partner courses from"), choices=[], default="any", validate_choice=True
    )
    instruction_languages = SelectMultipleField(
        _l("Languages of instruction"),
        render_kw={"size": 6},
        description=_l("The languages the course is taught in at home."),
    )
    working_languages = BoundedFieldList(
        FormField(WorkingLanguageEntry),
        min_entries=LANGUAGE_ROWS[0],
        max_entries=LANGUAGE_ROWS[1],
    )
    first_day = DateField(
        _l("First teaching day"), validators=[InputRequired(_l("Give the first teaching day."))]
    )
    last_day = DateField(
        _l("Last teaching day"), validators=[InputRequired(_l("Give the last teaching day."))]
    )
    blocked_periods = BoundedFieldList(
        FormField(BlockedEntry), min_entries=BLOCKED_ROWS[0], max_entries=BLOCKED_ROWS[1]
    )
    timezone = StringField(
        _l("Time zone"),
        filters=[_clean],
        validators=[InputRequired(), validate_timezone],
        description=_l("IANA name, e.g. Europe/Amsterdam. Class times are in this zone."),
    )
    meetings = BoundedFieldList(
        FormField(MeetingEntry), min_entries=MEETING_ROWS[0], max_entries=MEETING_ROWS[1]
    )
    expected_students = IntegerField(
        _l("Expected number of students"),
        default=25,
        validators=[InputRequired(), NumberRange(max=MAX_STUDENTS)],
    )
    exchange_weeks = IntegerField(
        _l("Length of the exchange (weeks)"),
        default=6,
        validators=[InputRequired()],
        description=_l("Consecutive teaching weeks the joint module needs."),
    )
    sync_hours_per_week = DecimalField(
        _l("Live class hours a week with the partner"),
        default=Decimal("1.5"),
        places=None,
        validators=[InputRequired()],
        description=_l("0 means asynchronous collaboration only."),
    )
    preferred_countries = SelectMultipleField(
        _l("Preferred partner countries"), description=_l("Optional."), render_kw={"size": 6}
    )
    preferred_regions = SelectMultipleField(
        _l("Preferred partner regions"), description=_l("Optional."), render_kw={"size": 6}
    )
    sdgs = SelectMultipleField(
        _l("Sustainable Development Goals"),
        coerce=int,
        choices=lambda: options((goal, f"{goal} {name}") for goal, name in SDG_NAMES.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    learning_outcomes = TextAreaField(
        _l("Learning outcomes"), filters=[_clean], validators=[Optional(), Length(max=10_000)]
    )
    outcome_tags = StringField(
        _l("Outcome tags"),
        filters=[_clean],
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "Separated by commas, e.g. intercultural communication, teamwork. "
            "Courses with the same tags rank higher."
        ),
    )
    status = SelectField(_l("Status"), choices=[], default="draft", validate_choice=False)

    def __init__(self, *args: Any, locked_status: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Paired and closed are set by the system: shown, never chosen.
        self.locked_status = locked_status

    def fill_choices(self, locale: str) -> None:
        """Offer languages, countries, regions and weekdays in the viewer's UI language."""
        languages = language_names(locale)
        self.instruction_languages.choices = options(languages.items())
        row_languages = options([("", "—"), *languages.items()])
        for entry in self.working_languages:
            entry.form.language.choices = row_languages
        weekdays = options([("", "—"), *((d, weekday_name(d, "wide")) for d in range(7))])
        for entry in self.meetings:
            entry.form.weekday.choices = weekdays
        self.preferred_countries.choices = options(country_names(locale).items())
        self.preferred_regions.choices = localized_region_choices()
        self.discipline_preference.choices = options(DISCIPLINE_LABELS.items())
        self.status.choices = options((s, STATUS_LABELS[s]) for s in EDITABLE_STATUSES)

    def validate_first_day(self, field: DateField) -> None:
        _check_day(field)

    def validate_last_day(self, field: DateField) -> None:
        _check_day(field)

    def validate_sync_hours_per_week(self, field: DecimalField) -> None:
        if field.data is None or not field.data.is_finite():
            raise ValidationError(_l("Give a number of hours, e.g. 1.5."))

    def validate_status(self, field: SelectField) -> None:
        if self.locked_status is None and field.data not in EDITABLE_STATUSES:
            raise ValidationError(_l("Choose a status from the list."))

    def to_data(self) -> CourseData:
        """Return the validated input as the service's CourseData (empty rows left out)."""
        try:
            hours = float(self.sync_hours_per_week.data or 0)
        except (InvalidOperation, ValueError, OverflowError):  # validated: belt and braces
            hours = -1.0
        tags = (self.outcome_tags.data or "").split(",")
        return CourseData(
            title=self.title.data or "",
            description=self.description.data or "",
            faculty=self.faculty.data or None,
            programme=self.programme.data or None,
            isced_codes=sorted(self.isced_codes.data or []),
            eqf_level=self.eqf_level.data,
            instruction_languages=list(self.instruction_languages.data or []),
            working_languages=[
                (e.form.language.data, e.form.level.data)
                for e in self.working_languages
                if e.form.language.data
            ],
            first_day=self.first_day.data,
            last_day=self.last_day.data,
            blocked_periods=[
                (e.form.start.data, e.form.end.data)
                for e in self.blocked_periods
                if e.form.start.data and e.form.end.data
            ],
            timezone=self.timezone.data or "",
            meetings=[
                Meeting(int(e.form.weekday.data), e.form.start.data, e.form.end.data)
                for e in self.meetings
                if e.form.weekday.data and e.form.start.data and e.form.end.data
            ],
            expected_students=self.expected_students.data,
            exchange_weeks=self.exchange_weeks.data,
            sync_hours_per_week=hours,
            preferred_countries=list(self.preferred_countries.data or []),
            preferred_regions=list(self.preferred_regions.data or []),
            sdgs=list(self.sdgs.data or []),
            learning_outcomes=self.learning_outcomes.data or "",
            outcome_tags=[tag.strip() for tag in tags if tag.strip()],
            discipline_preference=self.discipline_preference.data,
            status=self.locked_status or self.status.data,
        )


def course_form_data(course: Course) -> dict[str, Any]:
    """Return a stored course as the form's initial data."""
    return {
        "title": course.title,
        "description": course.description,
        "faculty": course.faculty,
        "programme": course.programme,
        "isced_codes": list(course.isced_codes),
        "eqf_level": course.eqf_level,
        "discipline_preference": course.discipline_preference,
        "instruction_languages": list(course.instruction_languages),
        "working_languages": _rows(
            [{"language": cl.language, "level": cl.min_level} for cl in course.working_languages],
            LANGUAGE_ROWS,
        ),
        "first_day": course.first_day,
        "last_day": course.last_day,
        "blocked_periods": _rows(
            [
                {"start": date.fromisoformat(s), "end": date.fromisoformat(e)}
                for s, e in course.blocked_periods
            ],
            BLOCKED_ROWS,
        ),
        "timezone": course.timezone,
        "meetings": _rows(
            [
                {
                    "weekday": str(m["weekday"]),
                    "start": time.fromisoformat(m["start"]),
                    "end": time.fromisoformat(m["end"]),
                }
                for m in course.meetings
            ],
            MEETING_ROWS,
        ),
        "expected_students": course.expected_students,
        "exchange_weeks": course.exchange_weeks,
        "sync_hours_per_week": Decimal(str(course.sync_hours_per_week)),
        "preferred_countries": list(course.preferred_countries),
        "preferred_regions": list(course.preferred_regions),
        "sdgs": list(course.sdgs),
        "learning_outcomes": course.learning_outcomes,
        "outcome_tags": ", ".join(course.outcome_tags),
        "status": course.status,
    }


def _rows(filled: list[dict[str, Any]], rows: tuple[int, int]) -> list[dict[str, Any]]:
    # Every stored row, then free rows: at least the minimum in all, and one free row more
    # while there is room (a FieldList refuses more rows than its maximum).
    least, most = rows
    return (filled + [{}] * max(least - len(filled), 1))[:most]


# check_course_data names the CourseData fields; the form names a few of them differently.
SERVICE_FIELDS: Mapping[str, str] = {"blocked": "blocked_periods"}


def refuse_course(form: CourseForm, error: ServiceError) -> None:
    """Show a service's refusal next to the course form field it is about."""
    field = SERVICE_FIELDS.get(error.field or "", error.field)
    refuse(form, ServiceError(error.message, field=field, code=error.code))


class SearchForm(FlaskForm):
    """Filters of the partner course search (a GET form)."""

    class Meta:
        csrf = False  # a search changes nothing, and its URL should be shareable

    discipline = SelectField(_l("Discipline"), choices=discipline_filter_choices, default="")
    language = SelectField(_l("Working language"), choices=[], default="")
    eqf_level = SelectField(_l("Student level (EQF)"), choices=[], default="")
    country = SelectField(_l("Country"), choices=[], default="")
    period_from = DateField(_l("From"), validators=[Optional()])
    period_to = DateField(_l("To"), validators=[Optional()])
    mine = SelectField(
        _l("Compare with my course"),
        choices=[],
        default="",
        description=_l("Each result then links to why it is or is not a match for it."),
    )

    def fill_choices(self, locale: str, own_courses: list[Course]) -> None:
        """Offer names in the viewer's UI language, and the viewer's own courses."""
        self.language.choices = options([("", _l("Any")), *language_names(locale).items()])
        self.eqf_level.choices = [SelectChoice("", str(_l("Any"))), *eqf_choices()]
        self.country.choices = options([("", _l("Any")), *country_names(locale).items()])
        self.mine.choices = options([("", "—"), *((c.id, c.title) for c in own_courses)])

    def validate_period_from(self, field: DateField) -> None:
        _check_day(field)

    def validate_period_to(self, field: DateField) -> None:
        _check_day(field)
        start = self.period_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The end of the period is before its start."))
