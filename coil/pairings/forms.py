"""Forms for proposing, talking, agreeing and answering."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from coil.pairings.models import AGREEMENT_KEYS

MAX = 5000

# Label and help text of each agreement point, in the order lecturers discuss them.
AGREEMENT_LABELS = {
    "working_language": (
        _l("Working language"),
        _l("The language students work in, and the level you expect."),
    ),
    "exchange_dates": (
        _l("Exchange dates"),
        _l("First and last week of the joint module, inside both teaching periods."),
    ),
    "sync_sessions": (
        _l("Synchronous sessions"),
        _l("When the classes meet live, in both local times."),
    ),
    "assessment": (
        _l("Assessment of the shared work"),
        _l("How each course grades the joint product and the collaboration."),
    ),
    "tools": (_l("Tools"), _l("Where students meet, write and store files.")),
    "dropout": (
        _l("When a student drops out"),
        _l("How teams continue and who tells whom."),
    ),
}


class ProposeForm(FlaskForm):
    """Propose one of the lecturer's courses to a partner course."""

    from_course_id = SelectField(_l("Your course"), coerce=int, choices=[])
    message = TextAreaField(
        _l("Message to the other lecturer"),
        validators=[Optional(), Length(max=MAX)],
        description=_l(
            "Say why the courses fit and what you have in mind. Your e-mail address "
            "is shared only when the proposal is accepted."
        ),
    )


class ReplyForm(FlaskForm):
    """A message in the proposal's conversation."""

    body = TextAreaField(_l("Your message"), validators=[DataRequired(), Length(max=MAX)])


class DeclineForm(FlaskForm):
    """Decline with a reason."""

    reason = TextAreaField(
        _l("Why do you decline?"),
        validators=[DataRequired(), Length(max=MAX)],
        description=_l("The other lecturer sees this, so that they can look elsewhere."),
    )


class AgreementForm(FlaskForm):
    """One text and one confirmation per agreement point (fields added per key), and whether
    partners' reports may name this side's students."""

    share_identities = BooleanField(
        _l("Partners' coordinators may see our students' names in their reports"),
        description=_l(
            "Only when both sides tick this do the partner institution's exports name your "
            "students (name and e-mail); otherwise they show a pseudonym for each student."
        ),
    )


for _key in AGREEMENT_KEYS:
    _label, _help = AGREEMENT_LABELS[_key]
    setattr(
        AgreementForm,
        _key,
        TextAreaField(_label, description=_help, validators=[Optional(), Length(max=MAX)]),
    )
    setattr(AgreementForm, f"{_key}_ok", BooleanField(_l("I agree with this point")))
