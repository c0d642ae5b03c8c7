"""Team formation against the database: load the cohort, run teams.py, store and adjust teams.

The pure engine (``teams.py``) knows students as plain records; this module builds them from
enrolments, profiles and answers, and turns the engine's plans into ``Team`` rows. Until
``teams_published_at`` is set, the exchange's teams are a draft only lecturers and coordinators
see. Every function here flushes, never commits (the request does).

Students who have entered no availability are not left out: they count as free at any time and
are listed as a warning on the teams page (``Cohort.unknown_availability``), so lecturers see
that the shared hours of their teams assume they can join.
"""

from __future__ import annotations

import logging
import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coil.accounts.models import AvailabilitySlot, User
from coil.core.errors import ServiceError
from coil.core.events import notify
from coil.core.time import is_timezone, utcnow
from coil.core.weekly import WeeklySlot, availability_mask
from coil.exchanges import teams as engine
from coil.exchanges.models import (
    AttributeAnswer,
    Enrolment,
    Exchange,
    Team,
    TeamMember,
)
from coil.exchanges.permissions import can_manage_exchange
from coil.exchanges.services import attributes_of
from coil.extensions import db

log = logging.getLogger(__name__)

WEIGHT_KEYS = (
    "countries",
    "languages",
    "disciplines",
    "attributes",
    "pre_assessment",
    "previous_teammates",
)
# "attributes" scales every exchange attribute's own weight; the rest are the engine's criteria.
DEFAULT_WEIGHTS: Mapping[str, float] = {**engine.DEFAULT_WEIGHTS, "attributes": 1.0}
TIME_BUDGET = 2.0


