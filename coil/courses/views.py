"""Course pages: parse, authorize, call one service, render or redirect."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_decimal, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import String, cast, exists, select
from sqlalchemy.orm import selectinload

from coil.accounts.models import Role
from coil.accounts.permissions import role_required
from coil.core.errors import ServiceError
from coil.core.forms import form_status
from coil.core.reference import timezone_choices
from coil.core.safety import query_id
from coil.core.time import utcnow
from coil.courses import bp, describe, isced, labels, partner_search, services
from coil.courses.forms import CourseForm, SearchForm, course_form_data, refuse_course
from coil.courses.models import Course, CourseLanguage
from coil.courses.permissions import (
    can_edit_course,
    can_see_matches,
    get_course_or_404,
    is_course_owner,
)
from coil.extensions import db
from coil.institutions.models import Institution

SEARCH_LIMIT = 100
MATCH_LIMIT = 20


def _locale() -> str:
    return str(get_locale() or "en")


def _own_courses() -> list[Course]:
    if current_user.role != Role.LECTURER:
        return []
    query = select(Course).where(Course.owner_id == current_user.id).order_by(Course.title)
    return list(db.session.scalars(query))


def _helpers() -> dict[str, Any]:
    # Labels and formatters every course template uses.
    return {
        "describe": describe.describe,
        "status_label": lambda status: labels.STATUS_LABELS.get(status, status),
        "eqf_label": lambda level: labels.EQF_LABELS.get(level, ""),
        "field_title": labels.field_title,
        "sdg_label": labels.sdg_label,
        "region_label": labels.region_name,
        "period": describe.period,
        "discipline_label": lambda pref: labels.DISCIPLINE_LABELS.get(pref, pref),
        "to_date": date.fromisoformat,
        "day_label": lambda day: format_date(day, "medium"),
        "number": format_decimal,
    }


@bp.route("/")
@role_required(Role.LECTURER, Role.COORDINATOR)
def index() -> ResponseReturnValue:
    """List the lecturer's own courses, or the coordinator's institution's courses."""
    query = select(Course).order_by(Course.first_day.desc(), Course.title)
    if current_user.role == Role.LECTURER:
        query = query.where(Course.owner_id == current_user.id)
    else:
        query = query.where(Course.institution_id == current_user.institution_id)
    query = query.options(selectinload(Course.owner))
    return render_template(
        "courses/index.html", courses=db.session.scalars(query).all(), **_helpers()
    )


def _render_form(form: CourseForm, course: Course | None) -> ResponseReturnValue:
    return render_template(
        "courses/form.html",
        form=form,
        course=course,
        timezones=timezone_choices(),
        **_helpers(),
    ), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.LECTURER)
def new() -> ResponseReturnValue:
    """Describe a new course."""
    form = CourseForm()
    if request.method == "GET" and current_user.institution is not None:
        form.timezone.data = current_user.institution.timezone
    form.fill_choices(_locale())
    if form.validate_on_submit():
        try:
            course = services.create_course(current_user, form.to_data())
        except ServiceError as error:
            refuse_course(form, error)
        else:
            flash(_("The course is saved."), "success")
            return redirect(url_for("courses.show", course_id=course.id))
    return _render_form(form, None)


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@role_required(Role.LECTURER)
def edit(course_id: int) -> ResponseReturnValue:
    """Change a course profile (its own lecturer only)."""
    course = get_course_or_404(course_id, edit=True)
    locked = course.status if course.status not in ("draft", "open") else None
    initial = course_form_data(course) if request.method == "GET" else None
    form = CourseForm(data=initial, locked_status=locked)
    form.fill_choices(_locale())
    if form.validate_on_submit():
        try:
            services.update_course(current_user, course, form.to_data())
        except ServiceError as error:
            refuse_course(form, error)
        else:
            flash(_("The course is saved."), "success")
            return redirect(url_for("courses.show", course_id=course.id))
    return _render_form(form, course)


def _meeting_times(course: Course) -> list[describe.MeetingTime]:
    return describe.meeting_times(
        course.meetings,
        course.timezone,
        str(get_timezone()),
        course.first_day,
        course.last_day,
        utcnow().date(),
    )


def _can_propose(course: Course) -> bool:
    # Drafts cannot propose yet.
    return is_course_owner(current_user, course) and course.status in ("open", "paired")


