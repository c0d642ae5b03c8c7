"""Every state change of course profiles, with the checks that keep a profile matchable."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import gettext as _

from coil.accounts.models import Role, User
from coil.core.errors import ServiceError
from coil.core.models import sync_keyed
from coil.core.reference import CEFR_LEVELS, is_country, is_language
from coil.core.regions import region_choices
from coil.core.time import is_timezone
from coil.core.weekly import WeeklySlot, teaching_weeks
from coil.courses import isced
from coil.courses.matching import profile as match_profile
from coil.courses.models import COURSE_STATUSES, DISCIPLINE_PREFERENCES, Course, CourseLanguage
from coil.courses.permissions import can_edit_course
from coil.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Meeting:
    """A weekly class meeting in the course's time zone."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class CourseData:
    """The editable fields of a course profile, already parsed from a form or an API call."""

    title: str
    first_day: date
    last_day: date
    timezone: str
    working_languages: list[tuple[str, str]]
    description: str = ""
    faculty: str | None = None
    programme: str | None = None
    isced_codes: list[str] = field(default_factory=list)
    eqf_level: int = 6
    instruction_languages: list[str] = field(default_factory=list)
    blocked_periods: list[tuple[date, date]] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    expected_students: int = 25
    exchange_weeks: int = 6
    sync_hours_per_week: float = 1.5
    preferred_countries: list[str] = field(default_factory=list)
    preferred_regions: list[str] = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)
    learning_outcomes: str = ""
    outcome_tags: list[str] = field(default_factory=list)
    discipline_preference: str = "any"
    status: str = "draft"


def check_course_data(data: CourseData) -> None:
    """Raise a ServiceError naming the field for the first problem in ``data``."""
    if not data.title.strip():
        raise ServiceError(_("Give the course a title."), field="title")
    for name in ("faculty", "programme"):
        if len(getattr(data, name) or "") > 120:
            raise ServiceError(_("Keep this under %(num)d characters.", num=120), field=name)
    if data.last_day < data.first_day:
        raise ServiceError(_("The last teaching day is before the first."), field="last_day")
    if (data.last_day - data.first_day).days > 366:
        raise ServiceError(_("A teaching period can last one year at most."), field="last_day")
    if not is_timezone(data.timezone):
        raise ServiceError(_("Choose a time zone from the list."), field="timezone")
    for start, end in data.blocked_periods:
        if end < start:
            raise ServiceError(_("A blocked period ends before it starts."), field="blocked")
        if start < data.first_day or end > data.last_day:
            raise ServiceError(
                _("Blocked weeks must fall inside the teaching period."), field="blocked"
            )
    for meeting in data.meetings:
        if meeting.end <= meeting.start:
            raise ServiceError(
                _(
                    "A class meeting must end after it starts (%(start)s).",
                    start=meeting.start.strftime("%H:%M"),
                ),
                field="meetings",
            )
    if not data.working_languages:
        raise ServiceError(_("Offer at least one working language."), field="working_languages")
    codes = [code for code, _level in data.working_languages]
    if len(set(codes)) != len(codes):
        raise ServiceError(_("List each working language once."), field="working_languages")
    for code, level in data.working_languages:
        if not is_language(code) or level not in CEFR_LEVELS:
            raise ServiceError(
                _("Choose a language and a CEFR level from the lists."), field="working_languages"
            )
    if not all(is_language(code) for code in data.instruction_languages):
        raise ServiceError(_("Choose languages from the list."), field="instruction_languages")
    bad_codes = [code for code in data.isced_codes if not isced.is_valid(code)]
    if bad_codes:
        raise ServiceError(
            _("Unknown ISCED-F field: %(codes)s.", codes=", ".join(bad_codes)), field="isced_codes"
        )
    if data.eqf_level not in (5, 6, 7, 8):
        raise ServiceError(_("Choose an EQF level from 5 to 8."), field="eqf_level")
    if data.expected_students < 1:
        raise ServiceError(_("A class needs at least one student."), field="expected_students")
    if not 1 <= data.exchange_weeks <= 52:
        raise ServiceError(_("An exchange lasts 1 to 52 weeks."), field="exchange_weeks")
    weeks = teaching_weeks(data.first_day, data.last_day, [(s, e) for s, e in data.blocked_periods])
    if data.exchange_weeks > len(weeks):
        raise ServiceError(
            _(
                "The exchange (%(wanted)d weeks) is longer than the %(available)d teaching "
                "weeks of the period.",
                wanted=data.exchange_weeks,
                available=len(weeks),
            ),
            field="exchange_weeks",
        )
    if not 0 <= data.sync_hours_per_week <= 40:
        raise ServiceError(_("Choose 0 to 40 live hours a week."), field="sync_hours_per_week")
    if not all(1 <= goal <= 17 for goal in data.sdgs):
        raise ServiceError(_("SDGs are numbered 1 to 17."), field="sdgs")
    if not all(is_country(code) for code in data.preferred_countries):
        raise ServiceError(_("Choose countries from the list."), field="preferred_countries")
    regions = {key for key, _name in region_choices()}
    if not all(region in regions for region in data.preferred_regions):
        raise ServiceError(_("Choose regions from the list."), field="preferred_regions")
    if data.discipline_preference not in DISCIPLINE_PREFERENCES:
        raise ServiceError(_("Choose a discipline preference."), field="discipline_preference")
    if data.status not in COURSE_STATUSES:
        raise ServiceError(_("Choose a status from the list."), field="status")


