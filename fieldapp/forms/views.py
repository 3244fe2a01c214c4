"""The dataset page's XLSForm upload: a steward reads a form into a new version, or dry-runs it, and sees the report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, render_template, request

from fieldapp.accounts.auth import require_user
from fieldapp.db import get_session
from fieldapp.errors import BadRequest
from fieldapp.forms import service
from fieldapp.forms.queries import in_language
from fieldapp.i18n import _

bp = Blueprint("forms", __name__)


@bp.post("/datasets/<slug>/form/xlsform")
def xlsform_upload(slug: str):
    """The same import as POST /api/v1/datasets/{slug}/form/xlsform, answered with a page in the user's language."""
    user = require_user()
    session = get_session()
    dataset = service.dataset_named(session, slug)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest(_("Choose an XLSForm (.xlsx) to upload."), [{"path": "file", "message": _("missing")}])
    # An unticked checkbox is absent from the form: only "on" (or nothing) comes from the page.
    dry_run = bool(request.form.get("dry_run"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        try:
            upload.save(path)
        finally:
            upload.close()  # a large upload is spooled to a temporary file: release it now
        definition, notes, form = service.import_xlsform(session, user, dataset, path, dry_run)
    session.commit()
    languages = definition.get("languages") or []
    questions = [
        {"name": f["name"], "type": f["type"], "label": in_language(f["label"], languages, f["name"])}
        for f in definition["fields"]
    ]
    return render_template(
        "forms/xlsform_report.html",
        dataset=dataset,
        file=upload.filename,
        dry_run=dry_run,
        form=form,
        title=definition.get("title"),
        languages=languages,
        questions=questions,
        notes=notes,
    )
