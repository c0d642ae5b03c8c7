"""Team formation against the database: propose, edit, publish and adjust an exchange's teams.

The verbs that change teams: the lecturers' settings, a proposal from the engine (``engine/``)
stored as ``Team`` rows, manual moves, swaps and locks, publishing, and after publishing the
placement of late joiners and the rebalancing after a drop-out. What they read (the cohort, the
settings, the stored plan) comes from ``cohort.py``. Until ``teams_published_at`` is set,
the exchange's teams are a draft only lecturers and coordinators see. Every function here
flushes, never commits (the request does).
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.core.time import utcnow
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import can_manage_exchange
from coil.extensions import db
from coil.notifications.services import notify_user
from coil.teams.cohort import (
    DEFAULT_WEIGHTS,
    WEIGHT_KEYS,
    Cohort,
    cohort,
    draft,
    plan_of,
    settings,
)
from coil.teams.engine.changes import suggest_placement, suggest_rebalance
from coil.teams.engine.model import (
    MAX_TEAM_SIZE,
    MIN_COURSES,
    MIN_TEAM_SIZE,
    Placement,
    Rebalance,
    Result,
    Settings,
    Violation,
)
from coil.teams.engine.rules import check_hard, level_rank
from coil.teams.engine.search import form_teams
from coil.teams.models import Team, TeamMember
from coil.teams.signals import teams_published

log = logging.getLogger(__name__)

TIME_BUDGET = 2.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run of the engine produced (teams are stored only when ``result.ok``)."""

    result: Result
    cohort: Cohort


# -- guards ---------------------------------------------------------------------------------------


def _require_manager(actor: User, exchange: Exchange) -> None:
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


def _engine_settings(exchange: Exchange, seed: int = 0) -> Settings:
    if len(exchange.courses) < MIN_COURSES:
        raise ServiceError(_("Teams need at least two member courses."))
    if level_rank(exchange.min_level) < 0:
        raise ServiceError(_("Choose the minimum level of the working language first."))
    return settings(exchange, seed)


# -- writing --------------------------------------------------------------------------------------


def update_settings(
    actor: User,
    exchange: Exchange,
    *,
    team_size: int,
    min_shared_hours: float,
    min_level: str,
    weights: Mapping[str, float],
) -> None:
    """Store the team formation settings (size, shared hours, level, weights)."""
    _require_manager(actor, exchange)
    if not MIN_TEAM_SIZE <= team_size <= MAX_TEAM_SIZE:
        raise ServiceError(
            _(
                "Teams have %(low)d to %(high)d members.",
                low=MIN_TEAM_SIZE,
                high=MAX_TEAM_SIZE,
            ),
            "team_size",
        )
    if not (0 <= min_shared_hours <= 40 and math.isfinite(min_shared_hours)):
        raise ServiceError(_("Choose 0 to 40 shared hours a week."), "min_shared_hours")
    if level_rank(min_level) < 0:
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
    actor: User, exchange: Exchange, seed: int | None = None, *, time_budget: float = TIME_BUDGET
) -> Outcome:
    """Form teams around the locked members and replace the draft (nothing on infeasibility)."""
    _require_manager(actor, exchange)
    _require_draft(exchange)
    group = cohort(exchange)
    if not group.students:
        raise ServiceError(_("No students are enrolled yet."))
    seed = random.randrange(2**31) if seed is None else seed  # noqa: S311 (a search seed)
    config = _engine_settings(exchange, seed)
    locked = _locks(exchange, {s.id for s in group.students})
    try:
        result = form_teams(group.students, group.courses, config, locked, time_budget=time_budget)
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


def _violations(exchange: Exchange) -> list[Violation]:
    group = cohort(exchange)
    return check_hard(plan_of(exchange), group.students, group.courses, settings(exchange))


def _moved(exchange: Exchange) -> None:
    db.session.flush()
    db.session.expire(exchange, ["teams"])


def move(actor: User, exchange: Exchange, user_id: int, to_team: int) -> list[Violation]:
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


def swap(actor: User, exchange: Exchange, a: int, b: int) -> list[Violation]:
    """Swap two students between their teams; return the hard constraints now broken."""
    _require_manager(actor, exchange)
    first, second = _member(exchange, a), _member(exchange, b)
    if first.team_id == second.team_id:
        raise ServiceError(_("These students are already in the same team."))
    first.team, second.team = second.team, first.team
    _moved(exchange)
    log.info("exchange %s: users %s and %s swapped", exchange.id, a, b)
    return _violations(exchange)


def lock(actor: User, exchange: Exchange, user_ids: Sequence[int], locked: bool) -> None:
    """Lock students in their team (kept when the formation runs again), or unlock them."""
    _require_manager(actor, exchange)
    for user_id in user_ids:
        _member(exchange, user_id).locked = locked
    db.session.flush()


def publish(actor: User, exchange: Exchange) -> list[Team]:
    """Publish the teams: spaces for each team and the exchange, a notification per student."""
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
    db.session.flush()
    teams_published.send(exchange, teams=teams)
    for team in teams:
        for member in team.members:
            notify_user(
                member.user,
                "teams_published",
                {"exchange": exchange.title, "team": team.number},
                endpoint="teams.mine",
                values={"exchange_id": exchange.id},
            )
    db.session.flush()
    log.info("exchange %s: %d teams published by user %s", exchange.id, len(teams), actor.id)
    return teams


# -- after publishing -----------------------------------------------------------------------------


def placement_options(exchange: Exchange, user_id: int) -> tuple[list[Placement], list[Team]]:
    """Rank the teams a late joiner could join (fewest broken constraints, then best score)."""
    group = cohort(exchange)
    student = next((s for s in group.students if s.id == user_id), None)
    if student is None:
        raise ServiceError(_("This student is not actively enrolled in the exchange."))
    if any(user_id in team for team in plan_of(exchange)):
        raise ServiceError(_("This student is already in a team."))
    teams = draft(exchange)
    options = suggest_placement(
        plan_of(exchange), student, group.students, group.courses, settings(exchange)
    )
    return options, teams


def place_late_joiner(actor: User, exchange: Exchange, user_id: int, team_number: int) -> Team:
    """Place a student who joined late in the team the lecturer chose."""
    _require_manager(actor, exchange)
    placement_options(exchange, user_id)  # the same checks as the suggestion page
    team = _team(exchange, team_number)
    team.members.append(TeamMember(user_id=user_id))
    _moved(exchange)
    if exchange.teams_published_at is not None:
        user = db.session.get(User, user_id)
        if user is not None:
            notify_user(
                user,
                "teams_published",
                {"exchange": exchange.title, "team": team.number},
                endpoint="teams.mine",
                values={"exchange_id": exchange.id},
            )
    log.info("exchange %s: late joiner %s placed in team %s", exchange.id, user_id, team_number)
    return team


def rebalance_options(exchange: Exchange, user_id: int) -> Rebalance:
    """Find the fewest moves that keep the teams valid once ``user_id`` leaves their team."""
    _member(exchange, user_id)
    group = cohort(exchange)
    active = {s.id for s in group.students} | {user_id}
    # Others who left earlier are not the engine's students: leave them out of the plan.
    plan = [[sid for sid in team if sid in active] for team in plan_of(exchange)]
    locked = {m.user_id for team in exchange.teams for m in team.members if m.locked}
    return suggest_rebalance(
        plan, user_id, group.students, group.courses, settings(exchange), locked
    )


def rebalance_after_dropout(actor: User, exchange: Exchange, user_id: int) -> Rebalance:
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
