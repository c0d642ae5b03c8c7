"""Account pages: parse, authorize, call one service, render or redirect."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from coil.accounts import bp, services, throttle, tokens
from coil.accounts import invitations as invites
from coil.accounts.forms import (
    ApiTokenForm,
    AvailabilityForm,
    ForgotPasswordForm,
    JoinForm,
    LocaleForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    ResetPasswordForm,
)
from coil.accounts.models import ApiToken, Invitation, Role
from coil.accounts.permissions import invitable_roles
from coil.accounts.sessions import stay_signed_in
from coil.core.db import rollback
from coil.core.errors import ServiceError
from coil.core.forms import form_status, refuse
from coil.core.i18n import browser_timezone
from coil.core.reference import timezone_choices
from coil.core.safety import safe_next_url
from coil.extensions import db, limiter


@bp.app_context_processor
def _page_context() -> dict[str, Any]:
    """Give every page the language switch and whether the viewer may invite people."""
    if not has_request_context():  # mail rendered by the CLI or a background job
        return {}
    locale_form = LocaleForm(formdata=None)  # never re-read the request (it may be too large)
    locale_form.locale.data = str(get_locale())
    return {"locale_form": locale_form, "can_invite": bool(invitable_roles(current_user))}


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle.seconds_to_wait(form.email.data)
        user = None if wait else services.authenticate(form.email.data, form.password.data)
        if wait:
            form.form_errors.append(_too_many_failures(wait))
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        elif user is None:
            form.form_errors.append(_("The e-mail address or password is not right."))
            throttle.record_failure(form.email.data)
        else:
            throttle.clear_failures(form.email.data)
            services.record_login(user)
            login_user(user, remember=form.remember.data)
            session.pop("locale", None)
            return redirect(safe_next_url(request.args.get("next")) or url_for("home.index"))
    return render_template("accounts/login.html", form=form), form_status(form)


def _too_many_failures(wait: int) -> str:
    return ngettext(
        "Too many failed log-ins to this account. Try again in %(num)d second.",
        "Too many failed log-ins to this account. Try again in %(num)d seconds.",
        wait,
    )


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """Log out (POST only, so a link elsewhere cannot log someone out)."""
    if current_user.is_authenticated:
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def join(token: str) -> ResponseReturnValue:
    """Create an account from an invitation link."""
    try:
        invitation = invites.find_invitation(token)
    except ServiceError as error:
        return render_template("accounts/invitation_problem.html", error=error), 410
    course = invitation.course
    if current_user.is_authenticated:
        return _join_signed_in(token, invitation)
    form = JoinForm()
    if request.method == "GET":
        form.email.data = invitation.email
        form.locale.data = str(get_locale() or "")
        # The browser's own zone beats the institution's: a student abroad sees their local time.
        home = invitation.institution.timezone if invitation.institution is not None else None
        if zone := browser_timezone() or home:
            form.timezone.data = zone
    if form.validate_on_submit():
        try:
            user = invites.accept_invitation(
                token,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                timezone=form.timezone.data,
                locale=form.locale.data or None,
            )
        except ServiceError as error:
            if error.field is None:
                return render_template("accounts/invitation_problem.html", error=error), 410
            refuse(form, error)
        else:
            services.record_login(user)
            login_user(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            if course is not None:
                return redirect(url_for("exchanges.index"))
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/join.html",
        form=form,
        invitation=invitation,
        course=course,
        timezones=timezone_choices(),
    ), form_status(form)


def _join_signed_in(token: str, invitation: Invitation) -> ResponseReturnValue:
    """A signed-in student joins the link's course (after confirming); others are told why not."""
    course = invitation.course
    if course is None:
        return render_template("accounts/join_signed_in.html", invitation=invitation)
    if current_user.role != Role.STUDENT:
        return render_template(
            "accounts/join_signed_in.html", invitation=invitation, course=course
        ), 403
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            use = invites.follow_course_link(current_user, token)
        except ServiceError as error:
            rollback()
            status = 410 if error.code in ("unknown", "expired", "used", "revoked") else 422
            return render_template("accounts/invitation_problem.html", error=error), status
        if use.new:
            flash(_("You have joined %(course)s.", course=course.title), "success")
        else:
            flash(_("You were already enrolled in %(course)s.", course=course.title), "info")
        return redirect(url_for(use.endpoint, **use.values))
    return render_template(
        "accounts/join_course.html", invitation=invitation, course=course, form=form
    ), form_status(form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a password reset link; the answer never tells whether the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form), form_status(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password through a mailed link."""
    try:
        services.user_for_reset_token(token)
    except ServiceError as error:
        return render_template("accounts/reset_problem.html", error=error), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ServiceError as error:
            refuse(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), form_status(form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> ResponseReturnValue:
    """Show and edit the signed-in user's profile."""
    form = ProfileForm(obj=None)
    if request.method == "GET":
        form.name.data = current_user.name
        form.locale.data = current_user.locale or ""
        form.timezone.data = current_user.timezone
        for entry, spoken in zip(form.languages, current_user.languages, strict=False):
            entry.form.language.data = spoken.language
            entry.form.level.data = spoken.level
    form.fill_language_choices(str(get_locale()))
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                name=form.name.data,
                locale=form.locale.data or None,
                timezone=form.timezone.data,
                languages=form.spoken_languages(),
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html",
        form=form,
        password_form=PasswordChangeForm(),
        availability_form=_availability_form(),
        timezones=timezone_choices(),
        **_token_section(),
    ), form_status(form)


