"""JSON API for a dataset's recording form: read the current version, publish a new one."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from flask import Blueprint, Response, request

from fieldapp.access import viewer_of
from fieldapp.accounts.auth import require_user
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, NotFound
from fieldapp.forms import queries, service
from fieldapp.forms.definition import FormSchema
from fieldapp.forms.schemas import (
    DatasetSlugSchema,
    FormAnswerSchema,
    FormVersionArgsSchema,
    MyFormsAnswerSchema,
    XLSFormReportSchema,
    XLSFormUploadSchema,
)
from fieldapp.forms.xlsform import write_xlsform
from fieldapp.http import json_text_response, load, read_json
from fieldapp.i18n import _
from fieldapp.openapi import JSON, READ, WRITE, NoArgs, answer, operation
from fieldapp.transfer.options import parse_flag

bp = Blueprint("forms_api", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/datasets/<slug>/form")
@operation(
    "getDatasetForm",
    "datasets",
    "Read a dataset's recording form (its custom fields), the current version or a given one",
    security=READ,
    args=FormVersionArgsSchema,
    path=DatasetSlugSchema,
    answers={200: answer("The form (null: only the common fields).", FormAnswerSchema)},
    errors=(400, 404),
)
def get_form(slug: str, args: dict):
    # A record's labels come from the version it was made with (its properties.form_version).
    session = get_session()
    dataset = service.dataset_named(session, slug)
    version = args.get("version")
    if version is None:
        return json_text_response(json.dumps({"form": queries.form_json(queries.current_form(session, dataset.id))}))
    form = queries.form_version(session, dataset.id, version)
    if form is None:
        raise NotFound(
            _("The dataset %(slug)s has no form version %(version)s.", slug=repr(slug), version=version),
            [{"path": "version", "message": "no such version"}],
        )
    response = json_text_response(json.dumps({"form": queries.form_json(form)}))
    # A published version never changes.
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/me/forms")
@operation(
    "getMyForms",
    "datasets",
    "Read the current forms of every dataset you may record into, at once (the recording page, kept offline)",
    security=READ,
    args=NoArgs,
    answers={200: answer("Each dataset you may record into, with its current form or null.", MyFormsAnswerSchema)},
    errors=(400, 401),
)
def get_my_forms():
    # The datasets the recording page offers (access.record_sql); each form is what
    # GET /datasets/{slug}/form answers for it.
    viewer = viewer_of(require_user())
    body = {"forms": queries.recordable_forms(get_session(), viewer)}
    response = json_text_response(json.dumps(body))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.put("/datasets/<slug>/form")
@operation(
    "publishDatasetForm",
    "datasets",
    "Publish a new version of a dataset's recording form (its stewards)",
    security=WRITE,
    path=DatasetSlugSchema,
    body={JSON: FormSchema},
    answers={201: answer("The new version.", FormAnswerSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def publish_form(slug: str):
    user = require_user()
    definition = load(FormSchema(), read_json())
    session = get_session()
    form = service.publish_form(session, user, service.dataset_named(session, slug), definition)
    session.commit()
    return json_text_response(json.dumps({"form": queries.form_json(form)}), status=201)


@bp.post("/datasets/<slug>/form/xlsform")
@operation(
    "importXLSForm",
    "datasets",
    "Read an XLSForm into a new version of the dataset's form (its stewards)",
    security=WRITE,
    path=DatasetSlugSchema,
    body={"multipart/form-data": XLSFormUploadSchema},
    answers={200: answer("Dry run: the report.", XLSFormReportSchema), 201: answer("Imported.", XLSFormReportSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def import_xlsform(slug: str):
    user = require_user()
    session = get_session()
    dataset = service.dataset_named(session, slug)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest(
            "Send the XLSForm as multipart form data in the field 'file'.", [{"path": "file", "message": "missing"}]
        )
    dry_run = parse_flag("dry_run", request.form.get("dry_run", ""))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        try:
            upload.save(path)
        finally:
            upload.close()  # a large upload is spooled to a temporary file: release it now
        definition, notes, form = service.import_xlsform(session, user, dataset, path, dry_run)
    session.commit()
    notes_text = [str(n) for n in notes]
    body = {"dry_run": dry_run, "form": queries.form_json(form), "definition": definition, "notes": notes_text}
    return json_text_response(json.dumps(body), status=200 if dry_run else 201)


@bp.get("/datasets/<slug>/form.xlsx")
@operation(
    "exportXLSForm",
    "datasets",
    "The dataset's current form as an XLSForm",
    security=READ,
    args=NoArgs,
    path=DatasetSlugSchema,
    answers={200: answer("The .xlsx file.", {"type": "string", "format": "binary"}, media_type=XLSX)},
    errors=(400, 404),
)
def export_xlsform(slug: str):
    session = get_session()
    dataset = service.dataset_named(session, slug)
    form = queries.current_form(session, dataset.id)
    if form is None:
        raise NotFound(f"The dataset {slug!r} has only the common fields: no form to export.")
    return Response(
        write_xlsform(form.definition),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{slug}-form-v{form.version}.xlsx"'},
    )
