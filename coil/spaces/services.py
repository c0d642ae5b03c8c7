"""Every state change of project spaces: tasks, document versions and stored files.

Services flush, never commit. A file's bytes are written before its row; should the
transaction roll back, a session hook removes the bytes again (see ``_forget_uncommitted``).
"""

from __future__ import annotations

import logging
import mimetypes
import unicodedata
from datetime import datetime
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import gettext as _
from flask_sqlalchemy.session import Session
from sqlalchemy import event, select
from sqlalchemy.orm import SessionTransaction

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.core.events import after_commit
from coil.core.time import utcnow
from coil.evidence import kinds
from coil.evidence.backfill import Backfill, backfill_requested
from coil.evidence.services import record
from coil.exchanges.models import Exchange
from coil.exchanges.signals import course_joined
from coil.extensions import db
from coil.spaces.content import ContentRefused, check_content, read_head
from coil.spaces.live import announce_change
from coil.spaces.models import TASK_STATUSES, Space, StoredFile, Task
from coil.spaces.storage import Storage, TooLarge, get_storage, human_size
from coil.teams.membership import people_of as exchange_people
from coil.teams.models import Team
from coil.teams.signals import teams_published

log = logging.getLogger(__name__)
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
_UPLOADED = "coil_spaces_uploaded"  # session.info key: (storage, key) written this transaction


def find_space(exchange: Exchange, team: Team | None = None) -> Space | None:
    """Return the space of ``team`` (or of the whole exchange), if it exists yet."""
    query = select(Space).where(Space.exchange_id == exchange.id)
    query = query.where(Space.team_id == team.id) if team else query.where(Space.team_id.is_(None))
    return db.session.scalar(query)


def ensure_space(exchange: Exchange, team: Team | None = None) -> Space:
    """Return the space of ``team`` (or of the whole exchange), creating it if needed."""
    space = find_space(exchange, team)
    if space is None:
        space = Space(exchange=exchange, team=team)
        db.session.add(space)
        db.session.flush()
        log.info(
            "space %s created for exchange %s team %s",
            space.id,
            exchange.id,
            team.id if team else None,
        )
    return space


@course_joined.connect
def _exchange_space(exchange: Exchange, **_extra: Any) -> None:
    """Give an exchange its shared space as soon as it is formed."""
    ensure_space(exchange)


@teams_published.connect
def _team_spaces(exchange: Exchange, *, teams: list[Team], **_extra: Any) -> None:
    """Give every published team its own space (and the exchange its shared one)."""
    ensure_space(exchange)
    for team in teams:
        ensure_space(exchange, team)


def people_of(space: Space) -> list[User]:
    """Return who works in ``space``: its students by name, then the exchange's lecturers."""
    return exchange_people(space.exchange, space.team_id)


# Tasks ------------------------------------------------------------------------------------------


