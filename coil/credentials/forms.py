"""Forms: a badge version, a coordinator's decision, manual awards, revocation, verification."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coil.core.forms import options
from coil.credentials.services import BadgeData

RULES_HELP = _l(
    "One rule a line: “sessions 4” (live sessions attended), “reflections 3 4” (reflections "
    "on 3 prompts covering 4 dimensions), “self_assessment post”, “rating 2 1” (a lecturer "
    "rating at level 2 or above on 1 dimension), “tasks 1” (team tasks completed)."
)


def parse_rules(text: str) -> list[dict]:
    """Turn the rules field's lines into rule dicts (checked by the service)."""
    rules: list[dict] = []
    names = {
        "sessions": ("min",),
        "tasks": ("min",),
        "reflections": ("min", "dimensions"),
        "rating": ("level", "dimensions"),
    }
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        kind, args = words[0], words[1:]
        if kind == "self_assessment":
            rules.append({"kind": kind, "stage": args[0] if args else ""})
            continue
        rule: dict = {"kind": kind}
        for name, value in zip(names.get(kind, ()), args, strict=False):
            rule[name] = int(value) if value.isdigit() else value
        rules.append(rule)
    return rules


def format_rules(rules: list[dict]) -> str:
    """Write rules back as the field's lines."""
    keys = ("min", "level", "dimensions", "stage")
    return "\n".join(
        " ".join([rule["kind"], *[str(rule[k]) for k in keys if k in rule]]) for rule in rules
    )


class BadgeForm(FlaskForm):
    """A badge version: what it certifies, how it is earned, and the EU elements."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[DataRequired()])
    criteria = TextAreaField(_l("Criteria (in words)"), validators=[DataRequired()])
    rules = TextAreaField(_l("Rules checked over the ledger"), description=RULES_HELP)
    alignment = StringField(
        _l("Rubric dimensions it certifies"),
        description=_l("Dimension keys separated by commas, for example: curiosity, empathy"),
    )
    learning_outcomes = TextAreaField(
        _l("Learning outcomes"), description=_l("One a line."), validators=[DataRequired()]
    )
    ects = DecimalField(_l("Workload (ECTS)"), places=1, validators=[InputRequired()])
    eqf_level = IntegerField(_l("EQF level"), validators=[Optional(), NumberRange(1, 8)])
    assessment_type = StringField(
        _l("Type of assessment"), validators=[DataRequired(), Length(max=200)]
    )
    participation = SelectField(
        _l("Form of participation"),
        choices=lambda: options([("online", _l("Online")), ("blended", _l("Blended"))]),
    )
    sync_hours = DecimalField(_l("Synchronous hours"), places=1, validators=[InputRequired()])
    async_hours = DecimalField(_l("Asynchronous hours"), places=1, validators=[InputRequired()])
    quality_assurance = StringField(
        _l("Type of quality assurance"), validators=[DataRequired(), Length(max=200)]
    )
    image = FileField(
        _l("Image (optional)"),
        description=_l(
            "A PNG or JPEG of at most 512 KB; without one the badge gets a drawn image."
        ),
    )
    valid_months = IntegerField(
        _l("Valid for (months)"),
        description=_l("Leave empty if it does not expire."),
        validators=[Optional()],
    )

    def data_for_service(self) -> BadgeData:
        """Return the form's values as the service takes them."""
        return BadgeData(
            name=self.name.data.strip(),
            description=self.description.data.strip(),
            criteria=self.criteria.data.strip(),
            rules=parse_rules(self.rules.data or ""),
            alignment=[k.strip() for k in (self.alignment.data or "").split(",") if k.strip()],
            learning_outcomes=[
                line.strip() for line in self.learning_outcomes.data.splitlines() if line.strip()
            ],
            ects=float(self.ects.data),
            eqf_level=self.eqf_level.data,
            assessment_type=self.assessment_type.data.strip(),
            participation=self.participation.data,
            sync_hours=float(self.sync_hours.data),
            async_hours=float(self.async_hours.data),
            quality_assurance=self.quality_assurance.data.strip(),
            valid_months=self.valid_months.data,
            image=self._image(),
        )

    def _image(self) -> bytes | None:
        upload = self.image.data
        if upload is None or not getattr(upload, "filename", None):
            return None
        return bytes(upload.read(512 * 1024 + 1))


class AwardForm(FlaskForm):
    """A lecturer's award by hand."""

    student = SelectField(_l("Student"), choices=[], coerce=int, validate_choice=False)
    justification = TextAreaField(
        _l("Why they earned it"), validators=[DataRequired(), Length(max=2000)]
    )


class RevokeForm(FlaskForm):
    """The reason for revoking an award."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class VerifyForm(FlaskForm):
    """A credential to check: pasted, or uploaded as a file."""

    credential = TextAreaField(
        _l("Paste the credential (.jwt) or the address of its badge page"),
        validators=[Optional()],
    )
    upload = FileField(_l("Or upload the file"))
