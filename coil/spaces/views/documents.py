"""Document pages: write, read, edit with conflict detection, history and restore."""

from __future__ import annotations

import difflib

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import defer

from coil.core.db import rollback
from coil.core.errors import ServiceError
from coil.core.forms import form_status, refuse
from coil.core.markdown import render_markdown
from coil.extensions import db
from coil.spaces import bp, documents
from coil.spaces.forms import DocumentForm, NewDocumentForm
from coil.spaces.models import Document, DocumentVersion, Space
from coil.spaces.permissions import can_edit_space, get_document_or_404, get_space_or_404
from coil.spaces.views.space import space_title


def _version_or_404(document: Document, number: int | None = None) -> DocumentVersion:
    if number is None:
        version = documents.latest_version(document)
    else:
        version = db.session.scalar(
            select(DocumentVersion).where(
                DocumentVersion.document_id == document.id, DocumentVersion.number == number
            )
        )
    if version is None:
        abort(404)
    return version


def _page(template: str, space: Space, **context: object) -> str:
    return render_template(template, space=space, title=space_title(space), **context)


@bp.route("/<int:space_id>/documents/new", methods=["GET", "POST"])
@login_required
def new_document(space_id: int) -> ResponseReturnValue:
    """Start a document with its first version."""
    space = get_space_or_404(space_id, edit=True)
    form = NewDocumentForm()
    if form.validate_on_submit():
        try:
            document = documents.create_document(
                current_user, space, title=form.title.data, body=form.body.data or ""
            )
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Document saved."), "success")
            return redirect(url_for("spaces.document", space_id=space.id, document_id=document.id))
    return _page("spaces/document_new.html", space, form=form), form_status(form)


@bp.route("/<int:space_id>/documents/<int:document_id>")
@bp.route("/<int:space_id>/documents/<int:document_id>/versions/<int:number>")
@login_required
def document(space_id: int, document_id: int, number: int | None = None) -> ResponseReturnValue:
    """Read a document's newest version, or an older one."""
    space = get_space_or_404(space_id)
    doc = get_document_or_404(space, document_id)
    latest = _version_or_404(doc)
    version = latest if number is None else _version_or_404(doc, number)
    return _page(
        "spaces/document.html",
        space,
        document=doc,
        version=version,
        latest=latest,
        html=render_markdown(version.body),
        can_edit=can_edit_space(current_user, space),
    )


@bp.route("/<int:space_id>/documents/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit_document(space_id: int, document_id: int) -> ResponseReturnValue:
    """Edit a document; a save based on an outdated version is shown as a conflict."""
    space = get_space_or_404(space_id, edit=True)
    doc = get_document_or_404(space, document_id)
    form = DocumentForm()
    if not form.is_submitted():
        latest = _version_or_404(doc)
        form.title.data, form.body.data = doc.title, latest.body
        form.base_version.data = latest.number
    if form.validate_on_submit():
        try:
            documents.save_document(
                current_user,
                doc,
                title=form.title.data,
                body=form.body.data or "",
                base_version=form.base_version.data,
                seen_version=form.seen_version.data,
            )
        except documents.EditConflict as conflict:
            refuse(form, conflict)
            return _conflict(space, doc, form, conflict.latest)
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("Document saved as a new version."), "success")
            return redirect(url_for("spaces.document", space_id=space.id, document_id=doc.id))
    return _page("spaces/document_edit.html", space, document=doc, form=form), form_status(form)


def _conflict(space: Space, doc: Document, form: DocumentForm, latest: int) -> ResponseReturnValue:
    """Show both texts side by side, and let the editor save theirs over it explicitly."""
    theirs = _version_or_404(doc, latest)
    mine = form.body.data or ""
    diff = difflib.unified_diff(
        theirs.body.splitlines(),
        mine.splitlines(),
        fromfile=_("version %(num)d", num=theirs.number),
        tofile=_("your text"),
        lineterm="",
    )
    form.seen_version.data, form.seen_version.raw_data = theirs.number, None
    return _page(
        "spaces/document_edit.html",
        space,
        document=doc,
        form=form,
        theirs=theirs,
        diff=list(diff),
    ), 409


@bp.route("/<int:space_id>/documents/<int:document_id>/history")
@login_required
def history(space_id: int, document_id: int) -> ResponseReturnValue:
    """List every saved version with its author and time."""
    space = get_space_or_404(space_id)
    doc = get_document_or_404(space, document_id)
    versions = db.session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == doc.id)
        .options(defer(DocumentVersion.body))
        .order_by(DocumentVersion.number.desc())
    ).all()
    return _page(
        "spaces/history.html",
        space,
        document=doc,
        versions=versions,
        can_edit=can_edit_space(current_user, space),
    )


@bp.route(
    "/<int:space_id>/documents/<int:document_id>/versions/<int:number>/restore",
    methods=["POST"],
)
@login_required
def restore(space_id: int, document_id: int, number: int) -> ResponseReturnValue:
    """Make an old version the newest again (as a new version)."""
    space = get_space_or_404(space_id, edit=True)
    doc = get_document_or_404(space, document_id)
    version = _version_or_404(doc, number)
    try:
        new = documents.restore_version(current_user, doc, version.number)
    except ServiceError as error:
        rollback()
        flash(error.message, "error")
        return redirect(url_for("spaces.history", space_id=space.id, document_id=doc.id))
    flash(
        _("Version %(old)d restored as version %(new)d.", old=version.number, new=new.number),
        "success",
    )
    return redirect(url_for("spaces.document", space_id=space.id, document_id=doc.id))
