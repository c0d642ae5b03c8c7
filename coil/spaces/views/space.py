"""The space page and its board: parse, authorize, call one service, render or redirect.

``render_space`` and ``space_title`` are shared with the document and file pages.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.core.forms import form_status, options, refuse
from coil.exchanges.models import Exchange
from coil.extensions import db
from coil.spaces import bp, services
from coil.spaces.forms import MoveForm, TaskForm, UploadForm, column_labels
from coil.spaces.models import TASK_STATUSES, Document, DocumentVersion, Space, StoredFile, Task
from coil.spaces.permissions import (
    can_delete_file,
    can_edit_space,
    get_space_or_404,
    get_task_or_404,
)
from coil.spaces.storage import human_size
from coil.teams.models import Team


@bp.app_template_global()
def space_of(exchange: Exchange, team: Team | None = None) -> Space | None:
    """Return the space of ``team`` (or of the whole exchange), if it exists yet."""
    return services.find_space(exchange, team)


def viewer_zone() -> str:
    """Return the IANA name of the viewer's time zone (flask-babel's choice)."""
    return str(get_timezone())


def space_title(space: Space) -> str:
    """Name a space for headings: the team, or the whole exchange."""
    if space.team is None:
        return _("%(exchange)s: whole exchange", exchange=space.exchange.title)
    name = space.team.name or _("Team %(num)d", num=space.team.number)
    return _("%(team)s in %(exchange)s", team=name, exchange=space.exchange.title)


def task_form(space: Space, task: Task | None = None) -> TaskForm:
    """Build the task form with the space's people as possible assignees."""
    form = TaskForm(obj=task)
    people = [(0, _("Nobody yet")), *((p.id, p.name) for p in services.people_of(space))]
    form.assignee_id.choices = options(people)
    if task is not None and not form.is_submitted():
        form.assignee_id.data = task.assignee_id or 0
        form.show_due(task.due_at, viewer_zone())
    return form


def _assignee(form: TaskForm) -> User | None:
    return db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None


def upload_form(form: UploadForm | None = None) -> UploadForm:
    """Return the upload form, its help text stating the limits in words."""
    form = form or UploadForm()
    form.file.description = _(
        "At most %(limit)s per file. Allowed types: %(types)s.",
        limit=human_size(current_app.config["UPLOAD_MAX_BYTES"]),
        types=", ".join(current_app.config["UPLOAD_EXTENSIONS"]),
    )
    return form


def render_space(
    space: Space,
    *,
    new_task: TaskForm | None = None,
    upload: UploadForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """Render the space page (board, documents, files) with any forms shown again."""
    tasks = db.session.scalars(
        select(Task)
        .where(Task.space_id == space.id)
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    ).all()
    latest = (
        select(DocumentVersion.document_id, func.max(DocumentVersion.number).label("number"))
        .group_by(DocumentVersion.document_id)
        .subquery()
    )
    documents = db.session.execute(
        select(Document, DocumentVersion)
        .join(latest, latest.c.document_id == Document.id)
        .join(
            DocumentVersion,
            (DocumentVersion.document_id == Document.id)
            & (DocumentVersion.number == latest.c.number),
        )
        .where(Document.space_id == space.id)
        .options(defer(DocumentVersion.body))
        .order_by(Document.title, Document.id)
    ).all()
    files = db.session.scalars(
        select(StoredFile)
        .where(StoredFile.space_id == space.id)
        .order_by(StoredFile.created_at.desc(), StoredFile.id.desc())
    ).all()
    context: dict[str, Any] = {
        "space": space,
        "title": space_title(space),
        "columns": column_labels(),
        "statuses": TASK_STATUSES,
        "tasks": tasks,
        "documents": documents,
        "files": files,
        "can_edit": can_edit_space(current_user, space),
        "can_delete_file": lambda stored: can_delete_file(current_user, stored, space),
        "task_form": new_task or task_form(space),
        "upload_form": upload_form(upload),
        "file_size": human_size,
        "needs_socket": True,  # the board, documents and files update live (static/js/space.js)
    }
    return render_template("spaces/show.html", **context), status


@bp.route("/<int:space_id>")
@login_required
def show(space_id: int) -> ResponseReturnValue:
    """Show the space: its board, documents and files."""
    return render_space(get_space_or_404(space_id))


@bp.route("/<int:space_id>/tasks", methods=["POST"])
@login_required
def add_task(space_id: int) -> ResponseReturnValue:
    """Add a task to the "to do" column."""
    space = get_space_or_404(space_id, edit=True)
    form = task_form(space)
    if form.validate_on_submit():
        try:
            services.create_task(
                current_user,
                space,
                title=form.title.data,
                description=form.description.data or "",
                assignee=_assignee(form),
                due_at=form.due_at(viewer_zone()),
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Task added."), "success")
            return redirect(url_for("spaces.show", space_id=space.id, _anchor="board"))
    return render_space(space, new_task=form, status=form_status(form))


@bp.route("/<int:space_id>/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit_task(space_id: int, task_id: int) -> ResponseReturnValue:
    """Change a task's title, description, assignee or due date."""
    space = get_space_or_404(space_id, edit=True)
    task = get_task_or_404(space, task_id)
    form = task_form(space, task)
    if form.validate_on_submit():
        try:
            services.update_task(
                current_user,
                task,
                space,
                title=form.title.data,
                description=form.description.data or "",
                assignee=_assignee(form),
                due_at=form.due_at(viewer_zone()),
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Task saved."), "success")
            return redirect(url_for("spaces.show", space_id=space.id, _anchor="board"))
    return render_template(
        "spaces/task_edit.html", space=space, title=space_title(space), task=task, form=form
    ), form_status(form)


@bp.route("/<int:space_id>/tasks/<int:task_id>/move", methods=["POST"])
@login_required
def move_task(space_id: int, task_id: int) -> ResponseReturnValue:
    """Move a task to another column."""
    space = get_space_or_404(space_id, edit=True)
    task = get_task_or_404(space, task_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the board's columns."), "error")
        return redirect(url_for("spaces.show", space_id=space.id, _anchor="board"))
    services.move_task(current_user, task, form.status.data)
    return redirect(url_for("spaces.show", space_id=space.id, _anchor=f"task-{task.id}"))


@bp.route("/<int:space_id>/tasks/<int:task_id>/delete", methods=["POST"])
@login_required
def delete_task(space_id: int, task_id: int) -> ResponseReturnValue:
    """Remove a task from the board."""
    space = get_space_or_404(space_id, edit=True)
    task = get_task_or_404(space, task_id)
    services.delete_task(current_user, task)
    flash(_("Task deleted."), "success")
    return redirect(url_for("spaces.show", space_id=space.id, _anchor="board"))
