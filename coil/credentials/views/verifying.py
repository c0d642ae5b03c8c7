"""The public verifier: a page (paste or upload) and a JSON endpoint, both saying what they
checked and why the answer is what it is."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from coil.core.safety import site_url
from coil.credentials import bp, checking
from coil.credentials.forms import VerifyForm
from coil.credentials.verify import MAX_SIZE, Verdict, too_deep
from coil.extensions import csrf, limiter

VERIFY_LIMIT = "30 per minute"


def _read(form: VerifyForm) -> str | Verdict:
    upload = form.upload.data
    if upload is not None and bool(getattr(upload, "filename", None)):
        raw = upload.read(MAX_SIZE + 1)
        if len(raw) > MAX_SIZE:
            return Verdict().fail("format", _("The credential is larger than 256 KB: refused."))
        try:
            return raw.decode()
        except UnicodeDecodeError:
            return Verdict().fail("format", _("The file is not text."))
    return form.credential.data or ""


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(VERIFY_LIMIT, methods=["POST"])
def verify() -> str | tuple[str, int]:
    """Check a pasted or uploaded credential, or the badge whose page sent the visitor here."""
    form = VerifyForm()
    verdict: Verdict | None = None
    uid = request.args.get("badge", "")
    if form.validate_on_submit():
        text = _read(form)
        if isinstance(text, Verdict):
            verdict = text
        elif not text.strip():
            form.credential.errors.append(_("Paste a credential or choose a file."))
            return render_template("credentials/verify.html", form=form, verdict=None), 422
        else:
            verdict = checking.verify(text)
    elif request.method == "GET" and uid:
        verdict = checking.verify(site_url("credentials.badge_page", uid=uid))
    status = 422 if form.errors else 200
    return render_template("credentials/verify.html", form=form, verdict=verdict), status


@bp.post("/verify.json")
@csrf.exempt  # a stateless check that changes nothing and reads no session: any site may ask
@limiter.limit(VERIFY_LIMIT)
def verify_json() -> Response:
    """Check the credential in the request body (the .jwt text, or {"credential": "..."})."""
    raw = request.get_data()
    if len(raw) > MAX_SIZE:
        verdict = Verdict().fail("format", _("The credential is larger than 256 KB: refused."))
        return jsonify(verdict.as_json())
    text = raw.decode(errors="replace")
    if request.is_json and not too_deep(text):
        body = request.get_json(silent=True)
        found = body.get("credential") if isinstance(body, dict) else None
        text = found if isinstance(found, str) else text
    return jsonify(checking.verify(text).as_json())
