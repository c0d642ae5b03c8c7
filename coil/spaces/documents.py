"""Documents of a space: Markdown texts whose every save is a new version, with conflict
detection when two people edit at once. Services flush; the request commits."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coil.accounts.models import User
from coil.core.errors import ServiceError
from coil.evidence import kinds
from coil.evidence.backfill import Backfill, backfill_requested
from coil.evidence.services import record
from coil.extensions import db
from coil.spaces.live import announce_change
from coil.spaces.models import Document, DocumentVersion, Space
from coil.spaces.storage import human_size

log = logging.getLogger(__name__)
MAX_TITLE = 200
MAX_BODY_BYTES = 200 * 1024


class EditConflict(ServiceError):
    """Someone saved a newer version since the editor started; ``latest`` is its number."""

    def __init__(self, latest: int) -> None:
        super().__init__(
            _(
                "Someone else saved a newer version (version %(num)d) while you were editing. "
                "Nothing was overwritten: compare the texts below and choose what to keep.",
                num=latest,
            ),
            code="conflict",
        )
        self.latest = latest


def latest_version(document: Document) -> DocumentVersion | None:
    """Return the newest version of ``document``."""
    return db.session.scalar(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id)
        .order_by(DocumentVersion.number.desc())
        .limit(1)
    )


def _check_document(title: str, body: str) -> str:
    title = title.strip()
    if not title:
        raise ServiceError(_("Give the document a title."), field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError(
            _("Keep the title under %(num)d characters.", num=MAX_TITLE), field="title"
        )
    if len(body.encode()) > MAX_BODY_BYTES:
        raise ServiceError(
            _(
                "The text is longer than %(limit)s. Split it into several documents.",
                limit=human_size(MAX_BODY_BYTES),
            ),
            field="body",
        )
    return title


def _add_version(
    actor: User, document: Document, body: str, restored_from: int | None = None
) -> DocumentVersion:
    current = db.session.scalar(
        select(func.max(DocumentVersion.number)).where(DocumentVersion.document_id == document.id)
    )
    version = DocumentVersion(
        document_id=document.id,
        number=(current or 0) + 1,
        body=body,
        author_id=actor.id,
        restored_from=restored_from,
    )
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:
        # Two saves raced for the same number; the unique constraint let only one through.
        raise EditConflict((current or 0) + 1) from None
    record(
        kinds.DOCUMENT_SAVED,
        document.space.exchange_id,
        actor,
        subject_id=version.id,
        payload={"document": document.id, "number": version.number},
    )
    announce_change(document.space, "documents", actor)
    return version


def create_document(actor: User, space: Space, *, title: str, body: str) -> Document:
    """Start a document in ``space`` with its first version."""
    document = Document(
        space_id=space.id, title=_check_document(title, body), created_by_id=actor.id
    )
    db.session.add(document)
    db.session.flush()
    _add_version(actor, document, body)
    log.info("document %s created in space %s by user %s", document.id, space.id, actor.id)
    return document


def save_document(
    actor: User,
    document: Document,
    *,
    title: str,
    body: str,
    base_version: int,
    seen_version: int | None = None,
) -> DocumentVersion:
    """Save ``body`` as a new version, unless someone saved since ``base_version``.

    ``seen_version`` is the newer version the editor was shown on the conflict page: saving
    over it is then an explicit choice, and still refused if yet another version came in.
    """
    title = _check_document(title, body)
    latest = latest_version(document)
    latest_number = latest.number if latest else 0
    if latest_number not in (base_version, seen_version):
        raise EditConflict(latest_number)
    document.title = title
    version = _add_version(actor, document, body)
    log.info(
        "document %s saved as version %s by user %s (from version %s)",
        document.id,
        version.number,
        actor.id,
        base_version,
    )
    return version


def restore_version(actor: User, document: Document, number: int) -> DocumentVersion:
    """Make an old version the newest again, as a new version that copies its text."""
    old = db.session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == number
        )
    )
    if old is None:
        raise ServiceError(_("That version does not exist."))
    version = _add_version(actor, document, old.body, restored_from=number)
    log.info(
        "document %s version %s restored as %s by user %s",
        document.id,
        number,
        version.number,
        actor.id,
    )
    return version


@backfill_requested.connect
def _backfill_versions(_sender: Any, *, into: Backfill, **_extra: Any) -> None:
    """Add the ledger events of document versions saved before the ledger existed."""
    done = into.recorded(kinds.DOCUMENT_SAVED)
    for version, document_id, exchange_id in db.session.execute(
        select(DocumentVersion, Document.id, Space.exchange_id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .join(Space, Space.id == Document.space_id)
    ):
        if version.id not in done:
            into.add(
                kinds.DOCUMENT_SAVED,
                exchange_id,
                version.author_id,
                subject_id=version.id,
                occurred_at=version.created_at,
                payload={"document": document_id, "number": version.number},
            )
