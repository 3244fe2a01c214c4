"""The import pages: the upload from a dataset page, its report, and a background job's status."""

from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request, url_for
from flask.globals import app_ctx

from fieldapp.access import may_import, may_see_job
from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, Forbidden, NotFound
from fieldapp.transfer import jobs
from fieldapp.transfer.exporters import find_dataset
from fieldapp.transfer.options import parse_options

bp = Blueprint("transfer", __name__)


def allow_large_imports() -> None:
    """Raise the body limit for uploads to the import page and API (an app-wide hook, before CSRF reads the form)."""
    if request.method == "POST" and request.blueprint in ("transfer", "transfer_api"):
        request.max_content_length = current_settings().import_max_bytes


@bp.post("/datasets/<slug>/import")
def import_upload(slug: str):
    user = require_user()
    session = get_session()
    dataset = find_dataset(session, slug)
    if not may_import(session, current_viewer(), dataset.id):
        raise Forbidden("Only the dataset's stewards and park staff may import into it.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest("Choose a file to import.", [{"path": "file", "message": "missing"}])
    options = parse_options(request.form.to_dict(flat=False), slug, user.id, ignored=("csrf_token",))
    job = jobs.create_job(session, current_settings(), dataset, user, upload, options)
    if job.size > current_settings().import_inline_max_bytes:
        session.commit()
        jobs.start_in_background(app_ctx.app, job.id)
    else:
        job = jobs.run_inline(session, job)
    return _job_page(dataset, job)


@bp.get("/datasets/<slug>/imports/<uuid:job_id>")
def import_status(slug: str, job_id: uuid.UUID):
    session = get_session()
    dataset = find_dataset(session, slug)
    job = jobs.get_job(session, job_id)
    if job is None or job.dataset != slug or not may_see_job(current_viewer(), job.user_id):
        raise NotFound(f"No import job {job_id} for {slug!r}.")
    return _job_page(dataset, job)


def _job_page(dataset, job):
    status = 422 if job.status == "failed" else (202 if job.status in ("queued", "running") else 200)
    return render_template(
        "transfer/report.html",
        dataset=dataset,
        job=jobs.job_json(job),
        status_url=url_for(".import_status", slug=dataset.slug, job_id=job.id),
    ), status
