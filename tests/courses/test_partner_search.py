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
