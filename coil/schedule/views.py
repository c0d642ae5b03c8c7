"""Live session pages and calendar files: parse, authorize, call one service, render or redirect."""

from __future__ import annotations

from babel.dates import get_day_names
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from coil.accounts.models import AvailabilitySlot, User
from coil.core.db import rollback
from coil.core.errors import ServiceError
from coil.core.forms import form_status, options, refuse
from coil.core.reference import timezone_choices
from coil.core.safety import site_url
from coil.core.time import is_timezone, local, utcnow
from coil.core.weekly import WeeklySlot
from coil.exchanges.models import Enrolment, Exchange
from coil.extensions import db
from coil.schedule import bp, feeds, findtime, ical, services
from coil.schedule.forms import (
    WHOLE_EXCHANGE,
    AttendanceForm,
    ConfirmForm,
    FindTimeForm,
    SessionForm,
)
from coil.schedule.models import ATTENDANCE_STATUSES, Attendance, LiveSession
from coil.schedule.permissions import (
    can_edit_session,
    can_find_time,
    can_take_attendance,
    get_schedule_or_404,
    get_session_or_404,
    schedulable_teams,
    sees_every_session,
    visible_sessions,
)
from coil.teams.models import Team, TeamMember
from coil.teams.permissions import get_team_or_404, team_of

CALENDAR_MIMETYPE = "text/calendar"
PAST_SHOWN = 20


def team_label(team: Team) -> str:
    """Name a team for people: its chosen name, else its number."""
    return team.name or _("Team %(n)d", n=team.number)


def place_name(tz: str) -> str:
    """Name the place of an IANA zone as people say it ("Mexico City" for America/Mexico_City)."""
    return tz.rsplit("/", 1)[-1].replace("_", " ")


def _link(session: LiveSession) -> str:
    return site_url("schedule.show", session_id=session.id)


def _calendar_response(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, mimetype=CALENDAR_MIMETYPE)
    response.headers["Content-Type"] = f"{CALENDAR_MIMETYPE}; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-cache"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/exchange/<int:exchange_id>")
@login_required
def index(exchange_id: int) -> ResponseReturnValue:
    """List an exchange's sessions the viewer may see, upcoming first, in the viewer's zone."""
    exchange = get_schedule_or_404(exchange_id)
    now = utcnow()
    query = visible_sessions(current_user, exchange)
    upcoming = db.session.scalars(query.where(LiveSession.ends_at >= now)).all()
    past = db.session.scalars(
        query.where(LiveSession.ends_at < now)
        .order_by(None)
        .order_by(LiveSession.starts_at.desc())
        .limit(PAST_SHOWN)
    ).all()
    teams = schedulable_teams(current_user, exchange)
    return render_template(
        "schedule/index.html",
        exchange=exchange,
        upcoming=upcoming,
        past=past,
        can_plan=teams is None or bool(teams),
        can_edit=lambda s: can_edit_session(current_user, s),
        own_team=team_of(current_user, exchange),
        sees_all=sees_every_session(current_user, exchange),
        team_label=team_label,
        place_name=place_name,
    )


def _team_choices(form: SessionForm, exchange: Exchange) -> None:
    teams = schedulable_teams(current_user, exchange)
    pairs: list[tuple[int, str]] = []
    if teams is None:
        pairs.append((WHOLE_EXCHANGE, _("The whole exchange")))
        teams = list(exchange.teams)
    pairs.extend((t.id, team_label(t)) for t in teams)
    form.team_id.choices = options(pairs)


def _session_data(form: SessionForm, exchange: Exchange) -> services.SessionData:
    team = None
    if form.team_id.data and form.team_id.data != WHOLE_EXCHANGE:
        team = get_team_or_404(exchange, form.team_id.data)
    return services.SessionData(
        title=form.title.data or "",
        day=form.day.data,  # type: ignore[arg-type]  # validated InputRequired
        start=form.start.data,  # type: ignore[arg-type]
        end=form.end.data,  # type: ignore[arg-type]
        timezone=form.timezone.data or "",
        description=form.description.data or "",
        location=form.location.data or "",
        team=team,
    )


