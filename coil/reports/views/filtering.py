"""Reading the dashboard's filters from the query string, for the dashboard and the exports."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from coil.core.reference import country_names
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.extensions import db
from coil.reports.figures import Filters, exchange_rows, members_of
from coil.reports.forms import FilterForm
from coil.reports.permissions import owner_of, scope_of


def filter_form() -> tuple[FilterForm, Filters | None]:
    """Return the filter form read from the query string, and its filters (None if invalid).

    Only the viewer's own courses, the exchanges in their scope and those exchanges' partner
    countries are offered, so a filter naming another institution's course is refused.
    """
    scope, owner = scope_of(current_user), owner_of(current_user)
    today = utcnow().date()
    form = FilterForm(formdata=request.args)
    courses = []
    if scope is not None:
        rows = db.session.execute(
            select(Course.id, Course.title).where(*_own(scope, owner)).order_by(Course.title)
        )
        courses = [(row.id, row.title) for row in rows]
    faculties, programmes = _organisation(scope, owner)
    exchanges = exchange_rows(Filters(scope, owner_id=owner, as_of=today))
    countries: set[str] = set()
    for members in members_of([x.id for x in exchanges]).values():
        countries.update(m[2] for m in members if m[0] != scope)
    names = country_names(str(get_locale()))
    form.fill_choices(
        today,
        courses,
        [(x.id, x.title) for x in exchanges],
        sorted(((c, names.get(c, c)) for c in countries), key=lambda pair: pair[1]),
        faculties,
        programmes,
    )
    if request.args and not form.validate():
        return form, None
    start, end = form.period()
    if start and end and end < start:  # a year and dates that do not meet
        message = _("The academic year and the dates have no day in common.")
        form.date_to.errors = [*form.date_to.errors, message]
        return form, None
    return form, Filters(
        institution_id=scope,
        date_from=start,
        date_to=end,
        course_id=int(form.course.data) if form.course.data else None,
        exchange_id=int(form.exchange.data) if form.exchange.data else None,
        partner_country=form.country.data or None,
        faculty=form.faculty.data or None,
        programme=form.programme.data or None,
        owner_id=owner,
        as_of=today,
    )


def _own(scope: int | None, owner: int | None) -> list[Any]:
    """Return the conditions on the courses of the viewer's scope (a lecturer: their own)."""
    terms = [] if scope is None else [Course.institution_id == scope]
    return terms if owner is None else [*terms, Course.owner_id == owner]


def _organisation(scope: int | None, owner: int | None) -> tuple[list[str], list[str]]:
    """Return the faculties and programmes named by the scope's courses (admins: any)."""
    found: tuple[set[str], set[str]] = (set(), set())
    query = select(Course.faculty, Course.programme).distinct().where(*_own(scope, owner))
    for faculty, programme in db.session.execute(query):
        if faculty:
            found[0].add(faculty)
        if programme:
            found[1].add(programme)
    return sorted(found[0]), sorted(found[1])
