"""JSON API for imports and exports: upload a file to a dataset, follow its job, download the dataset."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request, stream_with_context, url_for
from flask.globals import app_ctx

from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, Forbidden, NotFound
from fieldapp.geo.filters import reject_unknown
from fieldapp.geoprivacy.policy import stewards_dataset
from fieldapp.observations.service import viewer_of
from fieldapp.transfer import jobs
from fieldapp.transfer.exporters import Export, find_dataset
from fieldapp.transfer.importer import ImportOptions

bp = Blueprint("transfer_api", __name__)
_TRUE = ("1", "true", "yes", "on")


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
    viewer = viewer_of(user)
    if not (viewer.is_privileged or stewards_dataset(session, viewer, dataset.id)):
        raise Forbidden("Only the dataset's stewards and park staff may import into it.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest(
            "Send the file as multipart form data in the field 'file'.", [{"path": "file", "message": "missing"}]
        )
    options = _options(slug, user.id)
    background = request.form.get("background", "").lower() in _TRUE
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
    if job is None or user is None or not (job.user_id == user.id or viewer_of(user).is_privileged):
        raise NotFound(f"No import job {job_id}.")
    return _job_response(jobs.job_json(job), 200, None)


def _options(slug: str, user_id: int) -> ImportOptions:
    form = request.form
    unknown = set(form) - {
        "dry_run",
        "format",
        "layer",
        "crs",
        "map",
        "skip_rejected",
        "date_order",
        "default_date",
        "background",
    }
    if unknown:
        raise BadRequest(
            f"Unknown form field(s): {', '.join(sorted(unknown))}.",
            [{"path": name, "message": "unknown field"} for name in sorted(unknown)],
        )
    pairs: list[str] = form.getlist("map")
    mapping: list[str] | dict[str, str] = pairs
    if len(pairs) == 1 and pairs[0].lstrip().startswith("{"):
        try:
            mapping = {str(k): str(v) for k, v in json.loads(pairs[0]).items()}
        except (ValueError, AttributeError):
            raise BadRequest(
                "'map' is target=column pairs or a JSON object.", [{"path": "map", "message": "malformed"}]
            ) from None
    return ImportOptions(
        dataset=slug,
        format=form.get("format") or None,
        layer=form.get("layer") or None,
        crs=form.get("crs") or None,
        mapping=mapping,
        dry_run=form.get("dry_run", "").lower() in _TRUE,
        skip_rejected=form.get("skip_rejected", "").lower() in _TRUE,
        date_order=form.get("date_order") or None,
        default_date=form.get("default_date") or None,
        user_id=user_id,
    )


def _job_response(body: dict, status: int, location: str | None) -> Response:
    headers = {"Location": location} if location else {}
    return Response(json.dumps(body, default=str), status=status, mimetype="application/json", headers=headers)