@bp.route("/exchange/<int:exchange_id>/new", methods=["GET", "POST"])
@login_required
def new(exchange_id: int) -> ResponseReturnValue:
    """Plan a session, entering its times in the organiser's zone (their own by default)."""
    exchange = get_schedule_or_404(exchange_id)
    teams = schedulable_teams(current_user, exchange)
    if teams is not None and not teams:
        abort(403)
    form = SessionForm()
    _team_choices(form, exchange)
    if request.method == "GET":
        form.timezone.data = current_user.timezone
        team_id = request.args.get("team", type=int)
        if team_id:
            form.team_id.data = team_id
    if form.validate_on_submit():
        try:
            session = services.create_session(current_user, exchange, _session_data(form, exchange))
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The session is planned."), "success")
            return redirect(url_for("schedule.show", session_id=session.id))
    return render_template(
        "schedule/form.html",
        form=form,
        exchange=exchange,
        session=None,
        timezones=timezone_choices(),
    ), form_status(form)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int) -> ResponseReturnValue:
    """Change a session; calendars pick up the new version."""
    session = get_session_or_404(session_id, edit=True)
    exchange = session.exchange
    form = SessionForm()
    _team_choices(form, exchange)
    if request.method == "GET":
        start = local(session.starts_at, session.timezone)
        form.title.data = session.title
        form.team_id.data = session.team_id or WHOLE_EXCHANGE
        form.day.data = start.date()
        form.start.data = start.time()
        form.end.data = local(session.ends_at, session.timezone).time()
        form.timezone.data = session.timezone
        form.location.data = session.location
        form.description.data = session.description
    if form.validate_on_submit():
        try:
            services.update_session(current_user, session, _session_data(form, exchange))
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The session is changed."), "success")
            return redirect(url_for("schedule.show", session_id=session.id))
    return render_template(
        "schedule/form.html",
        form=form,
        exchange=exchange,
        session=session,
        timezones=timezone_choices(),
    ), form_status(form)


@bp.route("/<int:session_id>/cancel", methods=["POST"])
@login_required
def cancel(session_id: int) -> ResponseReturnValue:
    """Cancel a session (it disappears from every calendar feed)."""
    session = get_session_or_404(session_id, edit=True)
    exchange_id = session.exchange_id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.cancel_session(current_user, session)
    flash(_("The session is cancelled."), "success")
    return redirect(url_for("schedule.index", exchange_id=exchange_id))


