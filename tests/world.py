"""One test world: an exchange formed through the real services, its students, teams, rooms
and spaces, and people just outside it.

``build_world(factory, spec)`` makes it in one transaction (one commit at the end):

1. one institution, lecturer, coordinator and course per :class:`Side`;
2. the first side's lecturer proposes to every other side and each accepts
   (``coil.pairings.services.propose`` / ``accept``): accepting forms the exchange, and its
   ``course_joined`` signal opens the exchange's room and shared space;
3. students enrolled with ``coil.exchanges.enrolling.enrol`` (and ``drop_student``);
4. teams stored as ``Team``/``TeamMember`` rows and published: by default by sending the
   ``teams_published`` signal exactly as ``coil.teams.services.publish`` does (team rooms and
   team spaces follow), skipping the engine's hard-constraint check so that a world may hold the
   odd teams a test needs (a team of one, a member who dropped out); ``publish="service"``
   goes through ``publish`` itself, notifications and all;
5. an outsider (a student of the first institution, not enrolled) and strangers of an
   unrelated institution (a student, a lecturer with a course of their own, a coordinator).

Every domain's conftest builds its world with this function and adds only what is its own;
the presets below are the worlds they share. People are reached by key: ``world["anna"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from sqlalchemy import select

from coil.accounts.models import Role, User
from coil.chat.models import Room
from coil.core.time import utcnow
from coil.courses.models import Course
from coil.courses.services import CourseData, create_course
from coil.exchanges.enrolling import drop_student, enrol
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.institutions.models import Institution
from coil.pairings.models import Proposal
from coil.pairings.services import accept, propose
from coil.spaces.models import Space
from coil.teams import services as team_services
from coil.teams.models import Team, TeamMember
from coil.teams.signals import teams_published

AMS, JKT, MEX = "Europe/Amsterdam", "Asia/Jakarta", "America/Mexico_City"


@dataclass(frozen=True)
class Person:
    """Someone to create: ``key`` names them in ``World.people``; the rest has defaults."""

    key: str
    name: str = ""  # default: the key, capitalised
    email: str = ""  # default: a unique made-up address
    timezone: str | None = None  # default: their institution's
    status: str = "active"  # a student's enrolment: "active" or "dropped"
    languages: tuple[tuple[str, str], ...] = ()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": self.name or self.key.capitalize()}
        if self.email:
            values["email"] = self.email
        if self.timezone:
            values["timezone"] = self.timezone
        return values


@dataclass(frozen=True)
class Side:
    """One member course of the exchange: its institution, lecturer, coordinator, students."""

    key: str  # names the side in the World's dicts: "nl", "mx"
    institution: dict[str, Any]  # Factory.institution values
    lecturer: Person
    coordinator: Person | None = None
    course: dict[str, Any] | CourseData = field(default_factory=dict)  # Factory.course values
    students: tuple[Person, ...] = ()


@dataclass(frozen=True)
class Spec:
    """What to build: the sides, the exchange's settings, the teams, who stands outside."""

    sides: tuple[Side, ...]
    exchange: dict[str, Any] = field(default_factory=dict)  # set on the accepted exchange
    teams: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, member keys) per team
    publish: Literal["signal", "service"] | None = "signal"
    outsider: Person | None = Person("outsider")  # a student of the first side, not enrolled
    strangers: dict[str, Any] | None = field(default_factory=dict)  # the unrelated institution
    password: str | None = None  # default: the factory's


@dataclass
class World:
    """What :func:`build_world` made. Dicts are by side key; lists by team, in number order."""

    exchange: Exchange
    proposals: list[Proposal]  # one per side after the first, accepted
    institutions: dict[str, Institution]
    lecturers: dict[str, User]
    coordinators: dict[str, User]
    courses: dict[str, Course]
    students: dict[str, list[User]]  # every enrolled student, dropped ones included
    teams: list[Team]
    exchange_room: Room
    exchange_space: Space
    team_rooms: list[Room]  # one per team once published, else empty
    team_spaces: list[Space]
    people: dict[str, User]  # everyone above, by Person key
    outsider: User | None = None
    stranger: Institution | None = None
    stranger_student: User | None = None
    stranger_lecturer: User | None = None  # teaches ``stranger_course``, outside the exchange
    stranger_coordinator: User | None = None
    stranger_course: Course | None = None

    def __getitem__(self, key: str) -> User:
        return self.people[key]

    def find_rooms_and_spaces(self) -> None:
        """Look up the exchange's rooms and spaces again (after publishing later, say)."""
        self.exchange_room, self.team_rooms = rooms_of(self.exchange)
        self.exchange_space, self.team_spaces = spaces_of(self.exchange)


# -- steps, usable on their own ------------------------------------------------------------------


