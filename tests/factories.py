"""Builders for test data; each returns a flushed and committed object."""

from __future__ import annotations

import itertools
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
        self.db.session.commit()
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
        self.db.session.commit()
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
        self.db.session.commit()
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
        self.db.session.commit()
        return course
