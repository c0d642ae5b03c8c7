"""What team formation reads from the database: the cohort, the settings, the stored teams.

The pure engine (``teams.py``) knows students as plain records; this module builds them from
enrolments, profiles and answers, with each student's free hours turned into UTC through their
time zone, and reads the lecturers' settings and the stored teams back as the engine's plan.
Nothing here writes; the verbs that change teams are in ``services.py``.

Students who have entered no availability are not left out: they count as free at any time and
are listed as a warning on the teams page (``Cohort.unknown_availability``), so lecturers see
that the shared hours of their teams assume they can join.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coil.accounts.models import AvailabilitySlot, User
from coil.core.time import is_timezone
from coil.core.weekly import WeeklySlot, availability_mask
from coil.exchanges.models import AttributeAnswer, Enrolment, Exchange
from coil.exchanges.services import attributes_of
from coil.extensions import db
from coil.teams.engine.model import (
    ATTRIBUTE_MODES,
    ATTRIBUTE_PREFIX,
    CEFR_LEVELS,
    FULL_WEEK,
    SOFT_CRITERIA,
    Infeasible,
    Reason,
    Result,
    Settings,
    Student,
)
from coil.teams.engine.model import DEFAULT_WEIGHTS as ENGINE_WEIGHTS
from coil.teams.engine.rules import level_rank, meets_language
from coil.teams.engine.score import evaluate
from coil.teams.models import Team, TeamMember

WEIGHT_KEYS = (
    "countries",
    "languages",
    "disciplines",
    "attributes",
    "pre_assessment",
    "previous_teammates",
)
# "attributes" scales every exchange attribute's own weight; the rest are the engine's criteria.
DEFAULT_WEIGHTS: Mapping[str, float] = {**ENGINE_WEIGHTS, "attributes": 1.0}


@dataclass(frozen=True, slots=True)
class Cohort:
    """The students who can be placed in teams, with what the page must say about the data."""

    students: list[Student]
    courses: list[int]
    users: dict[int, User]
    course_of: dict[int, int]
    unknown_availability: list[int] = field(default_factory=list)


def _levels(user: User) -> dict[str, str]:
    # A level the engine does not know would be a caller bug there: drop it here instead.
    return {
        lang.language.lower(): lang.level.upper()
        for lang in user.languages
        if level_rank(lang.level) >= 0
    }


def _zone(user: User) -> str:
    if is_timezone(user.timezone) and user.timezone:
        return user.timezone
    institution = user.institution
    return institution.timezone if institution and is_timezone(institution.timezone) else "UTC"


def _availability(user: User, slots: Sequence[AvailabilitySlot], exchange: Exchange) -> int:
    tz = _zone(user)
    weekly = [
        WeeklySlot(slot.weekday, slot.start_time, slot.end_time, tz)
        for slot in slots
        if slot.end_time > slot.start_time
    ]
    return availability_mask(weekly, exchange.start_date, exchange.end_date)


def _previous_teammates(exchange: Exchange, user_ids: Sequence[int]) -> dict[int, set[int]]:
    """Return, per student, who shared a published team with them in another exchange."""
    if not user_ids:
        return {}
    mine = (
        select(TeamMember.team_id)
        .join(Team, Team.id == TeamMember.team_id)
        .join(Exchange, Exchange.id == Team.exchange_id)
        .where(
            TeamMember.user_id.in_(user_ids),
            Team.exchange_id != exchange.id,
            Exchange.teams_published_at.is_not(None),
        )
    )
    rows = db.session.execute(
        select(TeamMember.team_id, TeamMember.user_id).where(TeamMember.team_id.in_(mine))
    ).all()
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in rows:
        members[team_id].add(user_id)
    wanted = set(user_ids)
    out: dict[int, set[int]] = defaultdict(set)
    for group in members.values():
        for uid in group & wanted:
            out[uid] |= group - {uid}
    return out


def cohort(exchange: Exchange) -> Cohort:
    """Build the engine's students from the exchange's active enrolments."""
    courses = [course.id for course in exchange.courses]
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(
            Enrolment.exchange_id == exchange.id,
            Enrolment.status == "active",
            Enrolment.course_id.in_(courses),
        )
        .options(selectinload(Enrolment.user).selectinload(User.languages))
        .order_by(Enrolment.id)
    ).all()
    user_ids = [e.user_id for e in enrolments]
    slots: dict[int, list[AvailabilitySlot]] = defaultdict(list)
    for slot in db.session.scalars(
        select(AvailabilitySlot).where(AvailabilitySlot.user_id.in_(user_ids))
    ):
        slots[slot.user_id].append(slot)
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    keys = {a.id: a.key for a in attributes_of(exchange)}
    if keys:
        for answer in db.session.scalars(
            select(AttributeAnswer).where(
                AttributeAnswer.attribute_id.in_(keys), AttributeAnswer.user_id.in_(user_ids)
            )
        ):
            answers[answer.user_id][keys[answer.attribute_id]] = answer.value.strip()
    previous = _previous_teammates(exchange, user_ids)
    disciplines = {c.id: (c.isced_codes[0] if c.isced_codes else "") for c in exchange.courses}
    students, unknown = [], []
    for enrolment in enrolments:
        user = enrolment.user
        own = slots.get(user.id, [])
        if own:
            availability = _availability(user, own, exchange)
        else:
            availability = FULL_WEEK
            unknown.append(user.id)
        institution = user.institution
        students.append(
            Student(
                id=user.id,
                course_id=enrolment.course_id,
                country=institution.country if institution else "",
                languages=_levels(user),
                availability=availability,
                discipline=disciplines.get(enrolment.course_id, ""),
                attributes=answers.get(user.id, {}),
                previous_teammates=frozenset(previous.get(user.id, ())),
            )
        )
    return Cohort(
        students=students,
        courses=courses,
        users={e.user_id: e.user for e in enrolments},
        course_of={e.user_id: e.course_id for e in enrolments},
        unknown_availability=unknown,
    )


def stored_weights(exchange: Exchange) -> dict[str, float]:
    """Return the lecturers' weights, with defaults for what they never set."""
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in (exchange.team_weights or {}).items():
        if key in WEIGHT_KEYS and isinstance(value, int | float) and math.isfinite(value):
            weights[key] = max(0.0, float(value))
    return weights


