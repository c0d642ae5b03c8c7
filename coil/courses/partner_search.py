"""Ranking partner courses from the database: a SQL pre-filter, then the pure engine.

The pre-filter keeps open courses whose teaching period can overlap enough; ranking then drops
courses of the same institution, of institutions blocked either way or suspended, and those
without a shared working language.
Prepared forms are cached per process keyed by (course id, version): the version comes from
the same query, so a cached form is never stale, and any process can serve any request.

A form stored by an older engine (``match_profile.is_current`` says no) is prepared again from
the course when it is first read, and written back under the same version (the course did not
change, only the engine's units), guarded so that it never overwrites a newer save. Server
start-up warms the cache with every open course, which upgrades them all once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from coil.courses import services
from coil.courses.matching import profile as match_profile
from coil.courses.matching import rank as ranking
from coil.courses.matching import reasons, verdicts
from coil.courses.models import Course
from coil.extensions import db
from coil.institutions.models import Institution, PartnerRelation

log = logging.getLogger(__name__)

_CACHE: dict[int, tuple[int, match_profile.Prepared]] = {}
_CACHE_LIMIT = 250_000  # about 2.2 KiB each: a bound on memory, not a tuning knob
_CHUNK = 900  # stay under SQLite's bound-parameter limit


@dataclass(frozen=True, slots=True)
class CourseMatch:
    """A ranked partner course with the engine's score and reasons."""

    course: Course
    match: verdicts.Match


def blocked_partners(institution_id: int) -> set[int]:
    """Return the institutions that ``institution_id`` blocked or that blocked it."""
    rows = db.session.execute(
        select(PartnerRelation.institution_id, PartnerRelation.partner_id).where(
            PartnerRelation.kind == "block",
            or_(
                PartnerRelation.institution_id == institution_id,
                PartnerRelation.partner_id == institution_id,
            ),
        )
    )
    return {b if a == institution_id else a for a, b in rows}


def prepared(course: Course) -> match_profile.Prepared | None:
    """Return the prepared form of one course (from the cache when its version matches)."""
    if course.prepared is None:
        return None
    hit = _CACHE.get(course.id)
    if hit is not None and hit[0] == course.version:
        return hit[1]
    if match_profile.is_current(course.prepared):
        form = match_profile.load(course.prepared)
    else:
        found = _prepare_again([course])
        if course.id not in found:
            return None
        form = found[course.id]
    _remember(course.id, course.version, form)
    return form


def _prepare_again(courses: Sequence[Course]) -> dict[int, match_profile.Prepared]:
    """Prepare courses whose stored form an older engine made, and store the new forms.

    The UPDATE is guarded by the version read with the course, so a save that happened since
    (new data, new version) is never overwritten with a form of the old data.
    """
    found = {}
    for course in courses:
        try:
            form = match_profile.prepare(services.to_profile(course))
        except ValueError as error:  # the data no longer prepares (a zone left tzdata, say)
            log.warning("course %s cannot be prepared for matching: %s", course.id, error)
            continue
        db.session.execute(
            update(Course)
            .where(Course.id == course.id, Course.version == course.version)
            .values(prepared=match_profile.dump(form))
            .execution_options(synchronize_session=False)
        )
        found[course.id] = form
    if found:
        log.info("prepared %s course forms of an older format again", len(found))
    return found


def _remember(course_id: int, version: int, form: match_profile.Prepared) -> None:
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[course_id] = (version, form)


def _load_prepared(rows: Sequence[tuple[int, int]]) -> list[match_profile.Prepared]:
    cache_get = _CACHE.get
    forms: list[match_profile.Prepared] = []
    missing: list[int] = []
    for course_id, version in rows:
        hit = cache_get(course_id)
        if hit is not None and hit[0] == version:
            forms.append(hit[1])
        else:
            missing.append(course_id)
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        query = select(Course.id, Course.version, Course.prepared).where(Course.id.in_(chunk))
        stale = []
        for course_id, version, data in db.session.execute(query):
            if data is None:
                continue
            if not match_profile.is_current(data):
                stale.append(course_id)
                continue
            form = match_profile.load(data)
            _remember(course_id, version, form)
            forms.append(form)
        if stale:
            courses = db.session.scalars(
                select(Course)
                .where(Course.id.in_(stale))
                .options(joinedload(Course.institution), selectinload(Course.working_languages))
            ).all()
            versions = {course.id: course.version for course in courses}
            for course_id, form in _prepare_again(courses).items():
                _remember(course_id, versions[course_id], form)
                forms.append(form)
    return forms


def excluded_institutions(institution_id: int) -> set[int]:
    """Return institutions whose courses cannot pair with ``institution_id``'s: blocked either
    way, or suspended."""
    suspended = db.session.scalars(select(Institution.id).where(Institution.status != "active"))
    return blocked_partners(institution_id) | set(suspended)


def candidate_query(target: match_profile.Prepared) -> Any:
    """Build the SQL pre-filter for ``target``: ids and versions of open courses whose period
    can hold the exchange.

    It reads one covering index and nothing else; the rest of the hard constraints (language,
    same or excluded institution) are cheap set operations in ``rank`` on cached forms, which
    is faster than a join and a per-row EXISTS in SQL.
    """
    bounds = ranking.prefilter_bounds(target)
    if bounds is None:
        return None
    return select(Course.id, Course.version).where(
        Course.status == "open",
        Course.first_day <= bounds.latest_first_day,
        Course.last_day >= bounds.earliest_last_day,
    )


def find_matches(course: Course, limit: int = 20) -> list[CourseMatch]:
    """Rank the best partner courses for ``course``, best first."""
    target = prepared(course)
    if target is None:
        return []
    query = candidate_query(target)
    if query is None:
        return []
    # Core, not ORM, execution: tens of thousands of (id, version) pairs need no identity map.
    rows = db.session.connection().execute(query).all()
    pairs = {
        frozenset((course.institution_id, other))
        for other in excluded_institutions(course.institution_id)
    }
    ranked = ranking.rank(target, _load_prepared(rows), pairs, limit=limit)
    courses = {
        c.id: c
        for c in db.session.scalars(
            select(Course).where(Course.id.in_([m.candidate_id for m in ranked]))
        )
    }
    return [CourseMatch(courses[m.candidate_id], m) for m in ranked if m.candidate_id in courses]


def explain(course: Course, other: Course) -> verdicts.Match | list[reasons.Reason]:
    """Score one pair, or say which hard constraints keep ``other`` out of the matches."""
    target, candidate = prepared(course), prepared(other)
    if target is None or candidate is None:
        return []
    pairs = {
        frozenset((course.institution_id, other))
        for other in excluded_institutions(course.institution_id)
    }
    ranked = ranking.rank(target, [candidate], pairs)
    if ranked:
        return ranked[0]
    return verdicts.explain_exclusion(target, candidate, pairs)


def warm_cache() -> int:
    """Load the prepared forms of every open course into this process's cache.

    Run in the background when a server process starts, so that the first matching request
    does not pay for parsing thousands of forms; returns how many were loaded. Forms of an
    older format are prepared again and committed (see the module's docstring).
    """
    rows = (
        db.session.connection()
        .execute(select(Course.id, Course.version).where(Course.status == "open"))
        .all()
    )
    loaded = len(_load_prepared(rows))
    db.session.commit()  # keeps forms of an older format that were prepared again
    return loaded
