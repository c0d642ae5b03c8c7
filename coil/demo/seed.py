"""Demo data: five institutions on four continents, their people and courses. Safe to load twice."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from coil.accounts.models import Role, User, UserLanguage
from coil.accounts.services import create_user, find_user_by_email
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.courses.services import create_course
from coil.demo.assessment import ensure_assessment_demo
from coil.demo.courses import COURSES, DemoCourse, live_courses
from coil.demo.credentials import ensure_demo_badge
from coil.demo.history import ensure_history
from coil.demo.journeys import ensure_journeys
from coil.demo.reflections import ensure_demo_reflections
from coil.demo.reports import ensure_coordinates, ensure_organisation
from coil.demo.rooms import ensure_live_exchange
from coil.evidence.backfill import backfill
from coil.extensions import db
from coil.institutions.models import Institution

DEMO_PASSWORD = "coil-demo-2026"  # noqa: S105 (not a secret)


@dataclass(frozen=True)
class DemoPerson:
    """One demo account."""

    email: str
    name: str
    role: Role
    languages: tuple[tuple[str, str], ...]
    locale: str | None = None


@dataclass(frozen=True)
class DemoInstitution:
    """One demo institution and its people."""

    name: str
    country: str
    city: str
    timezone: str
    languages: tuple[str, ...]
    website: str
    people: tuple[DemoPerson, ...] = field(default_factory=tuple)


def _people(
    domain: str,
    names: list[tuple[str, Role]],
    langs: tuple[tuple[str, str], ...],
    locale: str | None = None,
) -> tuple[DemoPerson, ...]:
    people = []
    for name, role in names:
        # ASCII addresses: "Lucía" becomes lucia@…, as universities' mail systems do.
        first = unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore").decode()
        local = first.lower()
        people.append(DemoPerson(f"{local}@{domain}", name, role, langs, locale))
    return tuple(people)


INSTITUTIONS = (
    DemoInstitution(
        "Hogeschool Amstelland",
        "NL",
        "Amsterdam",
        "Europe/Amsterdam",
        ("nl", "en"),
        "https://amstelland.example",
        _people(
            "amstelland.example",
            [
                ("Sanne de Vries", Role.COORDINATOR),
                ("Pieter Jansen", Role.LECTURER),
                ("Fatima El Amrani", Role.LECTURER),
                ("Daan Bakker", Role.STUDENT),
                ("Lotte Visser", Role.STUDENT),
                ("Youssef Haddou", Role.STUDENT),
                ("Emma Smit", Role.STUDENT),
            ],
            (("nl", "C2"), ("en", "C1")),
            "nl",
        ),
    ),
    DemoInstitution(
        "Universidad Tecnológica del Valle",
        "MX",
        "Mexico City",
        "America/Mexico_City",
        ("es", "en"),
        "https://utvalle.example",
        _people(
            "utvalle.example",
            [
                ("Lucía Hernández", Role.COORDINATOR),
                ("Carlos Ramírez", Role.LECTURER),
                ("Mariana López", Role.LECTURER),
                ("Diego Torres", Role.STUDENT),
                ("Valeria Cruz", Role.STUDENT),
                ("José Morales", Role.STUDENT),
                ("Camila Flores", Role.STUDENT),
            ],
            (("es", "C2"), ("en", "B2")),
        ),
    ),
    DemoInstitution(
        "Universitas Nusantara Surabaya",
        "ID",
        "Surabaya",
        "Asia/Jakarta",
        ("id", "en"),
        "https://nusantara.example",
        _people(
            "nusantara.example",
            [
                ("Dewi Lestari", Role.COORDINATOR),
                ("Budi Santoso", Role.LECTURER),
                ("Siti Rahma", Role.STUDENT),
                ("Agus Pratama", Role.STUDENT),
                ("Putri Wulandari", Role.STUDENT),
                ("Rizky Hidayat", Role.STUDENT),
            ],
            (("id", "C2"), ("en", "B2")),
        ),
    ),
    DemoInstitution(
        "Table Bay University of Technology",
        "ZA",
        "Cape Town",
        "Africa/Johannesburg",
        ("en", "af"),
        "https://tablebay.example",
        _people(
            "tablebay.example",
            [
                ("Thandiwe Nkosi", Role.COORDINATOR),
                ("Johan van der Merwe", Role.LECTURER),
                ("Lerato Mokoena", Role.STUDENT),
                ("Sipho Dlamini", Role.STUDENT),
                ("Anika Botha", Role.STUDENT),
                ("Kagiso Molefe", Role.STUDENT),
            ],
            (("en", "C2"), ("af", "C1")),
        ),
    ),
    DemoInstitution(
        "Harbour City University",
        "AU",
        "Sydney",
        "Australia/Sydney",
        ("en",),
        "https://harbourcity.example",
        _people(
            "harbourcity.example",
            [
                ("Olivia Chen", Role.COORDINATOR),
                ("Liam O'Brien", Role.LECTURER),
                ("Mia Nguyen", Role.STUDENT),
                ("Jack Wilson", Role.STUDENT),
                ("Aroha Ngata", Role.STUDENT),
                ("Noah Patel", Role.STUDENT),
            ],
            (("en", "C2"),),
        ),
    ),
)

ADMIN = DemoPerson("admin@coil.example", "Alex Admin", Role.ADMIN, (("en", "C2"),))


def _ensure_user(person: DemoPerson, institution: Institution | None) -> User:
    user = find_user_by_email(person.email)
    if user is not None:
        return user
    user = create_user(
        email=person.email,
        name=person.name,
        password=DEMO_PASSWORD,
        role=person.role,
        institution=institution,
        timezone=institution.timezone if institution else "Europe/Amsterdam",
        locale=person.locale,
    )
    user.languages = [UserLanguage(language=code, level=level) for code, level in person.languages]
    return user


def _ensure_course(spec: DemoCourse) -> None:
    owner = find_user_by_email(spec.owner)
    if owner is None:
        return
    exists = db.session.scalar(
        select(Course.id).where(Course.owner_id == owner.id, Course.title == spec.data.title)
    )
    if exists is None:
        create_course(owner, spec.data)


# One exchange is already agreed, so that enrolment, teams and spaces can be tried at once:
# Cape Town and Surabaya (docs/demo/roster-nusantara.csv enrols the Surabaya class).
DEMO_EXCHANGE = (
    "johan@tablebay.example",
    "Business Communication Across Cultures",
    "budi@nusantara.example",
    "Sustainable Tourism Management",
)


def _ensure_exchange() -> None:
    from coil.pairings.models import Proposal
    from coil.pairings.services import accept, propose

    proposer, from_title, recipient, to_title = DEMO_EXCHANGE
    a, b = find_user_by_email(proposer), find_user_by_email(recipient)
    if a is None or b is None:
        return
    from_course = db.session.scalar(
        select(Course).where(Course.owner_id == a.id, Course.title == from_title)
    )
    to_course = db.session.scalar(
        select(Course).where(Course.owner_id == b.id, Course.title == to_title)
    )
    if from_course is None or to_course is None:
        return
    if db.session.scalar(select(Proposal.id).where(Proposal.to_course_id == to_course.id)):
        return
    proposal = propose(
        a,
        from_course,
        to_course,
        "Our business communication students would like to advise your tourism "
        "students on their sustainable travel campaigns.",
    )
    accept(b, proposal)


def seed_demo(today: date | None = None) -> list[tuple[str, str, str]]:
    """Create what is missing of the demo data, commit, and return (role, e-mail, where) rows.

    The running exchange is dated around ``today`` (default: the day it is loaded)."""
    today = today or utcnow().date()
    logins: list[tuple[str, str, str]] = [("admin", ADMIN.email, "")]
    _ensure_user(ADMIN, None)
    for spec in INSTITUTIONS:
        institution = db.session.scalar(select(Institution).where(Institution.name == spec.name))
        if institution is None:
            institution = Institution(
                name=spec.name,
                country=spec.country,
                city=spec.city,
                timezone=spec.timezone,
                languages=list(spec.languages),
                website=spec.website,
            )
            db.session.add(institution)
            db.session.flush()
        shown: set[str] = set()
        for person in spec.people:
            _ensure_user(person, institution)
            if person.role not in shown:  # one log-in per role per institution keeps the list short
                shown.add(person.role)
                logins.append((person.role.value, person.email, f"{spec.name} ({spec.city})"))
    for course in (*COURSES, *live_courses(today)):
        _ensure_course(course)
    db.session.flush()
    _ensure_exchange()
    ensure_live_exchange(today)
    ensure_journeys(today)
    ensure_assessment_demo()
    ensure_demo_reflections()
    ensure_history()  # six weeks of participation, so engagement and its warnings show
    ensure_demo_badge()
    backfill()  # demo databases made before the ledger get their history (adds nothing twice)
    ensure_coordinates()
    ensure_organisation()
    db.session.commit()
    return logins