@dataclass(frozen=True, slots=True)
class Cohort:
    """The students who can be placed in teams, with what the page must say about the data."""

    students: list[engine.Student]
    courses: list[int]
    users: dict[int, User]
    course_of: dict[int, int]
    unknown_availability: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run of the engine produced (teams are stored only when ``result.ok``)."""

    result: engine.Result
    cohort: Cohort


# -- reading --------------------------------------------------------------------------------------


def _levels(user: User) -> dict[str, str]:
    # A level the engine does not know would be a caller bug there: drop it here instead.
    return {
        lang.language.lower(): lang.level.upper()
        for lang in user.languages
        if engine.level_rank(lang.level) >= 0
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
            availability = engine.FULL_WEEK
            unknown.append(user.id)
        institution = user.institution
        students.append(
            engine.Student(
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


def settings(exchange: Exchange, seed: int = 0) -> engine.Settings:
    """Return the engine settings the lecturers chose for ``exchange``."""
    stored = stored_weights(exchange)
    weights = {key: stored[key] for key in engine.SOFT_CRITERIA}
    modes = {}
    for attribute in attributes_of(exchange):
        weight = attribute.weight * stored["attributes"]
        if weight > 0 and math.isfinite(weight):
            weights[engine.ATTRIBUTE_PREFIX + attribute.key] = weight
            modes[attribute.key] = (
                attribute.mode if attribute.mode in engine.ATTRIBUTE_MODES else ("spread")
            )
    return engine.Settings(
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


def evaluation(exchange: Exchange, group: Cohort | None = None) -> engine.Result:
    """Score, explain and check the stored teams against the current cohort."""
    group = group or cohort(exchange)
    return engine.evaluate(plan_of(exchange), group.students, group.courses, settings(exchange))


def unplaced(exchange: Exchange, group: Cohort) -> list[int]:
    """Return the active students who are in no team."""
    placed = {sid for team in plan_of(exchange) for sid in team}
    return [s.id for s in group.students if s.id not in placed]


def departed(exchange: Exchange, group: Cohort) -> list[int]:
    """Return team members who are no longer actively enrolled (they dropped out)."""
    active = {s.id for s in group.students}
    return [sid for team in plan_of(exchange) for sid in team if sid not in active]


def language_gaps(group: Cohort, config: engine.Settings) -> list[engine.Infeasible]:
    """Describe the students left out for the working language level, with a relaxation."""
    language, level = config.working_language, config.min_level
    below = [s for s in group.students if not engine.meets_language(s, language, level)]
    if not below:
        return []
    ranks = [
        engine.level_rank(lv)
        for s in below
        for code, lv in s.languages.items()
        if code.lower() == language.lower()
    ]
    lowest = engine.CEFR_LEVELS[min(ranks)] if ranks else ""
    suggestion = (
        engine.Reason("lower_min_level", {"language": language, "to": lowest})
        if ranks
        else engine.Reason("check_language_data", {"language": language})
    )
    params = {"language": language, "min_level": level, "count": len(below)}
    return [engine.Infeasible("language_level", tuple(s.id for s in below), params, suggestion)]


def space_id(exchange: Exchange, team: Team | None) -> int | None:
    """Return the id of the team's (or exchange's) space, if it has one yet."""
    from coil.spaces.models import Space

    query = select(Space.id).where(Space.exchange_id == exchange.id)
    query = query.where(Space.team_id == team.id) if team else query.where(Space.team_id.is_(None))
    return db.session.scalar(query)


# -- guards ---------------------------------------------------------------------------------------


def _require_manager(actor: Any, exchange: Exchange) -> None:
    if not can_manage_exchange(actor, exchange):
        raise ServiceError(_("Only the lecturers of this exchange can change its teams."))


def _require_draft(exchange: Exchange) -> None:
    if exchange.teams_published_at is not None:
        raise ServiceError(
            _(
                "The teams are published. Place late joiners or rebalance after a drop-out "
                "instead of forming them again."
            )
        )


def _engine_settings(exchange: Exchange, seed: int = 0) -> engine.Settings:
    if len(exchange.courses) < engine.MIN_COURSES:
        raise ServiceError(_("Teams need at least two member courses."))
    if engine.level_rank(exchange.min_level) < 0:
        raise ServiceError(_("Choose the minimum level of the working language first."))
    return settings(exchange, seed)


# -- writing --------------------------------------------------------------------------------------


def update_settings(
    actor: Any,
    exchange: Exchange,
    *,
    team_size: int,
    min_shared_hours: float,
    min_level: str,
    weights: Mapping[str, float],
) -> None:
    """Store the team formation settings (size, shared hours, level, weights)."""
    _require_manager(actor, exchange)
    if not engine.MIN_TEAM_SIZE <= team_size <= engine.MAX_TEAM_SIZE:
        raise ServiceError(
            _(
                "Teams have %(low)d to %(high)d members.",
                low=engine.MIN_TEAM_SIZE,
                high=engine.MAX_TEAM_SIZE,
            ),
            "team_size",
        )
    if not (0 <= min_shared_hours <= 40 and math.isfinite(min_shared_hours)):
        raise ServiceError(_("Choose 0 to 40 shared hours a week."), "min_shared_hours")
    if engine.level_rank(min_level) < 0:
        raise ServiceError(_("Choose a CEFR level."), "min_level")
    enrolled = len(cohort(exchange).students)
    if 0 < enrolled < team_size:
        raise ServiceError(
            ngettext(
                "Teams of %(size)d need at least %(size)d students; %(num)d student is enrolled.",
                "Teams of %(size)d need at least %(size)d students; %(num)d students are enrolled.",
                enrolled,
                size=team_size,
            ),
            "team_size",
        )
    clean = {}
    for key in WEIGHT_KEYS:
        value = float(weights.get(key, DEFAULT_WEIGHTS[key]))
        if not (0 <= value <= 10 and math.isfinite(value)):
            raise ServiceError(_("Weights are numbers from 0 to 10."), key)
        clean[key] = value
    exchange.team_size = team_size
    exchange.min_shared_hours = math.floor(min_shared_hours * 10 + 1e-9) / 10
    exchange.min_level = min_level.upper()
    exchange.team_weights = clean
    db.session.flush()
    log.info("team settings of exchange %s changed by user %s", exchange.id, actor.id)


def _locks(exchange: Exchange, active: set[int]) -> dict[int, int]:
    """Map locked, still active students to compact team indices (in team-number order)."""
    locked: dict[int, int] = {}
    index = 0
    for team in draft(exchange):
        members = [m.user_id for m in team.members if m.locked and m.user_id in active]
        if members:
            for uid in members:
                locked[uid] = index
            index += 1
    return locked


def _store(exchange: Exchange, plan: Sequence[Sequence[int]], locked: set[int]) -> None:
    # Old rows go first, in their own flush: the unit of work inserts before it deletes, and the
    # new team numbers would collide with the old ones.
    exchange.teams.clear()
    db.session.flush()
    for number, members in enumerate((m for m in plan if m), start=1):
        team = Team(number=number, name="")
        team.members = [TeamMember(user_id=uid, locked=uid in locked) for uid in members]
        exchange.teams.append(team)
    db.session.flush()


def propose(
    actor: Any, exchange: Exchange, seed: int | None = None, *, time_budget: float = TIME_BUDGET
) -> Outcome:
    """Form teams around the locked members and replace the draft (nothing on infeasibility)."""
    _require_manager(actor, exchange)
    _require_draft(exchange)
    group = cohort(exchange)
    if not group.students:
        raise ServiceError(_("No students are enrolled yet."))
    seed = random.randrange(2**31) if seed is None else seed
    config = _engine_settings(exchange, seed)
    locked = _locks(exchange, {s.id for s in group.students})
    try:
        result = engine.form_teams(
            group.students, group.courses, config, locked, time_budget=time_budget
        )
    except ValueError as error:  # the engine's input check: our data is off, say so plainly
        log.warning("team formation refused its input for exchange %s: %s", exchange.id, error)
        raise ServiceError(_("The team settings or student data are not valid.")) from error
    if result.ok:
        _store(exchange, result.teams, set(locked))
        log.info(
            "exchange %s: %d draft teams proposed by user %s (worst %.1f, mean %.1f)",
            exchange.id,
            len(result.teams),
            actor.id,
            result.worst,
            result.mean,
        )
    return Outcome(result, group)


def _member(exchange: Exchange, user_id: int) -> TeamMember:
    for team in exchange.teams:
        for member in team.members:
            if member.user_id == user_id:
                return member
    raise ServiceError(_("This student is not in a team."))


def _team(exchange: Exchange, number: int) -> Team:
    for team in exchange.teams:
        if team.number == number:
            return team
    raise ServiceError(_("There is no team %(number)d.", number=number))


def _violations(exchange: Exchange) -> list[engine.Violation]:
    group = cohort(exchange)
    return engine.check_hard(plan_of(exchange), group.students, group.courses, settings(exchange))


def _moved(exchange: Exchange) -> None:
    db.session.flush()
    db.session.expire(exchange, ["teams"])
    if exchange.teams_published_at is not None:
        notify("teams", "changed", {"exchange_id": exchange.id}, [f"exchange:{exchange.id}"])


def move(actor: Any, exchange: Exchange, user_id: int, to_team: int) -> list[engine.Violation]:
    """Move a student to team number ``to_team``; return the hard constraints now broken."""
    _require_manager(actor, exchange)
    member = _member(exchange, user_id)
    target = _team(exchange, to_team)
    if member.team_id != target.id:
        source = member.team
        member.team = target
        if not source.members and exchange.teams_published_at is None:
            exchange.teams.remove(source)
        _moved(exchange)
        log.info("exchange %s: user %s moved to team %s", exchange.id, user_id, to_team)
    return _violations(exchange)


def swap(actor: Any, exchange: Exchange, a: int, b: int) -> list[engine.Violation]:
    """Swap two students between their teams; return the hard constraints now broken."""
    _require_manager(actor, exchange)
    first, second = _member(exchange, a), _member(exchange, b)
    if first.team_id == second.team_id:
        raise ServiceError(_("These students are already in the same team."))
    first.team, second.team = second.team, first.team
    _moved(exchange)
    log.info("exchange %s: users %s and %s swapped", exchange.id, a, b)
    return _violations(exchange)


def lock(actor: Any, exchange: Exchange, user_ids: Sequence[int], locked: bool) -> None:
    """Lock students in their team (kept when the formation runs again), or unlock them."""
    _require_manager(actor, exchange)
    for user_id in user_ids:
        _member(exchange, user_id).locked = locked
    db.session.flush()


def publish(actor: Any, exchange: Exchange) -> list[Team]:
    """Publish the teams: spaces for each team and the exchange, a notification per student."""
    from coil.chat.services import ensure_rooms
    from coil.notifications.services import notify_user
    from coil.spaces.services import ensure_space

    _require_manager(actor, exchange)
    _require_draft(exchange)
    teams = [team for team in draft(exchange) if team.members]
    if not teams:
        raise ServiceError(_("Form the teams before publishing them."))
    if _violations(exchange):
        raise ServiceError(
            _(
                "Some teams break a hard constraint (listed above). Fix them, or form the "
                "teams again, before publishing."
            )
        )
    exchange.teams_published_at = utcnow()
    ensure_space(exchange)
    for team in teams:
        ensure_space(exchange, team)
        for member in team.members:
            notify_user(
                member.user,
                "teams_published",
                {"exchange": exchange.title, "team": team.number},
                endpoint="exchanges.my_team",
                values={"exchange_id": exchange.id},
            )
    db.session.flush()
    ensure_rooms(exchange)
    notify("teams", "published", {"exchange_id": exchange.id}, [f"exchange:{exchange.id}"])
    log.info("exchange %s: %d teams published by user %s", exchange.id, len(teams), actor.id)
    return teams


# -- after publishing -----------------------------------------------------------------------------


def placement_options(
    exchange: Exchange, user_id: int
) -> tuple[list[engine.Placement], list[Team]]:
    """Rank the teams a late joiner could join (fewest broken constraints, then best score)."""
    group = cohort(exchange)
    student = next((s for s in group.students if s.id == user_id), None)
    if student is None:
        raise ServiceError(_("This student is not actively enrolled in the exchange."))
    if any(user_id in team for team in plan_of(exchange)):
        raise ServiceError(_("This student is already in a team."))
    teams = draft(exchange)
    options = engine.suggest_placement(
        plan_of(exchange), student, group.students, group.courses, settings(exchange)
    )
    return options, teams


def place_late_joiner(actor: Any, exchange: Exchange, user_id: int, team_number: int) -> Team:
    """Place a student who joined late in the team the lecturer chose."""
    _require_manager(actor, exchange)
    placement_options(exchange, user_id)  # the same checks as the suggestion page
    team = _team(exchange, team_number)
    team.members.append(TeamMember(user_id=user_id))
    _moved(exchange)
    if exchange.teams_published_at is not None:
        from coil.notifications.services import notify_user

        user = db.session.get(User, user_id)
        if user is not None:
            notify_user(
                user,
                "teams_published",
                {"exchange": exchange.title, "team": team.number},
                endpoint="exchanges.my_team",
                values={"exchange_id": exchange.id},
            )
    log.info("exchange %s: late joiner %s placed in team %s", exchange.id, user_id, team_number)
    return team


def rebalance_options(exchange: Exchange, user_id: int) -> engine.Rebalance:
    """Find the fewest moves that keep the teams valid once ``user_id`` leaves their team."""
    _member(exchange, user_id)
    group = cohort(exchange)
    active = {s.id for s in group.students} | {user_id}
    # Others who left earlier are not the engine's students: leave them out of the plan.
    plan = [[sid for sid in team if sid in active] for team in plan_of(exchange)]
    locked = {m.user_id for team in exchange.teams for m in team.members if m.locked}
    return engine.suggest_rebalance(
        plan, user_id, group.students, group.courses, settings(exchange), locked
    )


def rebalance_after_dropout(actor: Any, exchange: Exchange, user_id: int) -> engine.Rebalance:
    """Take a student out of their team and apply the suggested moves."""
    _require_manager(actor, exchange)
    plan = rebalance_options(exchange, user_id)
    teams = draft(exchange)
    member = _member(exchange, user_id)
    member.team.members.remove(member)
    db.session.flush()
    for step in plan.moves:
        _member(exchange, step.student_id).team = teams[step.to_team]
    _moved(exchange)
    log.info(
        "exchange %s: user %s left their team, %d moves applied",
        exchange.id,
        user_id,
        len(plan.moves),
    )
    return plan