def _task_values(space: Space, title: str, assignee: User | None) -> str:
    title = title.strip()
    if not title:
        raise ServiceError(_("Give the task a title."), field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError(
            _("Keep the title under %(num)d characters.", num=MAX_TITLE), field="title"
        )
    if assignee is not None and assignee not in people_of(space):
        raise ServiceError(_("Choose someone who works in this space."), field="assignee_id")
    return title


def create_task(
    actor: User,
    space: Space,
    *,
    title: str,
    description: str = "",
    assignee: User | None = None,
    due_at: datetime | None = None,
) -> Task:
    """Put a new task in the space's "to do" column."""
    task = Task(
        space_id=space.id,
        title=_task_values(space, title, assignee),
        description=description.strip()[:MAX_DESCRIPTION],
        status="todo",
        assignee=assignee,
        due_at=due_at,
        created_by_id=actor.id,
    )
    db.session.add(task)
    db.session.flush()
    record(kinds.TASK_CREATED, space.exchange_id, actor, subject_id=task.id)
    announce_change(space, "tasks", actor)
    log.info("task %s created in space %s by user %s", task.id, space.id, actor.id)
    return task


def update_task(
    actor: User,
    task: Task,
    space: Space,
    *,
    title: str,
    description: str,
    assignee: User | None,
    due_at: datetime | None,
) -> Task:
    """Change a task's title, description, assignee and due date."""
    task.title = _task_values(space, title, assignee)
    task.description = description.strip()[:MAX_DESCRIPTION]
    task.assignee = assignee
    task.due_at = due_at
    task.updated_at = utcnow()
    db.session.flush()
    announce_change(space, "tasks", actor)
    log.info("task %s updated by user %s", task.id, actor.id)
    return task


def move_task(actor: User, task: Task, status: str) -> Task:
    """Move a task to another column of the board."""
    if status not in TASK_STATUSES:
        raise ServiceError(_("Choose one of the board's columns."), field="status")
    if status == "done" and task.status != "done":
        record(kinds.TASK_COMPLETED, task.space.exchange_id, actor, subject_id=task.id)
    task.status = status
    task.updated_at = utcnow()
    db.session.flush()
    announce_change(task.space, "tasks", actor)
    log.info("task %s moved to %s by user %s", task.id, status, actor.id)
    return task


def delete_task(actor: User, task: Task) -> None:
    """Remove a task from the board."""
    announce_change(task.space, "tasks", actor)
    db.session.delete(task)
    db.session.flush()
    log.info("task %s deleted by user %s", task.id, actor.id)


# Files ------------------------------------------------------------------------------------------


def display_name(filename: str) -> str:
    """Return the name to show for an upload: its last path part, without control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-255:] or "file"


def extension_of(filename: str) -> str:
    """Return the lower-case extension of ``filename`` without the dot ("" when none)."""
    name = display_name(filename)
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def upload_file(
    actor: User, space: Space, stream: BinaryIO, filename: str, storage: Storage | None = None
) -> StoredFile:
    """Store an uploaded file in ``space`` if its type is allowed and it fits the limit."""
    config = current_app.config
    extension = extension_of(filename)
    if extension not in config["UPLOAD_EXTENSIONS"]:
        raise ServiceError(
            _(
                "Files of this type cannot be uploaded. Allowed: %(types)s.",
                types=", ".join(config["UPLOAD_EXTENSIONS"]),
            ),
            field="file",
            code="type",
        )
    head, stream = read_head(stream)
    try:
        check_content(head, extension)
    except ContentRefused as refused:
        log.info("upload %r refused by its content: %s", display_name(filename), refused.reason)
        message = _content_message(refused.reason, extension)
        raise ServiceError(message, field="file", code="content") from None
    storage = storage or get_storage()
    max_bytes = config["UPLOAD_MAX_BYTES"]
    try:
        saved = storage.save(stream, max_bytes)
    except TooLarge:
        raise ServiceError(
            _(
                "The file is larger than %(limit)s, the most a space accepts.",
                limit=human_size(max_bytes),
            ),
            field="file",
            code="too_large",
        ) from None
    except OSError as error:  # disk full, storage unreachable: nothing was kept (see save)
        log.error("upload to space %s could not be stored: %s", space.id, error)
        raise ServiceError(
            _("The file could not be stored just now. Nothing was saved; please try again later."),
            field="file",
            code="storage",
        ) from None
    try:
        stored = StoredFile(
            space_id=space.id,
            filename=display_name(filename),
            content_type=mimetypes.guess_type(f"file.{extension}")[0] or "application/octet-stream",
            size=saved.size,
            sha256=saved.sha256,
            storage_key=saved.key,
            uploaded_by_id=actor.id,
        )
        db.session.add(stored)
        db.session.flush()
        record(kinds.FILE_SHARED, space.exchange_id, actor, subject_id=stored.id)
    except BaseException:
        storage.delete(saved.key)
        raise
    _forget_uncommitted(storage, saved.key)
    announce_change(space, "files", actor)
    log.info(
        "file %s (%s bytes) uploaded to space %s by user %s",
        stored.id,
        saved.size,
        space.id,
        actor.id,
    )
    return stored


def _content_message(reason: str, extension: str) -> str:
    if reason == "program":
        return _("This file is a program: programs cannot be uploaded, whatever their name.")
    if reason == "not_text":
        return _("This file is named .%(ext)s but is not text.", ext=extension)
    return _(
        "This file is named .%(ext)s but its content is not a %(type)s file. Upload the file "
        "in its real format, with its real extension.",
        ext=extension,
        type=extension.upper(),
    )


def delete_file(actor: User, stored: StoredFile, storage: Storage | None = None) -> None:
    """Delete a stored file: the row now, the bytes once the deletion is committed."""
    storage = storage or get_storage()
    key = stored.storage_key
    announce_change(db.session.get_one(Space, stored.space_id), "files", actor)
    db.session.delete(stored)
    db.session.flush()
    after_commit(lambda: storage.delete(key))
    log.info("file %s deleted by user %s", stored.id, actor.id)


def _forget_uncommitted(storage: Storage, key: str) -> None:
    """Remove ``key``'s bytes again unless the current transaction commits.

    What remains is the window of a process dying between the write and the commit: such an
    orphan has no row, so a sweep can compare the storage with ``stored_files.storage_key``.
    """
    db.session().info.setdefault(_UPLOADED, []).append((storage, key))


@event.listens_for(Session, "after_commit")
def _keep_committed_uploads(session: Session) -> None:
    session.info.pop(_UPLOADED, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_uploads(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    pending: list[tuple[Any, str]] = session.info.pop(_UPLOADED, [])
    for storage, key in pending:
        try:
            storage.delete(key)
            log.info("removed upload %s: its transaction did not commit", key)
        except OSError:
            log.exception("could not remove the uncommitted upload %s", key)


@backfill_requested.connect
def _backfill_space_work(_sender: Any, *, into: Backfill, **_extra: Any) -> None:
    """Add the ledger events of tasks and files from before the ledger existed.

    Who completed a task was not kept: its assignee is credited, else whoever created it.
    """
    created, completed = into.recorded(kinds.TASK_CREATED), into.recorded(kinds.TASK_COMPLETED)
    for task, exchange_id in db.session.execute(
        select(Task, Space.exchange_id).join(Space, Space.id == Task.space_id)
    ):
        if task.id not in created:
            into.add(
                kinds.TASK_CREATED,
                exchange_id,
                task.created_by_id,
                subject_id=task.id,
                occurred_at=task.created_at,
            )
        if task.status == "done" and task.id not in completed:
            into.add(
                kinds.TASK_COMPLETED,
                exchange_id,
                task.assignee_id or task.created_by_id,
                subject_id=task.id,
                occurred_at=task.updated_at or task.created_at,
            )
    shared = into.recorded(kinds.FILE_SHARED)
    for stored, exchange_id in db.session.execute(
        select(StoredFile, Space.exchange_id).join(Space, Space.id == StoredFile.space_id)
    ):
        if stored.id not in shared:
            into.add(
                kinds.FILE_SHARED,
                exchange_id,
                stored.uploaded_by_id,
                subject_id=stored.id,
                occurred_at=stored.created_at,
            )
