"""JSON API for imports and exports: upload a file to a dataset, follow its job, download the dataset."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request, send_file, stream_with_context, url_for

from fieldapp.access import may_import, may_see_job, viewer_of
from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.datasets.schemas import DatasetPathSchema
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, Conflict, Forbidden, NotFound
from fieldapp.openapi import READ, WRITE, Answer, answer, operation
from fieldapp.transfer import export_jobs, jobs
from fieldapp.transfer.exporters import FORMATS as EXPORT_FORMATS
from fieldapp.transfer.exporters import Export, check_format, find_dataset
from fieldapp.transfer.options import parse_flag, parse_options
from fieldapp.transfer.schemas import (
    ExportArgsSchema,
    ExportJobPathSchema,
    ExportJobSchema,
    ImportFormSchema,
    ImportJobPathSchema,
    ImportJobSchema,
)

bp = Blueprint("transfer_api", __name__)


_BINARY = {"type": "string", "format": "binary"}


@bp.get("/datasets/<slug>/export")
@operation(
    "exportDataset",
    "datasets",
    "Download a dataset",
    description="Streamed; public geometry for everyone except those allowed the precise one. An export of more"
    " records than FIELDAPP_EXPORT_INLINE_MAX_RECORDS (or with background=true) answers 202 with its job's URL:"
    " a worker writes the file as the viewer who asked, and only that viewer may follow the job and download it.",
    security=READ,
    args=ExportArgsSchema,
    path=DatasetPathSchema,
    answers={
        200: Answer("The file.", {media: _BINARY for media, _ in EXPORT_FORMATS.values()}),
        202: answer("Queued as a background job.", ExportJobSchema, location="The job's URL."),
    },
    errors=(400, 404),
)
def export_dataset(slug: str, args: dict):
    session = get_session()
    viewer = current_viewer()
    dataset = find_dataset(session, slug)
    fmt = check_format(args.get("format"))
    if export_jobs.wants_job(session, viewer, dataset, current_settings(), args.get("background", False)):
        job = export_jobs.create_export_job(session, current_settings(), dataset, viewer, fmt)
        return _export_response(job, 202)
    export = Export(session, viewer, dataset, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    return Response(stream_with_context(export.chunks()), mimetype=export.media_type, headers=headers)


@bp.get("/exports/<uuid:job_id>")
@operation(
    "getExport",
    "datasets",
    "Follow an export job",
    description="Only the viewer who asked for the export may follow it (an anonymous visitor's: whoever has its URL).",
    security=READ,
    path=ExportJobPathSchema,
    answers={200: answer("The job.", ExportJobSchema)},
    errors=(401, 404),
)
def get_export(job_id):
    return _export_response(export_jobs.visible_export(get_session(), current_viewer(), job_id), 200)


@bp.get("/exports/<uuid:job_id>/file")
@operation(
    "downloadExport",
    "datasets",
    "Download a finished export",
    description="The file a worker wrote, for the viewer who asked for it; 409 while the job has not succeeded.",
    security=READ,
    path=ExportJobPathSchema,
    answers={200: Answer("The file.", {media: _BINARY for media, _ in EXPORT_FORMATS.values()})},
    errors=(401, 404, 409),
)
def download_export(job_id):
    job = export_jobs.visible_export(get_session(), current_viewer(), job_id)
    path = export_jobs.result_path(job)
    if path is None:
        raise Conflict(f"The export is {job.status}: there is no file to download.")
    media_type = EXPORT_FORMATS[job.options["format"]][0]
    return send_file(path, mimetype=media_type, as_attachment=True, download_name=job.filename, max_age=0)


@bp.post("/exports/<uuid:job_id>/cancel")
@operation(
    "cancelExport",
    "datasets",
    "Cancel an export job",
    description="A queued job is cancelled at once; a running one is stopped by its worker within a few seconds.",
    security=READ,
    path=ExportJobPathSchema,
    answers={200: answer("The job, cancelled or being stopped.", ExportJobSchema)},
    errors=(401, 404, 409),
)
def cancel_export(job_id):
    session = get_session()
    export_jobs.visible_export(get_session(), current_viewer(), job_id)
    job = jobs.cancel(session, job_id)
    if job is None:
        raise Conflict("The export job has already ended; there is nothing to cancel.")
    session.commit()
    return _export_response(job, 200)


def _export_response(job, status: int) -> Response:
    location = url_for(".get_export", job_id=job.id, _external=True)
    body = export_jobs.export_json(job) | {"links": {"self": location}}
    if export_jobs.result_path(job) is not None:
        body["links"]["file"] = url_for(".download_export", job_id=job.id, _external=True)
    return _job_response(body, status, location if status == 202 else None)


@bp.post("/datasets/<slug>/imports")
@operation(
    "importFile",
    "datasets",
    "Import a file into a dataset (stewards)",
    description="All-or-nothing; a record is updated only when the same source (the file's own ids, the same"
    " file, or the same source_key) gives the same id. Small files answer with the report;"
    " large ones (or background=true) answer 202 with a status URL: a worker process runs them.",
    security=WRITE,
    path=DatasetPathSchema,
    body={"multipart/form-data": ImportFormSchema},
    answers={
        200: answer("Dry run: the report.", ImportJobSchema, location="The job's status URL."),
        201: answer("Imported: the report.", ImportJobSchema, location="The job's status URL."),
        202: answer("Queued as a background job.", ImportJobSchema, location="The job's status URL."),
    },
    errors=(400, 401, 403, 404, 413, 422),
)
def import_file(slug: str):
    user = require_user()
    session = get_session()
    dataset = find_dataset(session, slug)
    if not may_import(session, viewer_of(user), dataset.id):
        raise Forbidden("Only the dataset's stewards and park staff may import into it.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest(
            "Send the file as multipart form data in the field 'file'.", [{"path": "file", "message": "missing"}]
        )
    options = parse_options(request.form.to_dict(flat=False), slug, user.id, ignored=("background",))
    background = parse_flag("background", request.form.get("background", ""))
    job = jobs.create_job(session, current_settings(), dataset, user, upload, options)
    location = url_for(".get_job", job_id=job.id, _external=True)
    if background or job.size > current_settings().import_inline_max_bytes:
        jobs.queue(session, job)
        return _job_response(jobs.job_json(job), 202, location)
    job = jobs.run_inline(session, job)
    status = 422 if job.status == "failed" else (200 if options.dry_run else 201)
    return _job_response(jobs.job_json(job), status, location)


@bp.get("/imports/<uuid:job_id>")
@operation(
    "getImport",
    "datasets",
    "Follow an import job",
    security=WRITE,
    path=ImportJobPathSchema,
    answers={200: answer("The job.", ImportJobSchema)},
    errors=(401, 404),
)
def get_job(job_id):
    return _job_response(jobs.job_json(_visible_job(job_id)), 200, None)


@bp.post("/imports/<uuid:job_id>/cancel")
@operation(
    "cancelImport",
    "datasets",
    "Cancel an import job",
    description="A queued job is cancelled at once; a running one is stopped by its worker within a few"
    " seconds (follow the job until its status is cancelled). Nothing is written either way.",
    security=WRITE,
    path=ImportJobPathSchema,
    answers={200: answer("The job, cancelled or being stopped.", ImportJobSchema)},
    errors=(401, 404, 409),
)
def cancel_job(job_id):
    session = get_session()
    _visible_job(job_id)
    job = jobs.cancel(session, job_id)
    if job is None:
        raise Conflict("The import job has already ended; there is nothing to cancel.")
    session.commit()
    return _job_response(jobs.job_json(job), 200, None)


def _visible_job(job_id):
    job = jobs.get_job(get_session(), job_id)
    if job is None or job.kind != "import" or not may_see_job(viewer_of(current_user()), job.user_id):
        raise NotFound(f"No import job {job_id}.")
    return job


def _job_response(body: dict, status: int, location: str | None) -> Response:
    headers = {"Location": location} if location else {}
    return Response(json.dumps(body, default=str), status=status, mimetype="application/json", headers=headers)