def make_side(factory: Any, side: Side, password: str | None = None) -> dict[str, Any]:
    """Create a side's institution, lecturer, coordinator and course (not its students)."""
    pw = {"password": password} if password else {}
    institution = factory.institution(**side.institution)
    lecturer = factory.user(Role.LECTURER, institution, **pw, **side.lecturer.values())
    coordinator = None
    if side.coordinator is not None:
        coordinator = factory.user(Role.COORDINATOR, institution, **pw, **side.coordinator.values())
    if isinstance(side.course, CourseData):
        course = create_course(lecturer, side.course)
        factory.save()
    else:
        course = factory.course(lecturer, **side.course)
    return {
        "institution": institution,
        "lecturer": lecturer,
        "coordinator": coordinator,
        "course": course,
    }


def pair_courses(
    lecturer: User, course: Course, partners: list[tuple[User, Course]]
) -> tuple[Exchange, list[Proposal]]:
    """Propose ``course`` to each partner course and let its lecturer accept (flushed only)."""
    proposals = []
    exchange = None
    for partner, partner_course in partners:
        proposal = propose(lecturer, course, partner_course, "Shall we?")
        exchange = accept(partner, proposal)
        proposals.append(proposal)
    assert exchange is not None, "an exchange needs two sides"
    return exchange, proposals


def enrol_student(student: User, course: Course, status: str = "active") -> Enrolment:
    """Enrol ``student`` in ``course`` through the service; "dropped" also drops them out."""
    enrolment, _new = enrol(student, course)
    if status == "dropped":
        drop_student(course.owner, enrolment)
    else:
        assert status == "active", status
    return enrolment


def form_teams(exchange: Exchange, teams: list[tuple[str, list[User]]]) -> list[Team]:
    """Store teams as given: (name, members) each, numbered from 1 (a draft, until published)."""
    made = []
    for number, (name, members) in enumerate(teams, start=1):
        team = Team(exchange=exchange, number=number, name=name)
        team.members = [TeamMember(user=user) for user in members]
        db.session.add(team)
        made.append(team)
    db.session.flush()
    return made


def publish_teams(exchange: Exchange, actor: User | None = None) -> None:
    """Publish the exchange's teams: with ``actor``, through ``coil.teams.services.publish``
    (hard constraints checked, students notified); without, by sending ``teams_published`` as
    that service does, so any teams a test stored get their rooms and spaces."""
    if actor is not None:
        team_services.publish(actor, exchange)
        return
    exchange.teams_published_at = utcnow()
    db.session.flush()
    teams_published.send(exchange, teams=[team for team in exchange.teams if team.members])


def rooms_of(exchange: Exchange) -> tuple[Room, list[Room]]:
    """Return the exchange's room and its team rooms (in team order)."""
    rooms = db.session.scalars(
        select(Room).where(Room.exchange_id == exchange.id, Room.kind.in_(("exchange", "team")))
    ).all()
    by_team = {room.team_id: room for room in rooms}
    return by_team[None], [by_team[t.id] for t in exchange.teams if t.id in by_team]


def spaces_of(exchange: Exchange) -> tuple[Space, list[Space]]:
    """Return the exchange's shared space and its team spaces (in team order)."""
    spaces = db.session.scalars(select(Space).where(Space.exchange_id == exchange.id)).all()
    by_team = {space.team_id: space for space in spaces}
    return by_team[None], [by_team[t.id] for t in exchange.teams if t.id in by_team]


# -- the world -----------------------------------------------------------------------------------


def build_world(factory: Any, spec: Spec | None = None, **changes: Any) -> World:
    """Build ``spec`` (default :data:`KOPI`, with ``changes`` applied) in one commit."""
    spec = replace(spec or KOPI, **changes)
    pw = {"password": spec.password} if spec.password else {}
    with factory.batch():
        made = {side.key: make_side(factory, side, spec.password) for side in spec.sides}
        first, *others = spec.sides
        exchange, proposals = pair_courses(
            made[first.key]["lecturer"],
            made[first.key]["course"],
            [(made[s.key]["lecturer"], made[s.key]["course"]) for s in others],
        )
        for key, value in spec.exchange.items():
            setattr(exchange, key, value)
        people: dict[str, User] = {}
        for side in spec.sides:
            people[side.lecturer.key] = made[side.key]["lecturer"]
            if side.coordinator is not None:
                people[side.coordinator.key] = made[side.key]["coordinator"]
        students: dict[str, list[User]] = {}
        for side in spec.sides:
            institution, course = made[side.key]["institution"], made[side.key]["course"]
            students[side.key] = []
            for person in side.students:
                user = factory.user(
                    Role.STUDENT, institution, languages=person.languages, **pw, **person.values()
                )
                enrol_student(user, course, person.status)
                students[side.key].append(user)
                people[person.key] = user
        teams = form_teams(
            exchange, [(name, [people[key] for key in keys]) for name, keys in spec.teams]
        )
        if spec.publish == "service":
            publish_teams(exchange, made[first.key]["lecturer"])
        elif spec.publish == "signal" and teams:
            publish_teams(exchange)
        world = World(
            exchange=exchange,
            proposals=proposals,
            institutions={k: m["institution"] for k, m in made.items()},
            lecturers={k: m["lecturer"] for k, m in made.items()},
            coordinators={k: m["coordinator"] for k, m in made.items() if m["coordinator"]},
            courses={k: m["course"] for k, m in made.items()},
            students=students,
            teams=teams,
            exchange_room=None,  # type: ignore[arg-type]  # found below
            exchange_space=None,  # type: ignore[arg-type]
            team_rooms=[],
            team_spaces=[],
            people=people,
        )
        world.find_rooms_and_spaces()
        if spec.outsider is not None:
            world.outsider = factory.user(
                Role.STUDENT, made[first.key]["institution"], **pw, **spec.outsider.values()
            )
            people[spec.outsider.key] = world.outsider
        if spec.strangers is not None:
            _add_strangers(factory, world, spec.strangers, pw)
    _forget_mail()
    return world


