"""Team formation pages: preview, settings, propose, move, swap, lock, publish.

The helpers ``context``, ``back`` and ``refused`` are shared with the pages for changes after
publishing (``changes.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from coil.core.db import rollback
from coil.core.errors import ServiceError
from coil.core.forms import form_status, options, refuse
from coil.core.safety import MAX_DB_ID
from coil.courses.labels import language_name
from coil.exchanges import services as exchange_services
from coil.exchanges.models import Exchange
from coil.exchanges.permissions import (
    can_manage_exchange,
    get_exchange_or_404,
)
from coil.teams import bp, cohort, describe, services
from coil.teams.engine.model import Infeasible, Reason, Settings, Student, Violation
from coil.teams.engine.rules import meets_language
from coil.teams.forms import (
    WEIGHT_LABELS,
    ConfirmForm,
    LockForm,
    MoveForm,
    SwapForm,
    TeamSettingsForm,
)
from coil.teams.permissions import get_exchange_teams_or_404


@dataclass
class Relaxation:
    """A one-click form that relaxes a hard constraint (or unlocks students)."""

    label: str
    endpoint: str
    fields: list[tuple[str, str]] = field(default_factory=list)


def context(exchange: Exchange, group: cohort.Cohort) -> describe.Context:
    names = {uid: user.name for uid, user in group.users.items()}
    for team in exchange.teams:
        for member in team.members:
            names.setdefault(member.user_id, member.user.name)
    return describe.Context(
        names=names,
        courses={course.id: course.title for course in exchange.courses},
        team_numbers=[team.number for team in cohort.draft(exchange)],
        attributes={a.key: a.label for a in exchange_services.attributes_of(exchange)},
        timezone=str(get_timezone()),
        first_day=exchange.start_date,
        last_day=exchange.end_date,
    )


def _settings_form(exchange: Exchange) -> TeamSettingsForm:
    form = TeamSettingsForm(prefix="settings")
    if not form.is_submitted():
        form.team_size.data = exchange.team_size
        form.min_shared_hours.data = exchange.min_shared_hours
        form.min_level.data = exchange.min_level
        weights = cohort.stored_weights(exchange)
        for key in cohort.WEIGHT_KEYS:
            form[key].data = weights[key]
    return form


def _settings_values(exchange: Exchange) -> dict[str, str]:
    weights = cohort.stored_weights(exchange)
    values = {
        "settings-team_size": str(exchange.team_size),
        "settings-min_shared_hours": str(exchange.min_shared_hours),
        "settings-min_level": exchange.min_level,
    }
    values.update({f"settings-{key}": str(weights[key]) for key in cohort.WEIGHT_KEYS})
    return values


def relaxations(
    suggestion: Reason | None, exchange: Exchange, ctx: describe.Context
) -> list[Relaxation]:
    """Turn an engine suggestion into one-click forms, where one form can apply it."""
    if suggestion is None:
        return []
    base = _settings_values(exchange)
    label = describe.describe(suggestion, ctx)
    p = suggestion.params
    changes: list[tuple[str, dict[str, str]]] = []
    if suggestion.code == "lower_min_shared_hours":
        changes.append((label, {"settings-min_shared_hours": str(describe.relaxed_hours(p["to"]))}))
    elif suggestion.code in ("smaller_team_size", "larger_team_size"):
        changes.append((label, {"settings-team_size": str(p["to"])}))
    elif suggestion.code == "other_team_size":
        for size in p["to"]:
            text = _("use teams of %(size)d", size=size)
            changes.append((text, {"settings-team_size": str(size)}))
    elif suggestion.code == "lower_min_level":
        changes.append((label, {"settings-min_level": str(p["to"])}))
    elif suggestion.code == "unlock_students" and p.get("student_ids"):
        unlock = [(f"user_ids-{k}", str(uid)) for k, uid in enumerate(p["student_ids"])]
        return [Relaxation(label, "teams.lock", unlock)]
    return [
        Relaxation(text, "teams.settings", list({**base, **change}.items()))
        for text, change in changes
    ]


def _left_out_reason(student: Student, settings: Settings) -> str:
    if not meets_language(student, settings.working_language, settings.min_level):
        return _(
            "below %(language)s %(level)s",
            language=language_name(settings.working_language),
            level=settings.min_level,
        )
    return _("not in a team yet")


def _page(
    exchange: Exchange,
    *,
    settings_form: TeamSettingsForm | None = None,
    infeasible: list[Infeasible] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    group = cohort.cohort(exchange)
    config = cohort.settings(exchange)
    ctx = context(exchange, group)
    stored = cohort.draft(exchange)
    result = cohort.evaluation(exchange, group)
    by_id = {s.id: s for s in group.students}
    unknown = set(group.unknown_availability)
    course_titles = ctx.courses
    teams = []
    for team, report in zip(stored, result.reports, strict=True):
        members = []
        for member in team.members:
            student = by_id.get(member.user_id)
            user = member.user
            members.append(
                {
                    "user": user,
                    "course": course_titles.get(group.course_of.get(user.id, 0), "—"),
                    "country": student.country if student else "",
                    "locked": member.locked,
                    "departed": student is None,
                }
            )
        teams.append(
            {
                "team": team,
                "members": members,
                "score": format_decimal(report.score, "0.#"),
                "reasons": _team_reasons(
                    report.reasons, ctx, [m for m in members if not m["departed"]], unknown
                ),
            }
        )
    published = exchange.teams_published_at is not None
    left_out = [
        (group.users[sid], _left_out_reason(by_id[sid], config))
        for sid in cohort.unplaced(exchange, group)
    ]
    diagnoses = [
        {
            "constraint": describe.constraint_name(item),
            "text": describe.diagnosis(item, ctx),
            "suggestion": describe.describe(item.suggestion, ctx) if item.suggestion else "",
            "relaxations": relaxations(item.suggestion, exchange, ctx),
        }
        for item in infeasible or []
    ]
    language_gaps = [
        {
            "text": describe.diagnosis(item, ctx),
            "relaxations": relaxations(item.suggestion, exchange, ctx),
        }
        for item in cohort.language_gaps(group, config)
    ]
    choices = [(t.number, _("Team %(number)d", number=t.number)) for t in stored]
    placed = [
        (m.user_id, f"{m.user.name} ({_('team %(number)d', number=t.number)})")
        for t in stored
        for m in t.members
    ]
    swap_form = SwapForm(prefix="swap")
    swap_form.a.choices = options(placed)
    swap_form.b.choices = options(placed)
    manage = can_manage_exchange(current_user, exchange)
    scores = [r.score for r in result.reports if r.members]
    return render_template(
        "teams/index.html",
        exchange=exchange,
        teams=teams,
        manage=manage,
        published=published,
        settings_form=settings_form or _settings_form(exchange),
        weight_labels=WEIGHT_LABELS,
        weight_keys=cohort.WEIGHT_KEYS,
        violations=[describe.violation(v, ctx) for v in result.violations],
        worst=format_decimal(min(scores), "0.#") if scores else None,
        mean=format_decimal(sum(scores) / len(scores), "0.#") if scores else None,
        left_out=left_out,
        departed=[(uid, ctx.names.get(uid, "?")) for uid in cohort.departed(exchange, group)],
        unknown_availability=[group.users[uid] for uid in group.unknown_availability],
        diagnoses=diagnoses,
        language_gaps=language_gaps,
        team_choices=choices,
        swap_form=swap_form,
        confirm_form=ConfirmForm(),
        cohort_size=len(group.students),
    ), status


def _team_reasons(
    reasons: Sequence[Reason],
    ctx: describe.Context,
    members: list[dict[str, Any]],
    unknown: set[int],
) -> list[str]:
    """Word a team's reasons; say plainly when its shared hours rest on unknown availability
    (nobody's availability known: the engine counts everyone free all week, which means nothing)."""
    known = sum(1 for m in members if m["user"].id not in unknown)
    if known == len(members):
        return [describe.describe(r, ctx) for r in reasons]
    if known == 0:
        texts = [describe.describe(r, ctx) for r in reasons if r.code != "shared_hours"]
        return [_("availability unknown: nobody in this team has filled it in yet"), *texts]
    note = ngettext(
        "%(known)d of %(num)d member has filled in their availability; the others count as free",
        "%(known)d of %(num)d members have filled in their availability; the others count as free",
        len(members),
        known=known,
    )
    return [*(describe.describe(r, ctx) for r in reasons), note]


def back(exchange: Exchange) -> Response:
    return redirect(url_for("teams.index", exchange_id=exchange.id))


def refused(exchange: Exchange, error: ServiceError) -> Response:
    rollback()
    flash(error.message, "error")
    return back(exchange)


def _report(exchange: Exchange, violations: list[Violation], done: str) -> Response:
    if violations:
        group = cohort.cohort(exchange)
        ctx = context(exchange, group)
        flash(
            _(
                "%(done)s Warning: %(problems)s",
                done=done,
                problems="; ".join(describe.violation(v, ctx) for v in violations),
            ),
            "error",
        )
    else:
        flash(done, "success")
    return back(exchange)


def _invalid(exchange: Exchange) -> Response:
    flash(_("That change could not be read. Please try again."), "error")
    return back(exchange)


@bp.route("/<int:exchange_id>/teams")
@login_required
def index(exchange_id: int) -> ResponseReturnValue:
    """Show the teams (draft or published), their explanations and the lecturers' controls."""
    return _page(get_exchange_teams_or_404(exchange_id))


@bp.route("/<int:exchange_id>/teams/settings", methods=["POST"])
@login_required
def settings(exchange_id: int) -> ResponseReturnValue:
    """Save the team size, minimum shared hours, language level and weights."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    form = _settings_form(exchange)
    if form.validate_on_submit():
        try:
            services.update_settings(
                current_user,
                exchange,
                team_size=form.team_size.data,
                min_shared_hours=float(form.min_shared_hours.data),
                min_level=form.min_level.data,
                weights={key: form[key].data for key in cohort.WEIGHT_KEYS},
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The team settings are saved. Form the teams again to use them."), "success")
            return back(exchange)
    return _page(exchange, settings_form=form, status=form_status(form))


@bp.route("/<int:exchange_id>/teams/propose", methods=["POST"])
@login_required
def propose(exchange_id: int) -> ResponseReturnValue:
    """Form the teams (again) around the locked students and show the new draft."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        return _invalid(exchange)
    try:
        outcome = services.propose(current_user, exchange)
    except ServiceError as error:
        return refused(exchange, error)
    if not outcome.result.ok:
        rollback()
        return _page(exchange, infeasible=outcome.result.infeasible, status=422)
    flash(_("New teams are proposed. Check them, adjust them, then publish."), "success")
    return back(exchange)


@bp.route("/<int:exchange_id>/teams/move", methods=["POST"])
@login_required
def move(exchange_id: int) -> ResponseReturnValue:
    """Move one student to another team."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    form = MoveForm()
    form.team.choices = options((t.number, t.number) for t in exchange.teams)
    if not form.validate_on_submit() or form.user_id.data > MAX_DB_ID:
        return _invalid(exchange)
    try:
        violations = services.move(current_user, exchange, form.user_id.data, form.team.data)
    except ServiceError as error:
        return refused(exchange, error)
    return _report(exchange, violations, _("The student is moved."))


@bp.route("/<int:exchange_id>/teams/swap", methods=["POST"])
@login_required
def swap(exchange_id: int) -> ResponseReturnValue:
    """Swap two students of different teams."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    form = SwapForm(prefix="swap")
    placed = [(m.user_id, m.user_id) for t in exchange.teams for m in t.members]
    form.a.choices = options(placed)
    form.b.choices = options(placed)
    if not form.validate_on_submit():
        return _invalid(exchange)
    try:
        violations = services.swap(current_user, exchange, form.a.data, form.b.data)
    except ServiceError as error:
        return refused(exchange, error)
    return _report(exchange, violations, _("The students are swapped."))


@bp.route("/<int:exchange_id>/teams/lock", methods=["POST"])
@login_required
def lock(exchange_id: int) -> ResponseReturnValue:
    """Lock students in their team, or unlock them."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    form = LockForm()
    ids = [entry.data for entry in form.user_ids]
    if not form.validate_on_submit() or not ids or any(i > MAX_DB_ID for i in ids):
        return _invalid(exchange)
    try:
        services.lock(current_user, exchange, ids, form.locked.data)
    except ServiceError as error:
        return refused(exchange, error)
    flash(_("Locked.") if form.locked.data else _("Unlocked."), "success")
    return back(exchange)


@bp.route("/<int:exchange_id>/teams/publish", methods=["POST"])
@login_required
def publish(exchange_id: int) -> ResponseReturnValue:
    """Publish the teams: students see them, each team gets its space."""
    exchange = get_exchange_or_404(exchange_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        return _invalid(exchange)
    try:
        services.publish(current_user, exchange)
    except ServiceError as error:
        return refused(exchange, error)
    flash(_("The teams are published. Every student was told their team."), "success")
    return back(exchange)
