"""Builders for test data; each returns a flushed and committed object.

Inside ``with factory.batch():`` they only flush, and the batch commits once at its end: a
world of many objects then costs one commit. ``factory.world(...)`` builds the shared test
world of tests/world.py (an exchange formed through the pairing services, students, teams,
rooms, spaces); ``exchange``, ``enrol``, ``teams`` and ``publish`` are its steps.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time, timedelta
from typing import Any

from coil.accounts.invitations import create_invitation
from coil.accounts.models import Invitation, Role, User, UserLanguage
from coil.accounts.services import create_user
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.courses.services import CourseData, Meeting, create_course
from coil.institutions.models import Institution

DEFAULT_PASSWORD = "correct horse battery"
_seq = itertools.count(1)


class Factory:
    """Make institutions, users and invitations with sensible defaults."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self._batches = 0

    @contextmanager
    def batch(self) -> Iterator[Factory]:
        """Flush instead of committing inside the block; commit once when it ends well."""
        self._batches += 1
        try:
            yield self
        finally:
            self._batches -= 1
        self.save()

    def save(self) -> None:
        """Commit, or only flush inside a batch."""
        if self._batches:
            self.db.session.flush()
        else:
            self.db.session.commit()

    def institution(self, **values: Any) -> Institution:
        n = next(_seq)
        data = {
            "name": f"Test University {n}",
            "country": "NL",
            "city": "Utrecht",
            "timezone": "Europe/Amsterdam",
            "languages": ["nl", "en"],
            "status": "active",
        }
        data.update(values)
        institution = Institution(**data)
        self.db.session.add(institution)
        self.save()
        return institution

    def user(
        self,
        role: Role | str = Role.STUDENT,
        institution: Institution | None = None,
        password: str = DEFAULT_PASSWORD,
        languages: tuple[tuple[str, str], ...] = (),
        **values: Any,
    ) -> User:
        n = next(_seq)
        if institution is None and role != Role.ADMIN:
            institution = self.institution()
        user = create_user(
            email=values.pop("email", f"person{n}@example.org"),
            name=values.pop("name", f"Person {n}"),
            password=password,
            role=str(role),
            institution=institution,
            timezone=values.pop("timezone", None),
            locale=values.pop("locale", None),
        )
        for key, value in values.items():
            setattr(user, key, value)
        user.languages = [UserLanguage(language=c, level=lv) for c, lv in languages]
        self.save()
        return user

    def invitation(
        self, actor: User, role: Role | str, institution: Institution | None = None, **values: Any
    ) -> tuple[Invitation, str]:
        expired = values.pop("expired", False)
        invitation, token = create_invitation(
            actor, role=str(role), institution=institution, **values
        )
        if expired:
            invitation.expires_at = utcnow() - timedelta(minutes=1)
        self.save()
        return invitation, token

    def course(
        self,
        owner: User | None = None,
        meetings: tuple[tuple[int, str, str], ...] = (),
        **values: Any,
    ) -> Course:
        """Describe a course through the service; meetings as (weekday, "HH:MM", "HH:MM")."""
        if owner is None:
            owner = self.user(Role.LECTURER)
        assert owner.institution is not None
        data: dict[str, Any] = {
            "title": f"Course {next(_seq)}",
            "first_day": date(2025, 3, 3),
            "last_day": date(2025, 4, 11),
            "timezone": owner.institution.timezone,
            "working_languages": [("en", "B2")],
            "status": "open",
        }
        data.update(values)
        data["meetings"] = [
            Meeting(day, time.fromisoformat(start), time.fromisoformat(end))
            for day, start, end in meetings
        ]
        course = create_course(owner, CourseData(**data))
        self.save()
        return course

    # -- the world's steps (tests/world.py) ------------------------------------------------------

    def exchange(self, lecturer: User, course: Course, *partners: tuple[User, Course]) -> Any:
        """Pair ``course`` with each partner (lecturer, course) through the pairing services:
        proposed, accepted; the exchange (with its room and shared space) is returned."""
        from tests.world import pair_courses

        exchange, _proposals = pair_courses(lecturer, course, list(partners))
        self.save()
        return exchange

    def enrol(self, student: User, course: Course, status: str = "active") -> Any:
        """Enrol ``student`` in ``course`` through the service ("dropped" drops them out)."""
        from tests.world import enrol_student

        enrolment = enrol_student(student, course, status)
        self.save()
        return enrolment

    def teams(
        self, exchange: Any, teams: list[tuple[str, list[User]]], publish: bool = True
    ) -> list[Any]:
        """Store teams of ``exchange`` as given ((name, members) each) and publish them."""
        from tests.world import form_teams, publish_teams

        made = form_teams(exchange, teams)
        if publish:
            publish_teams(exchange)
        self.save()
        return made

    def world(self, spec: Any = None, **changes: Any) -> Any:
        """Build the shared test world (tests/world.py; default preset ``KOPI``)."""
        from tests.world import build_world

        return build_world(self, spec, **changes)
