"""JSON API for imports and exports: upload a file to a dataset, follow its job, download the dataset."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request, stream_with_context, url_for
from flask.globals import app_ctx

from fieldapp.access import may_import, may_see_job, viewer_of
from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, Forbidden, NotFound
from fieldapp.geo.filters import reject_unknown
from fieldapp.transfer import jobs
from fieldapp.transfer.exporters import Export, find_dataset
from fieldapp.transfer.options import parse_flag, parse_options

bp = Blueprint("transfer_api", __name__)


@bp.get("/datasets/<slug>/export")
def export_dataset(slug: str):
    reject_unknown(request.args, {"format"})
    session = get_session()
    export = Export(session, current_viewer(), find_dataset(session, slug), request.args.get("format"))
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    return Response(stream_with_context(export.chunks()), mimetype=export.media_type, headers=headers)


@bp.post("/datasets/<slug>/imports")
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
        session.commit()
        jobs.start_in_background(app_ctx.app, job.id)
        return _job_response(jobs.job_json(job), 202, location)
    job = jobs.run_inline(session, job)
    status = 422 if job.status == "failed" else (200 if options.dry_run else 201)
    return _job_response(jobs.job_json(job), status, location)


@bp.get("/imports/<uuid:job_id>")
def get_job(job_id):
    user = current_user()
    job = jobs.get_job(get_session(), job_id)
    if job is None or not may_see_job(viewer_of(user), job.user_id):
        raise NotFound(f"No import job {job_id}.")
    return _job_response(jobs.job_json(job), 200, None)


def _job_response(body: dict, status: int, location: str | None) -> Response:
    headers = {"Location": location} if location else {}
    return Response(json.dumps(body, default=str), status=status, mimetype="application/json", headers=headers)
