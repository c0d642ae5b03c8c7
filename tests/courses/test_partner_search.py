"""Warming the per-process cache of prepared course forms."""

from __future__ import annotations

from dataclasses import replace

from coil.accounts.models import Role
from coil.courses import partner_search
from coil.courses.services import create_course
from tests.pairings.conftest import AMSTERDAM


def test_warm_cache_loads_every_open_course_and_matching_uses_it(app, db, factory):
    lecturer = factory.user(Role.LECTURER)
    open_course = create_course(lecturer, AMSTERDAM)
    draft = create_course(lecturer, replace(AMSTERDAM, title="Draft", status="draft"))
    db.session.commit()
    partner_search._CACHE.clear()
    assert partner_search.warm_cache() == 1
    assert open_course.id in partner_search._CACHE and draft.id not in partner_search._CACHE
    assert partner_search._CACHE[open_course.id][0] == open_course.version


def _stored(db, course_id):
    from sqlalchemy import select

    from coil.courses.models import Course

    return db.session.execute(
        select(Course.prepared, Course.version).where(Course.id == course_id)
    ).one()


def test_forms_of_an_older_format_are_prepared_again_and_stored(app, db, factory):
    from coil.courses.matching import profile as match_profile
    from coil.courses.services import to_profile
    from tests.pairings.conftest import MEXICO

    nl = factory.user(Role.LECTURER)
    mx = factory.user(Role.LECTURER, factory.institution(name="UMX", country="MX"))
    ours = create_course(nl, AMSTERDAM)
    theirs = create_course(mx, MEXICO)
    db.session.commit()
    expected = {c.id: match_profile.prepare(to_profile(c)) for c in (ours, theirs)}
    versions = {c.id: c.version for c in (ours, theirs)}
    # As an engine of format 1 stored them (quarter-hour masks per UTC week).
    old = {**match_profile.dump(expected[theirs.id]), "v": 1, "segments": [[0, 1, "ff", []]]}
    for course in (ours, theirs):
        course.prepared = {**old, "id": course.id}
    db.session.commit()
    partner_search._CACHE.clear()

    (found,) = partner_search.find_matches(ours)  # both the target and the candidate upgrade
    assert found.course.id == theirs.id
    assert partner_search.prepared(ours) == expected[ours.id]
    db.session.commit()
    for course in (ours, theirs):
        data, version = _stored(db, course.id)
        assert match_profile.is_current(data)
        assert match_profile.load(data) == expected[course.id]
        assert version == versions[course.id]  # the course did not change: same cache key

    # Server start-up upgrades every open course at once.
    theirs.prepared = {**old, "id": theirs.id}
    db.session.commit()
    partner_search._CACHE.clear()
    assert partner_search.warm_cache() == 2
    db.session.expire_all()
    assert match_profile.is_current(_stored(db, theirs.id)[0])


def test_an_upgrade_never_overwrites_a_newer_save(app, db, factory):
    from sqlalchemy import update

    from coil.courses.matching import profile as match_profile
    from coil.courses.models import Course

    lecturer = factory.user(Role.LECTURER)
    course = create_course(lecturer, AMSTERDAM)
    db.session.commit()
    stale = {**match_profile.dump(partner_search.prepared(course)), "v": 1}
    course.prepared = stale
    db.session.commit()
    # Another process saves the course (new form, new version) after this one read it.
    db.session.execute(
        update(Course.__table__)
        .where(Course.__table__.c.id == course.id)
        .values(version=course.version + 1, prepared={"v": 2, "saved": "elsewhere"})
    )
    partner_search._prepare_again([course])
    assert _stored(db, course.id)[0] == {"v": 2, "saved": "elsewhere"}
