"""Import jobs in PostgreSQL: small uploads run in the request, large ones in a background worker thread."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from fieldapp.config import current_settings
from fieldapp.errors import FieldAppError
from fieldapp.files import remove_quietly, write_atomic
from fieldapp.transfer.archives import ArchiveLimits
from fieldapp.transfer.importer import ImportOptions, ImportRejected, run_import

log = logging.getLogger(__name__)
_COLUMNS = (
    "id, dataset_id, user_id, status, dry_run, filename, stored_path, size, options, rows_read, progress,"
    " report, error, created_at, started_at, finished_at, (SELECT slug FROM dataset WHERE id = dataset_id)"
    " AS dataset"
)


def create_job(session: Session, settings, dataset, user, upload: FileStorage, options: ImportOptions):
    """Store the upload beside the media files and queue a job for it."""
    job_id = uuid.uuid4()
    folder = Path(settings.media_dir) / "imports" / str(job_id)
    name = secure_filename(upload.filename or "") or "upload"
    path = folder / name
    try:
        write_atomic(path, upload.stream)
    except BaseException:
        remove_quietly([folder])  # a full disk leaves no half-written upload or empty job folder
        raise
    finally:
        upload.close()  # large uploads are spooled to a temporary file: release it now
    session.execute(
        text("""
        INSERT INTO import_job (id, dataset_id, user_id, dry_run, filename, stored_path, size, options)
        VALUES (:id, :dataset, :user, :dry, :name, :path, :size, :options)"""),
        {
            "id": job_id,
            "dataset": dataset.id,
            "user": user.id,
            "dry": options.dry_run,
            "name": name,
            "path": str(path),
            "size": path.stat().st_size,
            "options": json.dumps(asdict(options)),
        },
    )
    return get_job(session, job_id)


def get_job(session: Session, job_id: uuid.UUID):
    return session.execute(text(f"SELECT {_COLUMNS} FROM import_job WHERE id = :id"), {"id": job_id}).first()


def job_json(job) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "dataset": job.dataset,
        "file": job.filename,
        "status": job.status,
        "dry_run": job.dry_run,
        "size": job.size,
        "rows_read": job.rows_read,
        "progress": job.progress,
        "report": job.report,
        "error": _error(job),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def _error(job) -> dict[str, Any] | None:
    """A failed job's error in the API's error shape, with each rejected row as a detail."""
    if not job.error:
        return None
    rejected = (job.report or {}).get("rejected", [])[:100]
    details = [
        {"path": f"{r['layer'] + ' ' if r.get('layer') else ''}row {r['row']}", "message": r["reason"]}
        for r in rejected
    ]
    return {"message": job.error, "details": details}


def _options(job) -> ImportOptions:
    return ImportOptions(**job.options)


def _execute(session: Session, options: ImportOptions, path: Path, progress=None) -> tuple[str, dict | None, str]:
    """Run the import; return (status, report, error). Failure leaves nothing written."""
    with tempfile.TemporaryDirectory(prefix="fieldapp-import-") as workdir:
        try:
            limits = ArchiveLimits.of(current_settings())
            report = run_import(session, path, options, Path(workdir), progress, limits)
        except ImportRejected as exc:
            return "failed", exc.report.as_dict(), exc.message
        except FieldAppError as exc:
            return "failed", None, exc.message
    return "succeeded", report.as_dict(), ""


def _finish(session: Session, job_id, status: str, report: dict | None, error: str) -> None:
    session.execute(
        text("""
        UPDATE import_job SET status = :status, report = :report, error = nullif(:error, ''),
               rows_read = coalesce((:report)::jsonb->>'rows_read', '0')::bigint, progress = 1,
               finished_at = now(), started_at = coalesce(started_at, now())
        WHERE id = :id"""),
        {"id": job_id, "status": status, "report": json.dumps(report, default=str) if report else None, "error": error},
    )


def run_inline(session: Session, job):
    """Import a small upload within the request, inside a savepoint the job row survives."""
    savepoint = session.begin_nested()
    status, report, error = _execute(session, _options(job), Path(job.stored_path))
    if status == "succeeded" and not job.dry_run:
        savepoint.commit()
    else:
        savepoint.rollback()
    _finish(session, job.id, status, report, error)
    session.commit()
    _discard(job.stored_path)
    return get_job(session, job.id)


def start_in_background(app: Flask, job_id: uuid.UUID) -> threading.Thread:
    """Run a queued job in a thread of this worker; the job row, not the thread, is the source of truth."""
    worker = threading.Thread(target=work, args=(app, job_id), name=f"import-{job_id}", daemon=True)
    worker.start()
    return worker


def work(app: Flask, job_id: uuid.UUID) -> None:
    """Claim a queued job and run it to the end, recording progress and the outcome."""
    database = app.extensions["fieldapp.db"]
    with app.app_context():
        with database.session() as session:
            job = session.execute(
                text(f"""
                UPDATE import_job SET status = 'running', started_at = now()
                WHERE id = (SELECT id FROM import_job WHERE id = :id AND status = 'queued' FOR UPDATE SKIP LOCKED)
                RETURNING {_COLUMNS}"""),
                {"id": job_id},
            ).first()
        if job is None:
            return
        try:
            outcome = _run_claimed(database, job)
        except Exception as exc:  # a worker must record every failure, whatever raised it
            log.exception("import job %s failed", job_id)
            outcome = ("failed", None, f"The import failed unexpectedly: {exc}")
        with database.session() as session:
            _finish(session, job_id, *outcome)
        _discard(job.stored_path)


def _run_claimed(database, job) -> tuple[str, dict | None, str]:
    reporter = _ProgressReporter(database, job.id)
    session = database.sessionmaker()
    try:
        outcome = _execute(session, _options(job), Path(job.stored_path), reporter)
        if outcome[0] == "succeeded" and not job.dry_run:
            session.commit()
        else:
            session.rollback()
        return outcome
    finally:
        session.close()


class _ProgressReporter:
    """Write progress to the job row at most once a second, in its own short transaction."""

    def __init__(self, database, job_id):
        self.database, self.job_id, self.last = database, job_id, 0.0

    def __call__(self, fraction: float, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < 1.0:
            return
        self.last = now
        with self.database.session() as session:
            session.execute(
                text("UPDATE import_job SET progress = :p, rows_read = :r WHERE id = :id"),
                {"p": fraction, "r": rows, "id": self.job_id},
            )


def _discard(stored_path: str) -> None:
    shutil.rmtree(Path(stored_path).parent, ignore_errors=True)
