"""Institution pages: the directory, one institution, its people and partners; add and edit;
and the invitations that bring people on board."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import aliased, contains_eager

from coil.accounts.forms import InvitationForm
from coil.accounts.invitations import create_invitation
from coil.accounts.invitations import revoke_invitation as revoke_invitation_link
from coil.accounts.models import Invitation, Role, User
from coil.accounts.permissions import (
    can_manage_invitation,
    get_invitation_or_404,
    invitable_roles,
    role_required,
)
from coil.accounts.services import count_users_by_role
from coil.core.errors import ServiceError
from coil.core.forms import form_status, options, refuse
from coil.core.reference import timezone_choices
from coil.core.safety import site_url
from coil.extensions import db
from coil.institutions import bp, services
from coil.institutions.forms import InstitutionForm, PartnerRelationForm
from coil.institutions.models import Institution, PartnerRelation
from coil.institutions.permissions import (
    can_change_status,
    can_create_institution,
    can_manage_institution,
    can_manage_partners,
    can_view_people,
    get_institution_or_404,
    get_partner_relation_or_404,
)


@bp.route("/institutions/")
@login_required
def index() -> ResponseReturnValue:
    """List institutions: all for admins, active ones for everyone else."""
    query = select(Institution).order_by(Institution.name)
    if current_user.role != Role.ADMIN:
        query = query.where(Institution.status == "active")
    return render_template(
        "institutions/index.html",
        institutions=db.session.scalars(query).all(),
        can_create=can_create_institution(current_user),
    )


def _data(form: InstitutionForm, status: str) -> services.InstitutionData:
    return services.InstitutionData(
        name=form.name.data,
        country=form.country.data,
        city=form.city.data,
        timezone=form.timezone.data,
        languages=form.languages.data,
        website=form.website.data or None,
        status=status,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


@bp.route("/institutions/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create() -> ResponseReturnValue:
    """Add an institution."""
    form = InstitutionForm()
    form.fill_choices(str(get_locale()))
    if form.validate_on_submit():
        try:
            institution = services.create_institution(current_user, _data(form, form.status.data))
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("%(name)s is added.", name=institution.name), "success")
            return redirect(url_for("institutions.show", institution_id=institution.id))
    return render_template(
        "institutions/form.html",
        form=form,
        institution=None,
        timezones=timezone_choices(),
        can_status=True,
    ), form_status(form)


@bp.route("/institutions/<int:institution_id>")
@login_required
def show(institution_id: int) -> ResponseReturnValue:
    """Show an institution's profile (and, to those who manage it, its numbers)."""
    institution = get_institution_or_404(institution_id)
    manage = can_manage_institution(current_user, institution)
    return render_template(
        "institutions/show.html",
        institution=institution,
        can_manage=manage,
        counts=count_users_by_role(institution.id) if manage else None,
    )


@bp.route("/institutions/<int:institution_id>/edit", methods=["GET", "POST"])
@login_required
def edit(institution_id: int) -> ResponseReturnValue:
    """Edit an institution (admins, and its own coordinators)."""
    institution = get_institution_or_404(institution_id, manage=True)
    form = InstitutionForm(obj=institution if request.method == "GET" else None)
    form.fill_choices(str(get_locale()))
    status_allowed = can_change_status(current_user, institution)
    if form.validate_on_submit():
        status = form.status.data if status_allowed else institution.status
        try:
            services.update_institution(current_user, institution, _data(form, status))
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The institution is saved."), "success")
            return redirect(url_for("institutions.show", institution_id=institution.id))
    return render_template(
        "institutions/form.html",
        form=form,
        institution=institution,
        timezones=timezone_choices(),
        can_status=status_allowed,
    ), form_status(form)


@bp.route("/institutions/<int:institution_id>/people")
@login_required
def people(institution_id: int) -> ResponseReturnValue:
    """List an institution's accounts and open invitations (admins, own coordinators)."""
    institution = get_institution_or_404(institution_id)
    if not can_view_people(current_user, institution):
        abort(403)
    users = db.session.scalars(
        select(User).where(User.institution_id == institution.id).order_by(User.role, User.name)
    ).all()
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.institution_id == institution.id)
        .order_by(Invitation.created_at.desc())
        .limit(100)
    ).all()
    return render_template(
        "institutions/people.html",
        institution=institution,
        users=users,
        invitations=[i for i in invitations if i.state() == "open"],
    )


def _partner_form(institution: Institution) -> PartnerRelationForm:
    form = PartnerRelationForm()
    form.fill_choices(
        db.session.scalars(
            select(Institution)
            .where(Institution.status == "active", Institution.id != institution.id)
            .order_by(Institution.name)
        )
    )
    if request.method == "GET" and (wanted := request.args.get("partner", type=int)):
        form.partner_id.data = wanted
        current = db.session.scalar(
            select(PartnerRelation).where(
                PartnerRelation.institution_id == institution.id,
                PartnerRelation.partner_id == wanted,
            )
        )
        if current is not None:
            form.kind.data, form.reason.data = current.kind, current.reason
    return form


