"""The transfer pages: the import upload from a dataset page, its report and a background job's status;
a download that streams a small export or queues a large one and shows its job."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, redirect, render_template, request, stream_with_context, url_for

from fieldapp.access import may_import, may_see_job
from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, Forbidden, NotFound
from fieldapp.i18n import _
from fieldapp.transfer import export_jobs, jobs, report_lines
from fieldapp.transfer.exporters import Export, check_format, find_dataset
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
        raise Forbidden(_("Only the dataset's stewards and park staff may import into it."))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest(_("Choose a file to import."), [{"path": "file", "message": _("missing")}])
    options = parse_options(request.form.to_dict(flat=False), slug, user.id, ignored=("csrf_token",))
    job = jobs.create_job(session, current_settings(), dataset, user, upload, options)
    if job.size > current_settings().import_inline_max_bytes:
        jobs.queue(session, job)
    else:
        job = jobs.run_inline(session, job)
    return _job_page(dataset, job)


@bp.get("/datasets/<slug>/imports/<uuid:job_id>")
def import_status(slug: str, job_id: uuid.UUID):
    session = get_session()
    dataset = find_dataset(session, slug)
    return _job_page(dataset, _visible_job(session, slug, job_id))


@bp.post("/datasets/<slug>/imports/<uuid:job_id>/cancel")
def import_cancel(slug: str, job_id: uuid.UUID):
    """Cancel a queued or running import; back to its page, which shows it stopping, then cancelled."""
    require_user()
    session = get_session()
    _visible_job(session, slug, job_id)
    jobs.cancel(session, job_id)  # a job that ended meanwhile stays as it ended
    session.commit()
    return redirect(url_for(".import_status", slug=slug, job_id=job_id), code=303)


def _visible_job(session, slug: str, job_id: uuid.UUID):
    job = jobs.get_job(session, job_id)
    if job is None or job.kind != "import" or job.dataset != slug or not may_see_job(current_viewer(), job.user_id):
        raise NotFound(_("No import job %(id)s for %(slug)s.", id=job_id, slug=repr(slug)))
    return job


def _job_page(dataset, job):
    status = 422 if job.status == "failed" else (202 if job.status in ("queued", "running") else 200)
    return render_template(
        "transfer/report.html",
        dataset=dataset,
        job=jobs.job_json(job),
        status_url=url_for(".import_status", slug=dataset.slug, job_id=job.id),
        cancel_url=url_for(".import_cancel", slug=dataset.slug, job_id=job.id),
        line=report_lines.word,
        error_line=jobs.error_line(job),
        reading_name=report_lines.reading_name,
    ), status


@bp.get("/datasets/<slug>/download")
def export_download(slug: str):
    """The dataset page's download: a small export is the file itself, a large one a job to follow."""
    session = get_session()
    viewer = current_viewer()
    dataset = find_dataset(session, slug)
    fmt = check_format(request.args.get("format"))
    if export_jobs.wants_job(session, viewer, dataset, current_settings(), background=False):
        job = export_jobs.create_export_job(session, current_settings(), dataset, viewer, fmt)
        return redirect(url_for(".export_status", job_id=job.id), code=303)
    export = Export(session, viewer, dataset, fmt, via="page")
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    return Response(stream_with_context(export.chunks()), mimetype=export.media_type, headers=headers)


@bp.get("/exports/<uuid:job_id>")
def export_status(job_id: uuid.UUID):
    job = export_jobs.visible_export(get_session(), current_viewer(), job_id)
    status = 200 if job.status in ("succeeded", "cancelled") else (202 if job.status != "failed" else 422)
    return render_template(
        "transfer/export_job.html",
        job=export_jobs.export_json(job),
        ready=export_jobs.result_path(job) is not None,
        file_url=url_for("transfer_api.download_export", job_id=job.id),
        cancel_url=url_for(".export_cancel", job_id=job.id),
        dataset_url=url_for("datasets.dataset_detail", slug=job.dataset),
        keep_h=current_settings().export_keep_h,
    ), status


@bp.post("/exports/<uuid:job_id>/cancel")
def export_cancel(job_id: uuid.UUID):
    """Cancel a queued or running export; back to its page."""
    session = get_session()
    export_jobs.visible_export(get_session(), current_viewer(), job_id)
    jobs.cancel(session, job_id)  # a job that ended meanwhile stays as it ended
    session.commit()
    return redirect(url_for(".export_status", job_id=job_id), code=303)