@bp.route("/<int:session_id>")
@login_required
def show(session_id: int) -> ResponseReturnValue:
    """Show a session in the viewer's and the organiser's zone, with its attendance."""
    session = get_session_or_404(session_id)
    marks = {
        row.user_id: row
        for row in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    taking = can_take_attendance(current_user, session)
    return render_template(
        "schedule/show.html",
        session=session,
        exchange=session.exchange,
        started=session.starts_at <= utcnow(),
        can_edit=can_edit_session(current_user, session),
        taking=taking,
        participants=services.participants(session) if taking else [],
        marks=marks,
        own_mark=marks.get(current_user.id),
        statuses=ATTENDANCE_STATUSES,
        confirm_form=ConfirmForm(),
        attendance_form=AttendanceForm(),
        team_label=team_label,
        place_name=place_name,
    )


@bp.route("/<int:session_id>/attendance", methods=["POST"])
@login_required
def attendance(session_id: int) -> ResponseReturnValue:
    """Record the lecturer's marks: present, absent or excused per participant."""
    session = get_session_or_404(session_id)
    if not can_take_attendance(current_user, session):
        abort(403)
    if not AttendanceForm().validate_on_submit():
        abort(400)
    try:
        for person in services.participants(session):
            status = request.form.get(f"status-{person.id}", "")
            if status:
                services.mark_attendance(current_user, session, person, status)
    except ServiceError as error:
        rollback()
        flash(error.message, "error")
    else:
        flash(_("Attendance is saved."), "success")
    return redirect(url_for("schedule.show", session_id=session.id))


@bp.route("/<int:session_id>.ics")
@login_required
def ics(session_id: int) -> ResponseReturnValue:
    """Download one session as an iCalendar file."""
    session = get_session_or_404(session_id)
    body = ical.calendar_bytes([session], session.title, _link)
    return _calendar_response(body, f"coil-session-{session.id}.ics")


@bp.route("/feed/<token>.ics")
def feed(token: str) -> ResponseReturnValue:
    """Serve a person's calendar feed; the secret token in the address is the only key."""
    user = feeds.feed_owner(token) or abort(404)
    body = ical.calendar_bytes(
        feeds.feed_sessions(user),
        _("COIL sessions – %(name)s", name=user.name),
        _link,
        feed=True,
    )
    return _calendar_response(body)


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar() -> ResponseReturnValue:
    """Show how to subscribe, and make a new secret feed address (the old one stops working)."""
    form = ConfirmForm()
    address = None
    if form.validate_on_submit():
        token = feeds.issue_feed_token(current_user)
        address = site_url("schedule.feed", token=token)
    webcal = "webcal://" + address.split("://", 1)[1] if address else None
    return render_template(
        "schedule/calendar.html",
        form=form,
        address=address,
        webcal=webcal,
        has_feed=feeds.has_feed(current_user),
    )


def _members(exchange: Exchange, team: Team | None) -> list[findtime.Member]:
    if team is not None:
        query = select(User).join(TeamMember, TeamMember.user_id == User.id)
        query = query.where(TeamMember.team_id == team.id)
    else:
        query = select(User).join(Enrolment, Enrolment.user_id == User.id)
        query = query.where(Enrolment.exchange_id == exchange.id, Enrolment.status == "active")
    users = db.session.scalars(query.order_by(User.name, User.id)).all()
    slots: dict[int, list[AvailabilitySlot]] = {}
    for slot in db.session.scalars(
        select(AvailabilitySlot).where(AvailabilitySlot.user_id.in_([u.id for u in users]))
    ):
        slots.setdefault(slot.user_id, []).append(slot)
    members = []
    for user in users:
        tz = user.timezone if is_timezone(user.timezone) else "UTC"
        weekly = tuple(
            WeeklySlot(s.weekday, s.start_time, s.end_time, tz) for s in slots.get(user.id, [])
        )
        members.append(findtime.Member(user.id, user.name, weekly))
    return members


# Endpoint "schedule.findtime"; the function has another name, as ``findtime`` is the module.
@bp.route("/exchange/<int:exchange_id>/findtime", endpoint="findtime")
@login_required
def find_a_time(exchange_id: int) -> ResponseReturnValue:
    """Show the weekly hours when enough of a team (or the exchange) is free in every week."""
    exchange = get_schedule_or_404(exchange_id)
    form = FindTimeForm(request.args)
    everyone = sees_every_session(current_user, exchange)
    own = team_of(current_user, exchange)
    pairs: list[tuple[int, str]] = [(WHOLE_EXCHANGE, _("The whole exchange"))] if everyone else []
    teams = list(exchange.teams) if everyone else ([own] if own else [])
    pairs.extend((t.id, team_label(t)) for t in teams)
    if not pairs:
        abort(403)
    form.team.choices = options(pairs)
    if request.args.get("team") is None:
        form.team.data = own.id if own else pairs[0][0]
    team_id = form.team.data or WHOLE_EXCHANGE
    team = get_team_or_404(exchange, team_id) if team_id != WHOLE_EXCHANGE else None
    if not can_find_time(current_user, exchange, team):
        abort(403)
    members = _members(exchange, team)
    total = len(members)
    form.min_free.choices = options((n, str(n)) for n in range(total, 0, -1))
    wanted = request.args.get("min_free", type=int)
    result = findtime.find_time(members, exchange.start_date, exchange.end_date, wanted)
    form.min_free.data = result.min_free
    viewer_tz = str(get_timezone())
    rows = [
        (
            interval,
            findtime.local_readings(interval, viewer_tz, exchange.start_date, exchange.end_date),
            findtime.utc_reading(interval),
        )
        for interval in result.intervals
    ]
    return render_template(
        "schedule/findtime.html",
        exchange=exchange,
        team=team,
        form=form,
        result=result,
        rows=rows,
        viewer_tz=viewer_tz,
        days=get_day_names("abbreviated", locale=get_locale()),
        team_label=team_label,
    )