@bp.route("/<int:course_id>")
@login_required
def show(course_id: int) -> ResponseReturnValue:
    """Show a course profile and, to its lecturer and coordinators, its ranked partner courses."""
    course = get_course_or_404(course_id)
    matches = None
    if can_see_matches(current_user, course):
        matches = partner_search.find_matches(course, limit=MATCH_LIMIT)
    return render_template(
        "courses/show.html",
        course=course,
        matches=matches,
        meetings=_meeting_times(course),
        viewer_timezone_name=str(get_timezone()),
        can_edit=can_edit_course(current_user, course),
        can_propose=_can_propose(course),
        **_helpers(),
    )


def _search_query(form: SearchForm) -> Any:
    query = (
        select(Course)
        .join(Institution, Institution.id == Course.institution_id)
        .where(Course.status == "open", Institution.status == "active")
        .order_by(Course.first_day, Course.title, Course.id)
        .options(
            selectinload(Course.institution),
            selectinload(Course.owner),
            selectinload(Course.working_languages),
        )
    )
    if current_user.institution_id is not None:
        query = query.where(Course.institution_id != current_user.institution_id)
    values = {field.name: field.data for field in form if not field.errors}
    code = values.get("discipline")
    if code and isced.is_valid(code) and code.isdigit():
        # Codes are stored as a JSON list of digit strings: '"04' starts a code in field 04.
        query = query.where(cast(Course.isced_codes, String).like(f'%"{code}%'))
    if values.get("language"):
        query = query.where(
            exists().where(
                CourseLanguage.course_id == Course.id,
                CourseLanguage.language == values["language"],
            )
        )
    if values.get("eqf_level"):
        query = query.where(Course.eqf_level == int(values["eqf_level"]))
    if values.get("country"):
        query = query.where(Institution.country == values["country"])
    if values.get("period_from"):
        query = query.where(Course.last_day >= values["period_from"])
    if values.get("period_to"):
        query = query.where(Course.first_day <= values["period_to"])
    return query.limit(SEARCH_LIMIT + 1)


@bp.route("/search")
@role_required(Role.LECTURER, Role.COORDINATOR, Role.ADMIN)
def search() -> ResponseReturnValue:
    """Find open courses of other institutions by discipline, language, level, place, period."""
    form = SearchForm(formdata=request.args)
    own = _own_courses()
    form.fill_choices(_locale(), own)
    if request.args:
        form.validate()
    elif len(own) == 1:
        form.mine.data = str(own[0].id)
    results = list(db.session.scalars(_search_query(form)))
    mine = form.mine.data if form.mine.data and not form.mine.errors else None
    return render_template(
        "courses/search.html",
        form=form,
        results=results[:SEARCH_LIMIT],
        more=len(results) > SEARCH_LIMIT,
        mine=int(mine) if mine else None,
        best_choices=[c for c in own if c.status == "open"],
        **_helpers(),
    ), form_status(form)


@bp.route("/best")
@role_required(Role.LECTURER, Role.COORDINATOR)
def best() -> ResponseReturnValue:
    """Go to the ranked partner courses of one's own course (the search page's picker)."""
    course_id = query_id("course_id")
    if course_id is None:
        return redirect(url_for("courses.search"))
    course = get_course_or_404(course_id)
    if not can_see_matches(current_user, course):
        abort(403)
    return redirect(url_for("courses.show", course_id=course.id, _anchor="matches"))


@bp.route("/<int:course_id>/why/<int:other_id>")
@login_required
def why(course_id: int, other_id: int) -> ResponseReturnValue:
    """Explain why one course is, or is not, among another's partner matches."""
    course = get_course_or_404(course_id)
    if not can_see_matches(current_user, course):
        abort(403)
    other = get_course_or_404(other_id)
    result = partner_search.explain(course, other)
    match = None if isinstance(result, list) else result
    exclusions = result if isinstance(result, list) else []
    return render_template(
        "courses/why.html",
        course=course,
        other=other,
        match=match,
        exclusions=exclusions,
        not_open=other.status != "open",
        inactive=other.institution.status != "active",
        can_propose=_can_propose(course) and match is not None,
        match_limit=MATCH_LIMIT,
        **_helpers(),
    )
