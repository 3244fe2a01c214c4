"""JSON API for comparisons: GET /api/v1/comparisons, and the jobs of large ones."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request, send_file, url_for

from fieldapp.accounts.auth import current_user
from fieldapp.comparison import jobs as comparison_jobs
from fieldapp.comparison.schemas import (
    CellsSchema,
    ComparisonApiArgsSchema,
    ComparisonJobPathSchema,
    ComparisonJobSchema,
    ComparisonSchema,
    comparison_of,
)
from fieldapp.comparison.service import answer_body, grid_for, run_comparison, work_of
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import Conflict
from fieldapp.http import GEOJSON, json_text_response
from fieldapp.openapi import JSON, READ, Answer, answer, operation
from fieldapp.transfer import jobs

bp = Blueprint("comparison_api", __name__)
_MEDIA = {"json": JSON, "geojson": GEOJSON, "csv": "text/csv"}


@bp.get("/comparisons")
@operation(
    "getComparison",
    "comparisons",
    "Compare two selections cell by cell",
    description="Symmetric: neither side is the reference. Uses public geometry only. A comparison whose grid"
    " work is above FIELDAPP_COMPARISON_INLINE_MAX_WORK (or asked with background=true) answers 202 with its"
    " job's URL: a worker runs it, and the answer is the job's file.",
    security=READ,
    args=ComparisonApiArgsSchema,
    answers={
        200: Answer(
            "The comparison, in the format asked for.",
            {
                JSON: ComparisonSchema,
                GEOJSON: CellsSchema,
                "text/csv": {"type": "string", "description": "One row per cell."},
            },
        ),
        202: answer("Queued as a background job.", ComparisonJobSchema, location="The job's URL."),
    },
    errors=(400, 401),
)
def get_comparison(args: dict):
    a, b, cell_m, shape = comparison_of(args)
    fmt = args["format"]
    settings = current_settings()
    grid = grid_for(cell_m, shape, settings)
    session = get_session()
    user = current_user()
    work = work_of(session, a, b, grid)
    if work <= settings.comparison_max_work and (args.get("background") or work > settings.comparison_inline_max_work):
        job = comparison_jobs.queue_comparison(session, settings, request.args, fmt, user.id if user else None)
        return _job_response(job, 202)
    outcome = run_comparison(session, a, b, grid, user.id if user else None, "csv" if fmt == "csv" else "geojson")
    body, media_type, headers = answer_body(outcome, fmt)
    if fmt == "csv":
        return Response(body, mimetype=media_type, headers=headers)
    return json_text_response(body, mimetype=media_type, headers=headers)


@bp.get("/comparisons/jobs/<uuid:job_id>")
@operation(
    "getComparisonJob",
    "comparisons",
    "Follow a comparison job",
    description="Comparisons are public: whoever has the job's URL may follow it.",
    security=READ,
    path=ComparisonJobPathSchema,
    answers={200: answer("The job.", ComparisonJobSchema)},
    errors=(404,),
)
def get_comparison_job(job_id):
    return _job_response(comparison_jobs.get_comparison_job(get_session(), job_id), 200)


@bp.get("/comparisons/jobs/<uuid:job_id>/file")
@operation(
    "downloadComparisonJob",
    "comparisons",
    "Download a finished comparison",
    description="The answer a worker wrote, in the format asked for; 409 while the job has not succeeded.",
    security=READ,
    path=ComparisonJobPathSchema,
    answers={200: Answer("The comparison.", {media: {"type": "string"} for media in _MEDIA.values()})},
    errors=(404, 409),
)
def download_comparison_job(job_id):
    job = comparison_jobs.get_comparison_job(get_session(), job_id)
    path = comparison_jobs.result_path(job)
    if path is None:
        raise Conflict(f"The comparison is {job.status}: there is no file to download.")
    fmt = job.options["format"]
    return send_file(path, mimetype=_MEDIA[fmt], as_attachment=fmt != "json", download_name=job.filename, max_age=0)


@bp.post("/comparisons/jobs/<uuid:job_id>/cancel")
@operation(
    "cancelComparisonJob",
    "comparisons",
    "Cancel a comparison job",
    security=READ,
    path=ComparisonJobPathSchema,
    answers={200: answer("The job, cancelled or being stopped.", ComparisonJobSchema)},
    errors=(404, 409),
)
def cancel_comparison_job(job_id):
    session = get_session()
    comparison_jobs.get_comparison_job(session, job_id)
    job = jobs.cancel(session, job_id)
    if job is None:
        raise Conflict("The comparison job has already ended; there is nothing to cancel.")
    session.commit()
    return _job_response(job, 200)


def _job_response(job, status: int) -> Response:
    location = url_for(".get_comparison_job", job_id=job.id, _external=True)
    links = {"self": location}
    if comparison_jobs.result_path(job) is not None:
        links["file"] = url_for(".download_comparison_job", job_id=job.id, _external=True)
    if job.options.get("format") == comparison_jobs.PAGE:
        links["page"] = url_for("comparison.comparison_job", job_id=job.id, _external=True)
    body = comparison_jobs.job_json(job) | {"links": links}
    headers = {"Location": location} if status == 202 else {}
    return Response(json.dumps(body, default=str), status=status, mimetype=JSON, headers=headers)
