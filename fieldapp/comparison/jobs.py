"""Large comparisons as background jobs: more grid work than FIELDAPP_COMPARISON_INLINE_MAX_WORK goes to a worker.

Comparisons read what anonymous visitors see, whoever asks, so a comparison job and its answer are public
like the comparison itself: its unguessable id is its key. The job keeps the query's arguments and the
format asked for: `page` (the comparison page: cells stored for its map's tiles, the outcome kept in the
job's report) or the API's json, geojson or csv (a file, renamed into place only when whole). The outcome
and the usage log commit with the job's "succeeded", only while the worker's claim holds.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from fieldapp.comparison.queries import Limits
from fieldapp.comparison.schemas import parse_comparison
from fieldapp.comparison.service import Grid, answer_body, grid_for, run_comparison
from fieldapp.errors import FieldAppError, NotFound
from fieldapp.transfer import jobs

log = logging.getLogger(__name__)
PAGE = "page"
SUFFIXES = {"json": "json", "geojson": "geojson", "csv": "csv", PAGE: "json"}
# The arguments a job keeps: the comparison's own (its format is kept apart).
_NOT_KEPT = ("format", "background")


def queue_comparison(session: Session, settings, args: MultiDict, fmt: str, user_id: int | None):
    """Queue a comparison of these query arguments, answered in `fmt` (`page` for the comparison page)."""
    job_id = uuid.uuid4()
    kept = {name: values for name, values in args.to_dict(flat=False).items() if name not in _NOT_KEPT}
    filename = f"comparison-cells.{SUFFIXES[fmt]}"
    session.execute(
        text("""
        INSERT INTO import_job (id, kind, user_id, filename, stored_path, size, options, time_limit_s)
        VALUES (:id, 'comparison', :user, :name, :path, 0, :options, :limit)"""),
        {
            "id": job_id,
            "user": user_id,
            "name": filename,
            "path": str(Path(settings.media_dir) / "comparisons" / str(job_id) / filename),
            "options": json.dumps({"args": kept, "format": fmt}),
            "limit": settings.comparison_job_time_limit_s,
        },
    )
    job = jobs.get_job(session, job_id)
    jobs.queue(session, job)
    return job


def job_grid(settings, cell_m: float, shape: str, time_limit_s: int) -> Grid:
    """The grid a job runs on: the refusal limit as inline, the job's time limit for the statement."""
    grid = grid_for(cell_m, shape, settings)
    return Grid(
        grid.cell_m, grid.shape, grid.metric_srid, Limits(settings.comparison_max_work, time_limit_s), grid.keep_h
    )


def get_comparison_job(session: Session, job_id: uuid.UUID):
    """A comparison job (public, like comparisons); 404 for any other id."""
    job = jobs.get_job(session, job_id)
    if job is None or job.kind != "comparison":
        raise NotFound(f"No comparison job {job_id}.")
    return job


def job_json(job) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "format": job.options.get("format"),
        "status": job.status,
        "error": {"message": job.error, "details": []} if job.error else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "attempts": job.attempts,
        "cancel_requested": job.cancel_requested,
    }


def result_path(job) -> Path | None:
    path = Path(job.stored_path)
    return path if job.status == "succeeded" and job.options.get("format") != PAGE and path.is_file() else None


def run_claimed_comparison(database, job, workdir: Path) -> bool:
    """Run a claimed comparison and record its outcome; False if the claim was lost meanwhile."""
    from flask import current_app

    settings = current_app.extensions["fieldapp.settings"]
    session = database.sessionmaker()
    try:
        session.execute(text("SELECT set_config('application_name', :n, false)"), {"n": jobs.backend_name(job)})
        session.commit()
        try:
            status, report, error = _run(session, settings, job, workdir)
        except FieldAppError as exc:  # refused (too much work, a side with nothing) or too slow
            session.rollback()
            status, report, error = "failed", None, exc.message
        except Exception as exc:  # a worker must record every failure, whatever raised it
            log.exception("comparison job %s failed", job.id)
            session.rollback()
            status, report, error = "failed", None, f"The comparison failed unexpectedly: {exc}"
        if status != "succeeded":
            session.rollback()
            Path(job.stored_path).unlink(missing_ok=True)
        held = jobs.finish_claim(session, job, status, 0, 0, error)
        if held and report is not None:
            session.execute(
                text("UPDATE import_job SET report = :r WHERE id = :id"), {"r": json.dumps(report), "id": job.id}
            )
        if held:
            session.commit()
        else:
            session.rollback()
        return held
    finally:
        session.close()


def _run(session: Session, settings, job, workdir: Path) -> tuple[str, dict | None, str]:
    a, b, cell_m, shape = parse_comparison(MultiDict(job.options["args"]))
    fmt = job.options["format"]
    grid = job_grid(settings, cell_m, shape, job.time_limit_s)
    cells_format = "tiles" if fmt == PAGE else ("csv" if fmt == "csv" else "geojson")
    outcome = run_comparison(session, a, b, grid, job.user_id, cells_format, commit=False)
    if fmt == PAGE:
        outcome["found"] = json.loads(outcome.pop("cells"))
        return "succeeded", json.loads(json.dumps(outcome, default=str)), ""
    body, _media, _headers = answer_body(outcome, fmt)
    part = workdir / job.filename
    part.write_text(body)
    with part.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(part, job.stored_path)
    return "succeeded", None, ""