@bp.route("/institutions/<int:institution_id>/partners", methods=["GET", "POST"])
@login_required
def partners(institution_id: int) -> ResponseReturnValue:
    """List an institution's vetted and blocked partners, and record a decision."""
    institution = get_institution_or_404(institution_id)
    if not can_manage_partners(current_user, institution):
        abort(403)
    form = _partner_form(institution)
    if form.validate_on_submit():
        partner = db.session.get(Institution, form.partner_id.data)
        try:
            if partner is None:  # deleted since the form was checked
                raise ServiceError(_("Choose an institution from the list."), field="partner_id")
            services.set_partner_relation(
                current_user, institution, partner, form.kind.data, form.reason.data or ""
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("The decision about %(name)s is saved.", name=partner.name), "success")
            return redirect(url_for("institutions.partners", institution_id=institution.id))
    other = aliased(Institution)
    decisions = db.session.execute(
        select(PartnerRelation, User.name)
        .join(other, other.id == PartnerRelation.partner_id)
        .options(contains_eager(PartnerRelation.partner.of_type(other)))
        .outerjoin(User, User.id == PartnerRelation.created_by_id)
        .where(PartnerRelation.institution_id == institution.id)
        .order_by(PartnerRelation.kind.desc(), other.name)
    ).all()
    blocked_by = db.session.scalars(
        select(Institution)
        .join(PartnerRelation, PartnerRelation.institution_id == Institution.id)
        .where(PartnerRelation.partner_id == institution.id, PartnerRelation.kind == "block")
        .order_by(Institution.name)
    ).all()
    return render_template(
        "institutions/partners.html",
        institution=institution,
        form=form,
        decisions=decisions,
        blocked_by=blocked_by,
    ), form_status(form)


@bp.route("/institutions/<int:institution_id>/partners/<int:relation_id>/remove", methods=["POST"])
@login_required
def remove_partner(institution_id: int, relation_id: int) -> ResponseReturnValue:
    """Withdraw a partner decision (admins, the institution's own coordinators)."""
    relation = get_partner_relation_or_404(institution_id, relation_id)
    name = relation.partner.name
    services.remove_partner_relation(current_user, relation)
    flash(_("The decision about %(name)s is withdrawn.", name=name), "success")
    return redirect(url_for("institutions.partners", institution_id=institution_id))


# Invitations: how admins, coordinators and lecturers bring people on board.


def _invitation_form() -> InvitationForm:
    form = InvitationForm()
    form.role.choices = options((r.value, _role_label(r)) for r in invitable_roles(current_user))
    if current_user.role == Role.ADMIN:
        institutions = db.session.scalars(
            select(Institution).where(Institution.status == "active").order_by(Institution.name)
        )
        form.institution_id.choices = options(
            [(0, _("— none (for a new admin)")), *((i.id, i.name) for i in institutions)]
        )
    else:
        form.institution_id.choices = options(
            [(current_user.institution_id, current_user.institution.name)]
        )
    if request.method == "GET":
        form.days.data = current_app.config["INVITATION_DAYS"]
    return form


def _role_label(role: Role | str) -> str:
    return {
        Role.STUDENT: _("Student"),
        Role.LECTURER: _("Lecturer"),
        Role.COORDINATOR: _("Coordinator"),
        Role.ADMIN: _("Administrator"),
    }[Role(role)]


@bp.route("/invitations", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.COORDINATOR, Role.LECTURER)
def invitations() -> ResponseReturnValue:
    """List the invitations one may manage, and create a new one."""
    form = _invitation_form()
    new_link = None
    if form.validate_on_submit():
        institution = db.session.get(Institution, form.institution_id.data or 0)
        try:
            _invitation, token = create_invitation(
                current_user,
                role=form.role.data,
                institution=institution,
                email=form.email.data or None,
                max_uses=form.max_uses.data,
                days=form.days.data,
                note=form.note.data,
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            new_link = site_url("accounts.join", token=token)
            flash(_("Invitation created. Copy the link now: it is shown only once."), "success")
    query = select(Invitation).order_by(Invitation.created_at.desc()).limit(200)
    if current_user.role == Role.COORDINATOR:
        query = query.where(Invitation.institution_id == current_user.institution_id)
    elif current_user.role == Role.LECTURER:
        query = query.where(Invitation.created_by_id == current_user.id)
    listed = [i for i in db.session.scalars(query) if can_manage_invitation(current_user, i)]
    return render_template(
        "institutions/invitations.html",
        form=form,
        invitations=listed,
        new_link=new_link,
        role_label=_role_label,
    ), form_status(form)


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN, Role.COORDINATOR, Role.LECTURER)
def revoke_invitation(invitation_id: int) -> ResponseReturnValue:
    """Withdraw an invitation."""
    invitation = get_invitation_or_404(invitation_id)
    revoke_invitation_link(current_user, invitation)
    flash(_("The invitation is withdrawn; its link no longer works."), "success")
    return redirect(url_for("institutions.invitations"))