def settings(exchange: Exchange, seed: int = 0) -> Settings:
    """Return the engine settings the lecturers chose for ``exchange``."""
    stored = stored_weights(exchange)
    weights = {key: stored[key] for key in SOFT_CRITERIA}
    modes = {}
    for attribute in attributes_of(exchange):
        weight = attribute.weight * stored["attributes"]
        if weight > 0 and math.isfinite(weight):
            weights[ATTRIBUTE_PREFIX + attribute.key] = weight
            modes[attribute.key] = (
                attribute.mode if attribute.mode in ATTRIBUTE_MODES else ("spread")
            )
    return Settings(
        team_size=exchange.team_size,
        working_language=exchange.working_language,
        min_level=exchange.min_level,
        min_shared_hours=float(exchange.min_shared_hours or 0),
        weights=weights,
        attribute_modes=modes,
        seed=seed,
    )


def draft(exchange: Exchange) -> list[Team]:
    """Return the exchange's teams (draft or published), by number."""
    return sorted(exchange.teams, key=lambda team: team.number)


def plan_of(exchange: Exchange) -> list[list[int]]:
    """Return the stored teams as lists of user ids (the engine's plan)."""
    return [[m.user_id for m in team.members] for team in draft(exchange)]


def evaluation(exchange: Exchange, group: Cohort | None = None) -> Result:
    """Score, explain and check the stored teams against the current cohort."""
    group = group or cohort(exchange)
    return evaluate(plan_of(exchange), group.students, group.courses, settings(exchange))


def unplaced(exchange: Exchange, group: Cohort) -> list[int]:
    """Return the active students who are in no team."""
    placed = {sid for team in plan_of(exchange) for sid in team}
    return [s.id for s in group.students if s.id not in placed]


def departed(exchange: Exchange, group: Cohort) -> list[int]:
    """Return team members who are no longer actively enrolled (they dropped out)."""
    active = {s.id for s in group.students}
    return [sid for team in plan_of(exchange) for sid in team if sid not in active]


def language_gaps(group: Cohort, config: Settings) -> list[Infeasible]:
    """Describe the students left out for the working language level, with a relaxation."""
    language, level = config.working_language, config.min_level
    below = [s for s in group.students if not meets_language(s, language, level)]
    if not below:
        return []
    ranks = [
        level_rank(lv)
        for s in below
        for code, lv in s.languages.items()
        if code.lower() == language.lower()
    ]
    lowest = CEFR_LEVELS[min(ranks)] if ranks else ""
    suggestion = (
        Reason("lower_min_level", {"language": language, "to": lowest})
        if ranks
        else Reason("check_language_data", {"language": language})
    )
    params = {"language": language, "min_level": level, "count": len(below)}
    return [Infeasible("language_level", tuple(s.id for s in below), params, suggestion)]
