"""The dataset page's XLSForm upload: a steward reads a form into a new version, or dry-runs it, and sees the report."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, render_template, request, url_for

from fieldapp.accounts.auth import require_user
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, FieldAppError
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
    try:
        definition, notes, form, filename, dry_run = _imported(session, user, dataset)
    except FieldAppError as exc:  # refused: say why, with the way back to the dataset (not the generic start link)
        session.rollback()
        page = render_template(
            "error.html",
            status=exc.status,
            message=exc.message,
            details=exc.details,
            back_url=url_for("datasets.dataset_detail", slug=dataset.slug),
            back_label=_("Back to the dataset %(title)s", title=dataset.title),
        )
        return page, exc.status
    session.commit()
    languages = definition.get("languages") or []
    questions = [
        {"name": f["name"], "type": f["type"], "label": in_language(f["label"], languages, f["name"])}
        for f in definition["fields"]
    ]
    return render_template(
        "forms/xlsform_report.html",
        dataset=dataset,
        file=filename,
        dry_run=dry_run,
        form=form,
        title=definition.get("title"),
        languages=languages,
        questions=questions,
        notes=notes,
    )


def _imported(session, user, dataset) -> tuple:
    """The upload read (or dry-run) into the dataset's form: definition, notes, form, file name, dry run."""
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
    return definition, notes, form, upload.filename, dry_run
