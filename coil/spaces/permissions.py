"""Who may see and change a project space: named predicates and loader-checkers.

A team space belongs to its members once teams are published; the exchange space to every
active student of the exchange. The exchange's lecturers work in every space; coordinators
(and admins) read along but never write.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from coil.accounts.permissions import Actor, is_signed_in
from coil.exchanges.permissions import (
    is_exchange_coordinator,
    is_exchange_lecturer,
    is_exchange_student,
)
from coil.extensions import db
from coil.spaces.models import Document, Space, StoredFile, Task
from coil.teams.permissions import team_of


def is_space_member(actor: Actor, space: Space) -> bool:
    """Tell whether ``actor`` is a student the space belongs to."""
    if not is_signed_in(actor):
        return False
    if space.team_id is None:
        return is_exchange_student(actor, space.exchange)
    team = team_of(actor, space.exchange)
    return team is not None and team.id == space.team_id


def can_view_space(actor: Actor, space: Space) -> bool:
    """Tell whether ``actor`` may see ``space``: members, lecturers, coordinators."""
    return (
        is_exchange_lecturer(actor, space.exchange)
        or is_exchange_coordinator(actor, space.exchange)
        or is_space_member(actor, space)
    )


def can_edit_space(actor: Actor, space: Space) -> bool:
    """Tell whether ``actor`` may change ``space``: members and lecturers, never coordinators."""
    return is_exchange_lecturer(actor, space.exchange) or is_space_member(actor, space)


def can_delete_file(actor: Actor, stored: StoredFile, space: Space) -> bool:
    """Tell whether ``actor`` may delete ``stored``: its uploader or a lecturer of the exchange."""
    if not can_edit_space(actor, space):
        return False
    return stored.uploaded_by_id == actor.id or is_exchange_lecturer(actor, space.exchange)


def get_space_or_404(space_id: int, edit: bool = False) -> Space:
    """Load a space the current user may see (or change), or stop with 404 / 403."""
    space = db.session.get(Space, space_id) or abort(404)
    allowed = can_edit_space if edit else can_view_space
    if not allowed(current_user, space):
        abort(403)
    return space


def get_task_or_404(space: Space, task_id: int) -> Task:
    """Load a task of ``space`` (already authorized), or stop with 404."""
    task = db.session.get(Task, task_id)
    if task is None or task.space_id != space.id:
        abort(404)
    return task


def get_document_or_404(space: Space, document_id: int) -> Document:
    """Load a document of ``space`` (already authorized), or stop with 404."""
    document = db.session.get(Document, document_id)
    if document is None or document.space_id != space.id:
        abort(404)
    return document


def get_file_or_404(space: Space, file_id: int) -> StoredFile:
    """Load a stored file of ``space`` (already authorized), or stop with 404."""
    stored = db.session.get(StoredFile, file_id)
    if stored is None or stored.space_id != space.id:
        abort(404)
    return stored
