"""Institution forms."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from coil.accounts.forms import validate_timezone
from coil.core.forms import options
from coil.core.reference import country_names, language_names
from coil.institutions.models import STATUSES, Institution
from coil.institutions.services import REASON_MAX


class InstitutionForm(FlaskForm):
    """Name, place, time zone, languages and website of an institution."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), validate_timezone],
        description=_l("IANA name, e.g. Europe/Amsterdam or America/Mexico_City."),
    )
    languages = SelectMultipleField(
        _l("Languages of instruction"),
        description=_l("Hold Ctrl (or Cmd) to choose more than one."),
    )
    website = URLField(
        _l("Website"), validators=[Optional(), URL(require_tld=True), Length(max=300)]
    )
    status = SelectField(_l("Status"), choices=options([(s, s) for s in STATUSES]))
    latitude = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(-90, 90)],
        description=_l("Of the city, in decimal degrees (north positive), e.g. 52.37."),
    )
    longitude = FloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(-180, 180)],
        description=_l("Of the city, in decimal degrees (east positive), e.g. 4.90."),
    )

    def fill_choices(self, locale: str) -> None:
        """Offer country and language names in the viewer's UI language."""
        self.country.choices = options([("", "—"), *country_names(locale).items()])
        self.languages.choices = options(language_names(locale).items())
        self.status.choices = options([("active", _l("Active")), ("suspended", _l("Suspended"))])

    def validate_languages(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))


class PartnerRelationForm(FlaskForm):
    """A decision about another institution: a vetted partner, or not for pairing (and why)."""

    partner_id = SelectField(
        _l("Institution"),
        coerce=int,
        choices=[],
        validators=[DataRequired(message=_l("Choose an institution."))],
    )
    kind = SelectField(
        _l("Decision"),
        choices=[],
        validators=[DataRequired(message=_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=REASON_MAX)],
        description=_l(
            "Required for “not for pairing”, optional for a vetted partner. Only your "
            "institution's coordinators and the administrators see it."
        ),
    )

    def fill_choices(self, partners: Iterable[Institution]) -> None:
        """Offer the institutions a decision can be about, and the two decisions."""
        self.partner_id.choices = options([(0, "—"), *((p.id, p.name) for p in partners)])
        self.kind.choices = options(
            [("", "—"), ("allow", _l("Vetted partner")), ("block", _l("Not for pairing"))]
        )

    def validate_reason(self, field: TextAreaField) -> None:
        if self.kind.data == "block" and not (field.data or "").strip():
            raise ValidationError(_l("Say why you do not pair with this institution."))
