"""Import and export on the dataset page: download links for everyone, an upload form for its stewards."""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, render_template, request, url_for
from flask.globals import app_ctx

from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, Forbidden, NotFound
from fieldapp.geoprivacy.policy import stewards_dataset
from fieldapp.transfer import jobs
from fieldapp.transfer.api import DEFAULT_IMPORT_MAX_BYTES
from fieldapp.transfer.exporters import FORMATS as EXPORT_FORMATS
from fieldapp.transfer.exporters import find_dataset
from fieldapp.transfer.importer import ImportOptions
from fieldapp.transfer.readers import FORMATS as IMPORT_FORMATS

bp = Blueprint("transfer", __name__)
EXPORT_LABELS = {"geojson": "GeoJSON", "csv": "CSV", "gpkg": "GeoPackage", "dwca": "Darwin Core Archive"}
IMPORT_LABELS = {
    "geojson": "GeoJSON",
    "csv": "CSV",
    "shapefile": "Shapefile (zip)",
    "gpkg": "GeoPackage",
    "kml": "KML",
    "gpx": "GPX",
    "dwca": "Darwin Core Archive",
}


@bp.before_request
def _allow_large_uploads() -> None:
    # Uploads may be larger than other request bodies: the import API's limit applies here too.
    if request.method == "POST":
        request.max_content_length = current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES)


def may_import(session, viewer, dataset_id: int) -> bool:
    """Stewards of the dataset and park staff may import into it."""
    return viewer.is_privileged or stewards_dataset(session, viewer, dataset_id)


@bp.app_template_global()
def dataset_actions(slug: str) -> dict:
    """What the dataset page offers this viewer: export links, and whether to show the import form."""
    session = get_session()
    dataset = find_dataset(session, slug)
    return {
        "exports": [
            (EXPORT_LABELS[fmt], url_for("transfer_api.export_dataset", slug=slug, format=fmt))
            for fmt in EXPORT_FORMATS
        ],
        "may_import": may_import(session, current_viewer(), dataset.id),
        "import_formats": [(fmt, IMPORT_LABELS[fmt]) for fmt in IMPORT_FORMATS],
    }


def _options(slug: str, user_id: int) -> ImportOptions:
    form = request.form
    # One override per line, as on the command line: subject=EUNIScombD, subject==Maerl, or notes=
    mapping = [line.strip() for line in form.get("map", "").splitlines() if line.strip()]
    fmt = form.get("format") or None
    if fmt is not None and fmt not in IMPORT_FORMATS:
        raise BadRequest(f"Unknown format {fmt!r}.", [{"path": "format", "message": "unknown format"}])
    return ImportOptions(
        dataset=slug,
        format=fmt,
        layer=form.get("layer", "").strip() or None,
        crs=form.get("crs", "").strip() or None,
        mapping=mapping,
        dry_run=form.get("dry_run") == "on",
        skip_rejected=form.get("skip_rejected") == "on",
        user_id=user_id,
    )


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
    options = _options(slug, user.id)
    job = jobs.create_job(session, current_app.extensions["fieldapp.settings"], dataset, user, upload, options)
    if job.size > current_app.config.get("IMPORT_INLINE_MAX_BYTES", jobs.INLINE_MAX_BYTES):
        session.commit()
        jobs.start_in_background(app_ctx.app, job.id)
    else:
        job = jobs.run_inline(session, job)
    return _job_page(dataset, job)


@bp.get("/datasets/<slug>/imports/<uuid:job_id>")
def import_status(slug: str, job_id: uuid.UUID):
    user = current_user()
    session = get_session()
    dataset = find_dataset(session, slug)
    job = jobs.get_job(session, job_id)
    if (
        job is None
        or job.dataset != slug
        or user is None
        or not (job.user_id == user.id or current_viewer().is_privileged)
    ):
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
