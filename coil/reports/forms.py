"""The dashboard's filters (a GET form, shared by the exports) and the export form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional, ValidationError

from coil.core.forms import options
from coil.reports.models import FORMATS, KINDS

FIRST_YEAR = 2020


def year_choices(today: date) -> list[tuple[str, str]]:
    """Offer academic years (1 September to 31 August), newest first."""
    last = today.year if today.month >= 9 else today.year - 1
    return [(str(y), f"{y}/{str(y + 1)[-2:]}") for y in range(last + 1, FIRST_YEAR - 1, -1)]


class FilterForm(FlaskForm):
    """What the dashboard and an export cover."""

    class Meta:
        csrf = False  # filters change nothing, and the URL should be shareable

    year = SelectField(_l("Academic year"), choices=[], default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    course = SelectField(_l("Course"), choices=[], default="", validate_choice=False)
    exchange = SelectField(_l("Exchange"), choices=[], default="", validate_choice=False)
    country = SelectField(_l("Partner country"), choices=[], default="")
    faculty = SelectField(_l("Faculty or school"), choices=[], default="", validate_choice=False)
    programme = SelectField(_l("Degree programme"), choices=[], default="", validate_choice=False)

    def fill_choices(
        self,
        today: date,
        courses: list[tuple[int, str]],
        exchanges: list[tuple[int, str]],
        countries: list[tuple[str, str]],
        faculties: Sequence[str] = (),
        programmes: Sequence[str] = (),
    ) -> None:
        """Offer the years, the viewer's courses and exchanges, the partner countries, and the
        faculties and programmes of the viewer's courses."""
        any_ = ("", _l("Any"))
        self.year.choices = options([any_, *year_choices(today)])
        self.course.choices = options([any_, *courses])
        self.exchange.choices = options([any_, *exchanges])
        self.country.choices = options([any_, *countries])
        self.faculty.choices = options([any_, *((name, name) for name in faculties)])
        self.programme.choices = options([any_, *((name, name) for name in programmes)])

    @staticmethod
    def _offered(field: SelectField) -> bool:
        return not field.data or field.data in {choice.value for choice in field.choices}

    def validate_course(self, field: SelectField) -> None:
        if not self._offered(field):
            raise ValidationError(_l("Choose one of your own courses from the list."))

    def validate_exchange(self, field: SelectField) -> None:
        if not self._offered(field):
            raise ValidationError(_l("Choose an exchange your courses take part in."))

    def validate_faculty(self, field: SelectField) -> None:
        if not self._offered(field):
            raise ValidationError(_l("Choose a faculty of your institution's courses."))

    def validate_programme(self, field: SelectField) -> None:
        if not self._offered(field):
            raise ValidationError(_l("Choose a programme of your institution's courses."))

    def validate_date_to(self, field: DateField) -> None:
        start = self.date_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The end of the period is before its start."))

    def period(self) -> tuple[date | None, date | None]:
        """Return the period the filters name: the academic year narrowed by the dates."""
        start, end = self.date_from.data, self.date_to.data
        if self.year.data:
            year = int(self.year.data)
            first, last = date(year, 9, 1), date(year + 1, 8, 31)
            start, end = max(start or first, first), min(end or last, last)
        return start, end

    def values(self) -> dict[str, Any]:
        """Return the chosen filters as query-string arguments (empty ones left out)."""
        raw = {
            "year": self.year.data,
            "date_from": self.date_from.data.isoformat() if self.date_from.data else "",
            "date_to": self.date_to.data.isoformat() if self.date_to.data else "",
            "course": self.course.data,
            "exchange": self.exchange.data,
            "country": self.country.data,
            "faculty": self.faculty.data,
            "programme": self.programme.data,
        }
        return {key: value for key, value in raw.items() if value}


class ExportForm(FlaskForm):
    """Start an export of the participation records in the current filter."""

    kind = SelectField(_l("What"), choices=[], default="records")
    format = SelectField(_l("Format"), choices=[], validators=[DataRequired()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            ("records", _l("Participation records")),
            ("ledger", _l("Raw ledger (every event)")),
        ]
        self.format.choices = options(
            [("xlsx", _l("Excel workbook (XLSX)")), ("csv", _l("CSV")), ("jsonl", _l("JSON Lines"))]
        )

    def validate_kind(self, field: SelectField) -> None:
        if field.data not in KINDS:
            raise ValidationError(_l("Choose what to export from the list."))

    def validate_format(self, field: SelectField) -> None:
        if field.data not in FORMATS:
            raise ValidationError(_l("Choose a format from the list."))
