"""File pages: upload within the limits, download as an attachment, delete."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from coil.core.errors import ServiceError, render_error
from coil.core.forms import form_status, refuse
from coil.spaces import bp, services
from coil.spaces.forms import UploadForm
from coil.spaces.models import StoredFile
from coil.spaces.permissions import can_delete_file, get_file_or_404, get_space_or_404
from coil.spaces.storage import get_storage, human_size
from coil.spaces.views.space import render_space

log = logging.getLogger(__name__)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """Explain the limit when a request is larger than the server reads at all."""
    limit = human_size(current_app.config["UPLOAD_MAX_BYTES"])
    # The page's footer form would read the oversized body again and fail the same way; the
    # body is refused, so the request has no form data (core/templating.py could pass
    # ``formdata=None`` to its LocaleForm instead).
    request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
    return render_error(
        413, _("Files may be at most %(limit)s. Nothing was uploaded.", limit=limit)
    )


@bp.route("/<int:space_id>/files", methods=["POST"])
@login_required
def upload(space_id: int) -> ResponseReturnValue:
    """Upload a file to the space."""
    space = get_space_or_404(space_id, edit=True)
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data
        try:
            services.upload_file(current_user, space, data.stream, data.filename or "")
        except ServiceError as error:
            refuse(form, error)
        else:
            flash(_("File uploaded."), "success")
            return redirect(url_for("spaces.show", space_id=space.id, _anchor="files"))
    return render_space(space, upload=form, status=form_status(form))


def download_name(stored: StoredFile) -> str:
    """Return a plain ASCII name for the download header, keeping the extension."""
    name = secure_filename(stored.filename)
    extension = services.extension_of(stored.filename)
    if not name or (extension and not name.lower().endswith("." + extension)):
        name = f"file-{stored.id}.{extension}" if extension else f"file-{stored.id}"
    return name


@bp.route("/<int:space_id>/files/<int:file_id>")
@login_required
def download(space_id: int, file_id: int) -> ResponseReturnValue:
    """Send a stored file, always as an attachment and never to be rendered by the browser."""
    space = get_space_or_404(space_id)
    stored = get_file_or_404(space, file_id)
    try:
        handle = get_storage().open(stored.storage_key)
    except FileNotFoundError:
        log.warning("file %s is in the database but not in storage", stored.id)
        return render_error(
            404,
            _(
                "The file “%(name)s” is no longer in storage. Ask the person who uploaded it "
                "to upload it again.",
                name=stored.filename,
            ),
        )
    response = send_file(
        handle,
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=download_name(stored),
        etag=stored.sha256,
        last_modified=stored.created_at,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Should a browser still open it, it gets no scripts and no access to the site.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/<int:space_id>/files/<int:file_id>/delete", methods=["POST"])
@login_required
def delete_file(space_id: int, file_id: int) -> ResponseReturnValue:
    """Delete a file (its uploader or a lecturer)."""
    space = get_space_or_404(space_id, edit=True)
    stored = get_file_or_404(space, file_id)
    if not can_delete_file(current_user, stored, space):
        abort(403)
    services.delete_file(current_user, stored)
    flash(_("File deleted."), "success")
    return redirect(url_for("spaces.show", space_id=space.id, _anchor="files"))