def _add_strangers(factory: Any, world: World, values: dict[str, Any], pw: dict[str, str]) -> None:
    values = {"country": "ZA", "city": "Cape Town", "timezone": "Africa/Johannesburg"} | values
    world.stranger = factory.institution(**values)
    world.stranger_student = factory.user(Role.STUDENT, world.stranger, name="Sam Stranger", **pw)
    world.stranger_lecturer = factory.user(Role.LECTURER, world.stranger, name="Lou Stranger", **pw)
    world.stranger_coordinator = factory.user(
        Role.COORDINATOR, world.stranger, name="Cas Stranger", **pw
    )
    world.stranger_course = factory.course(world.stranger_lecturer, title="An unrelated course")
    world.people.update(
        stranger_student=world.stranger_student,
        stranger_lecturer=world.stranger_lecturer,
        stranger_coordinator=world.stranger_coordinator,
    )


def _forget_mail() -> None:
    """Drop the pairing's mails from the test outbox: tests count only their own."""
    from flask import current_app

    outbox = getattr(current_app.extensions.get("mailman"), "outbox", None)
    if isinstance(outbox, list):
        outbox.clear()


# -- presets -------------------------------------------------------------------------------------

# The member courses teach around their exchange's dates (its settings must lie within them).
KOPI_TERM = {"first_day": date(2027, 1, 18), "last_day": date(2027, 5, 14)}
TULIPS_TERM = {"first_day": date(2027, 3, 1), "last_day": date(2027, 5, 7)}

#: An Amsterdam-Jakarta exchange, running, teams published: team 1 "Team Kopi" holds Anna and
#: Dewi (and Dirk, who dropped out), team 2 holds Bram; Olga is an NL student who is not
#: enrolled. The chat, spaces, dialogue and browser worlds.
KOPI = Spec(
    sides=(
        Side(
            "nl",
            {"name": "Hogeschool Kopi", "country": "NL", "timezone": AMS},
            lecturer=Person("lena", "Lena", "lena@nl.example"),
            coordinator=Person("cora", "Cora", "cora@nl.example"),
            course=KOPI_TERM,
            students=(
                Person("anna", "Anna", "anna@nl.example"),
                Person("bram", "Bram", "bram@nl.example"),
                Person("dirk", "Dirk", "dirk@nl.example", status="dropped"),
            ),
        ),
        Side(
            "id",
            {"name": "Universitas Kopi", "country": "ID", "timezone": JKT},
            lecturer=Person("budi", "Budi", "budi@id.example"),
            coordinator=Person("citra", "Citra", "citra@id.example"),
            course=KOPI_TERM,
            students=(Person("dewi", "Dewi", "dewi@id.example"),),
        ),
    ),
    exchange={
        "title": "Marketing across borders",
        "status": "running",
        "start_date": date(2027, 2, 1),
        "end_date": date(2027, 4, 30),
        "working_language": "en",
        "min_level": "B2",
    },
    teams=(("Team Kopi", ("anna", "dewi", "dirk")), ("", ("bram",))),
    outsider=Person("olga", "Olga", "olga@nl.example"),
)

#: An Amsterdam-Mexico City exchange in spring 2027 (Amsterdam changes to summer time on 28
#: March), teams published: "Tulips" holds Anna and Bruno, "Cacti" Carla and Diego; Otto is an
#: NL student who is not enrolled. The schedule world.
TULIPS = Spec(
    sides=(
        Side(
            "nl",
            {"name": "Hogeschool Tulips", "country": "NL", "timezone": AMS},
            lecturer=Person("pieter", "Pieter", timezone=AMS),
            coordinator=Person("coord", "Coord"),
            course=TULIPS_TERM,
            students=(Person("anna", timezone=AMS), Person("carla", timezone=AMS)),
        ),
        Side(
            "mx",
            {"name": "Universidad Tulips", "country": "MX", "timezone": MEX},
            lecturer=Person("carlos", "Carlos", timezone=MEX),
            course=TULIPS_TERM,
            students=(Person("bruno", timezone=MEX), Person("diego", timezone=MEX)),
        ),
    ),
    exchange={
        "title": "Marketing across borders",
        "start_date": date(2027, 3, 15),
        "end_date": date(2027, 4, 23),
        "working_language": "en",
        "min_level": "B2",
    },
    teams=(("Tulips", ("anna", "bruno")), ("Cacti", ("carla", "diego"))),
    outsider=Person("otto"),
)
