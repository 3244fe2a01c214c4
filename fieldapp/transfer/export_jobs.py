"""Large exports as background jobs: queued by the web tier, run by `fieldapp worker` as the viewer who asked.

The job stores the requester's user id; the worker rebuilds that viewer (access.viewer_by_id) and
reads through the same gate as a streamed export (exporters.Export). The file is written in the
attempt's work folder and renamed into place only when whole; the job's "succeeded" and the export's
usage log commit together, only while the worker's claim holds. A killed attempt leaves no file in
place (its work folder goes when another worker takes the job); an expired file goes with its job.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, may_fetch_export, viewer_by_id
from fieldapp.datasets.models import Dataset
from fieldapp.errors import NotFound
from fieldapp.i18n import DEFAULT_LANGUAGE, current_language
from fieldapp.transfer import jobs
from fieldapp.transfer.exporters import FORMATS, Export, count_upto

log = logging.getLogger(__name__)


def wants_job(session: Session, viewer: Viewer, dataset: Dataset, settings, background: bool) -> bool:
    """Whether this export goes to a worker: asked for, or more records (as the viewer sees them) than inline allows."""
    limit = settings.export_inline_max_records
    return background or count_upto(session, viewer, dataset, limit + 1) > limit


def create_export_job(session: Session, settings, dataset: Dataset, viewer: Viewer, fmt: str):
    """Queue an export of the dataset as this viewer will see it when a worker runs it."""
    job_id = uuid.uuid4()
    filename = f"{dataset.slug}.{FORMATS[fmt][1]}"
    path = Path(settings.media_dir) / "exports" / str(job_id) / filename
    session.execute(
        text("""
        INSERT INTO import_job (id, kind, dataset_id, user_id, filename, stored_path, size, options, time_limit_s)
        VALUES (:id, 'export', :dataset, :user, :name, :path, 0, :options, :limit)"""),
        {
            "id": job_id,
            "dataset": dataset.id,
            "user": viewer.user_id,
            "name": filename,
            "path": str(path),
            # The file's notices are in the language of the request that asked for it.
            "options": json.dumps({"format": fmt, "anonymous": viewer.is_anonymous, "language": current_language()}),
            "limit": settings.export_time_limit_s,
        },
    )
    job = jobs.get_job(session, job_id)
    jobs.queue(session, job)
    return job


def export_json(job) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "dataset": job.dataset,
        "format": job.options.get("format"),
        "file": job.filename,
        "status": job.status,
        "records": job.rows_read,
        "bytes": job.size if job.status == "succeeded" else None,
        "error": {"message": job.error, "details": []} if job.error else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "attempts": job.attempts,
        "cancel_requested": job.cancel_requested,
    }


def by_anonymous(job) -> bool:
    """Whether an anonymous visitor asked for this export (not a signed-in account deleted since)."""
    return bool(job.options.get("anonymous"))


def visible_export(session: Session, viewer: Viewer, job_id: uuid.UUID):
    """The export job, if this viewer may follow it; else 404, as if there were none."""
    job = jobs.get_job(session, job_id)
    if job is None or job.kind != "export" or not may_fetch_export(viewer, job.user_id, by_anonymous(job)):
        raise NotFound(f"No export job {job_id}.")
    return job


def result_path(job) -> Path | None:
    """The finished file of a succeeded export, if it is still there."""
    path = Path(job.stored_path)
    return path if job.status == "succeeded" and path.is_file() else None


def run_claimed_export(database, job, workdir: Path) -> bool:
    """Write a claimed export and record its outcome; False if the claim was lost meanwhile."""
    session = database.sessionmaker()
    try:
        session.execute(text("SELECT set_config('application_name', :n, false)"), {"n": jobs.backend_name(job)})
        session.commit()
        try:
            status, count, size, error = _write(database, session, job, workdir)
        except Exception as exc:  # a worker must record every failure, whatever raised it
            log.exception("export job %s failed", job.id)
            session.rollback()
            status, count, size, error = "failed", 0, 0, f"The export failed unexpectedly: {exc}"
        if status != "succeeded":
            session.rollback()
            Path(job.stored_path).unlink(missing_ok=True)  # a file an earlier, killed attempt put in place
        held = jobs.finish_claim(session, job, status, count, size, error)
        if held:
            session.commit()
        else:
            session.rollback()
        return held
    finally:
        session.close()


def _write(database, session: Session, job, workdir: Path) -> tuple[str, int, int, str]:
    viewer = viewer_by_id(session, job.user_id)
    if viewer is None or (viewer.is_anonymous and not by_anonymous(job)):
        return "failed", 0, 0, "The account that asked for this export no longer exists."
    dataset = session.get(Dataset, job.dataset_id)
    if dataset is None:
        return "failed", 0, 0, "The dataset no longer exists."
    with force_locale(job.options.get("language") or DEFAULT_LANGUAGE):
        export = Export(session, viewer, dataset, job.options["format"], via="job")
        return _write_file(database, session, job, export, workdir)


def _write_file(database, session: Session, job, export: Export, workdir: Path) -> tuple[str, int, int, str]:
    progress = jobs.ProgressReporter(database, job)
    export.progress = lambda records: progress(0.0, records)  # while the rows are read, before any byte is out
    part = workdir / job.filename
    with part.open("wb") as out:
        for chunk in export.body():
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    size = part.stat().st_size
    os.replace(part, job.stored_path)  # whole or not at all: the work folder is inside the job's folder
    export.log_usage(commit=False)  # commits with the job's outcome
    return "succeeded", export.count, size, ""


def expire(session: Session, keep_h: int, kind: str = "export") -> int:
    """Remove export (or comparison) jobs ended more than keep_h hours ago, with their files; how many went."""
    paths = session.scalars(
        text("""
        DELETE FROM import_job
        WHERE kind = :kind AND status IN ('succeeded', 'failed', 'cancelled')
          AND finished_at < now() - make_interval(hours => :keep)
        RETURNING stored_path"""),
        {"keep": keep_h, "kind": kind},
    ).all()
    session.commit()
    for path in paths:
        shutil.rmtree(Path(path).parent, ignore_errors=True)
    return len(paths)