def to_profile(course: Course) -> match_profile.CourseProfile:
    """Build the matching engine's plain profile from a stored course."""
    return match_profile.CourseProfile(
        id=course.id,
        institution_id=course.institution_id,
        country=course.institution.country,
        isced=tuple(course.isced_codes),
        eqf_level=course.eqf_level,
        working_languages=tuple((cl.language, cl.min_level) for cl in course.working_languages),
        first_day=course.first_day,
        last_day=course.last_day,
        meetings=tuple(
            WeeklySlot(
                m["weekday"],
                time.fromisoformat(m["start"]),
                time.fromisoformat(m["end"]),
                course.timezone,
            )
            for m in course.meetings
        ),
        blocked=tuple(
            (date.fromisoformat(s), date.fromisoformat(e)) for s, e in course.blocked_periods
        ),
        instruction_languages=tuple(course.instruction_languages),
        expected_students=course.expected_students,
        exchange_weeks=course.exchange_weeks,
        sync_hours_per_week=float(course.sync_hours_per_week),
        preferred_countries=frozenset(course.preferred_countries),
        preferred_regions=frozenset(course.preferred_regions),
        sdgs=frozenset(course.sdgs),
        outcome_tags=frozenset(course.outcome_tags),
        discipline_preference=course.discipline_preference,  # type: ignore[arg-type]
    )


def _apply(course: Course, data: CourseData) -> None:
    course.title = data.title.strip()
    course.description = data.description.strip()
    course.faculty = (data.faculty or "").strip() or None
    course.programme = (data.programme or "").strip() or None
    course.isced_codes = list(dict.fromkeys(data.isced_codes))
    course.eqf_level = data.eqf_level
    course.instruction_languages = list(dict.fromkeys(data.instruction_languages))
    course.first_day = data.first_day
    course.last_day = data.last_day
    course.blocked_periods = [[s.isoformat(), e.isoformat()] for s, e in data.blocked_periods]
    course.timezone = data.timezone
    course.meetings = [
        {"weekday": m.weekday, "start": m.start.strftime("%H:%M"), "end": m.end.strftime("%H:%M")}
        for m in sorted(data.meetings, key=lambda m: (m.weekday, m.start))
    ]
    course.expected_students = data.expected_students
    course.exchange_weeks = data.exchange_weeks
    course.sync_hours_per_week = data.sync_hours_per_week
    course.preferred_countries = sorted(set(data.preferred_countries))
    course.preferred_regions = sorted(set(data.preferred_regions))
    course.sdgs = sorted(set(data.sdgs))
    course.learning_outcomes = data.learning_outcomes.strip()
    course.outcome_tags = sorted({tag.strip().lower() for tag in data.outcome_tags if tag.strip()})
    course.discipline_preference = data.discipline_preference
    course.status = data.status
    sync_keyed(
        course.working_languages,
        dict(data.working_languages),
        "language",
        "min_level",
        lambda code, level: CourseLanguage(language=code, min_level=level),
    )


def refresh_prepared(course: Course) -> None:
    """Recompute the matching form of ``course`` and bump its version (call after any change)."""
    try:
        course.prepared = match_profile.dump(match_profile.prepare(to_profile(course)))
    except ValueError as error:  # checked data should never get here; keep the course editable
        log.warning("course %s cannot be prepared for matching: %s", course.id, error)
        course.prepared = None
    course.version = _new_version(course.version)


def _new_version(previous: int | None) -> int:
    # Random rather than +1: where SQLite hands a deleted course's id to a new course, a counter
    # would repeat (id, version), the key of the per-process caches; a random 31-bit version
    # makes that a one-in-two-billion event instead of a certainty.
    version = secrets.randbelow(2**31 - 1) + 1
    return version if version != previous else _new_version(previous)


def create_course(actor: User, data: CourseData) -> Course:
    """Describe a new course for the lecturer ``actor``."""
    if actor.role != Role.LECTURER or actor.institution is None:
        raise ServiceError(_("Only lecturers describe courses."))
    check_course_data(data)
    course = Course(institution=actor.institution, owner=actor, version=0)
    _apply(course, data)
    db.session.add(course)
    db.session.flush()
    refresh_prepared(course)
    db.session.flush()
    log.info("user %s created course %s", actor.id, course.id)
    return course


def update_course(actor: User, course: Course, data: CourseData) -> None:
    """Change a course profile; only its own lecturer may."""
    if not can_edit_course(actor, course):
        raise ServiceError(_("You can only edit your own courses."))
    check_course_data(data)
    if course.status in ("paired", "closed") and data.status in ("draft", "open"):
        raise ServiceError(
            _("A paired or closed course cannot go back to draft or open."), field="status"
        )
    _apply(course, data)
    db.session.flush()
    refresh_prepared(course)
    log.info("user %s updated course %s", actor.id, course.id)


def set_status(course: Course, status: str) -> None:
    """Move a course to ``status`` (used by pairings when a course joins an exchange)."""
    if status not in COURSE_STATUSES:
        raise ServiceError(_("Choose a status from the list."))
    course.status = status
    course.version = _new_version(course.version)