def _availability_form(form: AvailabilityForm | None = None) -> AvailabilityForm:
    if form is None:
        form = AvailabilityForm(formdata=None)
        stored = services.availability_of(current_user)
        form.fill_from([(s.weekday, s.start_time, s.end_time) for s in stored])
    form.fill_choices()
    return form


@bp.route("/profile/availability", methods=["POST"])
@login_required
def availability() -> ResponseReturnValue:
    """Save the signed-in user's weekly availability (in their own time zone)."""
    form = _availability_form(AvailabilityForm())
    if form.validate_on_submit():
        try:
            services.set_availability(current_user, form.chosen_slots())
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Your weekly availability is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html",
        form=_profile_form(),
        password_form=PasswordChangeForm(),
        availability_form=form,
        timezones=timezone_choices(),
        **_token_section(),
    ), form_status(form)


def _profile_form() -> ProfileForm:
    profile_form = ProfileForm(formdata=None)
    profile_form.name.data = current_user.name
    profile_form.locale.data = current_user.locale or ""
    profile_form.timezone.data = current_user.timezone
    for entry, spoken in zip(profile_form.languages, current_user.languages, strict=False):
        entry.form.language.data = spoken.language
        entry.form.level.data = spoken.level
    profile_form.fill_language_choices(str(get_locale()))
    return profile_form


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change the signed-in user's password."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except ServiceError as error:
            refuse(form, error)
        else:
            stay_signed_in(current_user._get_current_object())
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html",
        form=_profile_form(),
        password_form=form,
        availability_form=_availability_form(),
        timezones=timezone_choices(),
        **_token_section(),
    ), form_status(form)


@bp.route("/profile/sessions/end", methods=["POST"])
@login_required
def end_sessions() -> ResponseReturnValue:
    """Sign out everywhere: end every session and remember-me cookie, this one included."""
    services.end_sessions(current_user)
    logout_user()
    flash(_("You are signed out on every device. Log in again to continue."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/language", methods=["POST"])
def set_language() -> ResponseReturnValue:
    """Switch the UI language (remembered on the account, or in the session)."""
    form = LocaleForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            services.set_locale(current_user, form.locale.data)
        session["locale"] = form.locale.data
    return redirect(safe_next_url(request.form.get("next")) or url_for("home.index"))


def _token_section(form: ApiTokenForm | None = None, secret: str | None = None) -> dict[str, Any]:
    """Return what the profile page's "API tokens" section needs."""
    return {
        "token_form": form or ApiTokenForm(formdata=None, prefix="token"),
        "api_tokens": tokens.api_tokens_of(current_user),
        "new_secret": secret,
    }


def _profile_page(token_form: ApiTokenForm | None = None, secret: str | None = None) -> str:
    return render_template(
        "accounts/profile.html",
        form=_profile_form(),
        password_form=PasswordChangeForm(),
        availability_form=_availability_form(),
        timezones=timezone_choices(),
        **_token_section(token_form, secret),
    )


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token() -> ResponseReturnValue:
    """Create a personal API token and show its secret, this once."""
    form = ApiTokenForm(prefix="token")
    if form.validate_on_submit():
        try:
            _token, secret = tokens.create_api_token(
                current_user, form.name.data, days=form.days.data
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("API token created. Copy it now: it is shown only once."), "success")
            return _profile_page(ApiTokenForm(formdata=None, prefix="token"), secret)
    return _profile_page(form), form_status(form)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the signed-in user's API tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)  # someone else's token: do not even confirm that it exists
    tokens.revoke_api_token(current_user, token)
    flash(_("The token is revoked; clients using it can no longer connect."), "success")
    return redirect(url_for("accounts.profile", _anchor="api-tokens"))
