"""Jobs in PostgreSQL: small uploads run in the request; larger ones (and large exports, see
export_jobs.py) wait in the import_job table for a `fieldapp worker` process (fieldapp/worker.py),
which claims, runs, renews, stops and releases them through the functions below."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from fieldapp.config import current_settings
from fieldapp.errors import FieldAppError
from fieldapp.files import remove_quietly, write_atomic
from fieldapp.transfer.archives import ArchiveLimits
from fieldapp.transfer.importer import ImportOptions, ImportRejected, run_import
from fieldapp.transfer.report_lines import Line, as_stored

log = logging.getLogger(__name__)
_COLUMNS = (
    "id, dataset_id, user_id, status, dry_run, filename, stored_path, size, options, rows_read, progress,"
    " report, error, created_at, started_at, finished_at, worker, lease_until, attempts, time_limit_s,"
    " cancel_requested, kind, (SELECT slug FROM dataset WHERE id = dataset_id) AS dataset"
)
# Workers LISTEN on this channel; a queued job NOTIFYs it when its transaction commits.
CHANNEL = "fieldapp_jobs"


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
        INSERT INTO import_job (id, dataset_id, user_id, dry_run, filename, stored_path, size, options, time_limit_s)
        VALUES (:id, :dataset, :user, :dry, :name, :path, :size, :options, :limit)"""),
        {
            "id": job_id,
            "dataset": dataset.id,
            "user": user.id,
            "dry": options.dry_run,
            "name": name,
            "path": str(path),
            "size": path.stat().st_size,
            "options": json.dumps(asdict(options)),
            "limit": settings.job_time_limit_s,
        },
    )
    return get_job(session, job_id)


def queue(session: Session, job) -> None:
    """Leave a created job to the workers: commit it, and wake a listening worker at once."""
    session.execute(text("SELECT pg_notify(:channel, :id)"), {"channel": CHANNEL, "id": str(job.id)})
    session.commit()


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
        "attempts": job.attempts,
        "cancel_requested": job.cancel_requested,
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
    line = error_line(job)
    return {"message": line["message"] if isinstance(line, dict) else line, "details": details}


# A failure that is a report line is stored as its JSON (code, params, English message), so the job's page words
# it in its viewer's language; other failures (and jobs stored before) are plain English sentences.
_LINE_MARK = '{"code"'


def _stored_error(message: str) -> str:
    return json.dumps(as_stored(message)) if isinstance(message, Line) else message


def error_line(job) -> dict[str, Any] | str:
    """A failed job's error as a stored line (worded by report_lines.word), or its plain sentence."""
    error = job.error or ""
    if error.startswith(_LINE_MARK):
        try:
            line = json.loads(error)
        except ValueError:
            return error
        if isinstance(line, dict) and isinstance(line.get("message"), str):
            return line
    return error


def _options(job) -> ImportOptions:
    return ImportOptions(**job.options)


def _execute(
    session: Session, options: ImportOptions, path: Path, workdir: Path, progress=None
) -> tuple[str, dict | None, str]:
    """Run the import; return (status, report, error). Failure leaves nothing written."""
    try:
        limits = ArchiveLimits.of(current_settings())
        report = run_import(session, path, options, workdir, progress, limits)
    except ImportRejected as exc:
        return "failed", exc.report.as_dict(), exc.message
    except FieldAppError as exc:
        return "failed", None, _stored_error(exc.message)
    return "succeeded", report.as_dict(), ""


def _finish(session: Session, job_id, status: str, report: dict | None, error: str, attempt: int | None = None) -> bool:
    """Record a job's outcome; with `attempt`, only while that claim still holds it (False if not)."""
    held = "" if attempt is None else " AND status = 'running' AND attempts = :attempt"
    done = session.execute(
        text(f"""
        UPDATE import_job SET status = :status, report = :report, error = nullif(:error, ''),
               rows_read = coalesce((:report)::jsonb->>'rows_read', '0')::bigint, progress = 1,
               finished_at = now(), started_at = coalesce(started_at, now()), lease_until = NULL
        WHERE id = :id{held}
        RETURNING id"""),
        {
            "id": job_id,
            "status": status,
            "report": json.dumps(report, default=str) if report else None,
            "error": error,
            "attempt": attempt,
        },
    ).first()
    return done is not None


def run_inline(session: Session, job):
    """Import a small upload within the request, inside a savepoint the job row survives."""
    savepoint = session.begin_nested()
    with tempfile.TemporaryDirectory(prefix="fieldapp-import-") as workdir:
        status, report, error = _execute(session, _options(job), Path(job.stored_path), Path(workdir))
    if status == "succeeded" and not job.dry_run:
        savepoint.commit()
    else:
        savepoint.rollback()
    _finish(session, job.id, status, report, error)
    session.commit()
    discard(job)
    return get_job(session, job.id)


# --- the queue, as the workers use it -----------------------------------------------------------------


def claim(session: Session, worker: str, lease_s: int):
    """Take the oldest queued job, or a running one whose lease ran out (its worker died); None if none.

    SKIP LOCKED lets several workers claim at once without waiting for or taking each other's job.
    """
    return session.execute(
        text(f"""
        UPDATE import_job SET status = 'running', worker = :worker, attempts = attempts + 1,
               lease_until = now() + make_interval(secs => :lease), started_at = coalesce(started_at, now()),
               progress = 0, rows_read = 0
        WHERE id = (
            SELECT id FROM import_job
            WHERE status = 'queued' OR (status = 'running' AND lease_until < now())
            ORDER BY created_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
        RETURNING {_COLUMNS}"""),
        {"worker": worker, "lease": lease_s},
    ).first()


def renew(session: Session, job, lease_s: int) -> bool | None:
    """Extend this claim's lease: None if the claim was lost, else whether someone asked to cancel."""
    return session.execute(
        text("""
        UPDATE import_job SET lease_until = now() + make_interval(secs => :lease)
        WHERE id = :id AND status = 'running' AND attempts = :attempt
        RETURNING cancel_requested"""),
        {"id": job.id, "attempt": job.attempts, "lease": lease_s},
    ).scalar()


def release(session: Session, job) -> None:
    """Give a claimed job back to the queue (its worker is stopping): another worker starts it afresh."""
    session.execute(
        text("""
        UPDATE import_job SET status = 'queued', worker = NULL, lease_until = NULL, attempts = attempts - 1,
               progress = 0, rows_read = 0
        WHERE id = :id AND status = 'running' AND attempts = :attempt"""),
        {"id": job.id, "attempt": job.attempts},
    )
    session.execute(text("SELECT pg_notify(:channel, :id)"), {"channel": CHANNEL, "id": str(job.id)})


def finish_claim(session: Session, job, status: str, count: int, size: int, error: str) -> bool:
    """Record the outcome of a claimed export, comparison, rebuild or digest (records or points, bytes), only while
    the claim holds and nobody asked to cancel it (a cancel asked before the outcome commits wins: the worker then
    ends the job as cancelled and removes its files)."""
    done = session.execute(
        text("""
        UPDATE import_job SET status = :status, rows_read = :count, size = :size, progress = 1,
               error = nullif(:error, ''), finished_at = now(), lease_until = NULL
        WHERE id = :id AND status = 'running' AND attempts = :attempt AND NOT cancel_requested
        RETURNING id"""),
        {"id": job.id, "attempt": job.attempts, "status": status, "count": count, "size": size, "error": error},
    ).first()
    return done is not None


def stop(session: Session, job, status: str, error: str) -> bool:
    """End a claimed job that did not run to its end (cancelled, past its time limit, its process died)."""
    return _finish(session, job.id, status, None, error, attempt=job.attempts)


def give_up(session: Session, attempts_max: int) -> list:
    """Fail the jobs whose workers died `attempts_max` times (the job itself may be what kills them)."""
    return list(
        session.execute(
            text(f"""
            UPDATE import_job SET status = 'failed', finished_at = now(), lease_until = NULL,
                   error = 'The ' || kind || ' was stopped: ' || attempts || ' workers ended while running it.'
            WHERE status = 'running' AND lease_until < now() AND attempts >= :max
            RETURNING {_COLUMNS}"""),
            {"max": attempts_max},
        )
    )


def cancel(session: Session, job_id: uuid.UUID):
    """Cancel a job: a queued one at once, a running one by its worker within a heartbeat; None if it ended."""
    row = session.execute(
        text(f"""
        UPDATE import_job SET cancel_requested = true,
               status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
               error = CASE WHEN status = 'queued' THEN 'Cancelled before it started; nothing was written.' END,
               finished_at = CASE WHEN status = 'queued' THEN now() END
        WHERE id = :id AND status IN ('queued', 'running')
        RETURNING {_COLUMNS}"""),
        {"id": job_id},
    ).first()
    if row is not None and row.status == "cancelled":
        session.commit()
        discard(row)
    return row


def run_claimed(database, job, workdir: Path) -> bool:
    """Run a claimed job to its end and record the outcome in the import's own transaction.

    Returns False if the claim was lost meanwhile (its lease ran out and another worker took the
    job): then nothing is written, so a job is never imported twice.
    """
    reporter = ProgressReporter(database, job)
    session = database.sessionmaker()
    try:
        session.execute(text("SELECT set_config('application_name', :name, false)"), {"name": backend_name(job)})
        session.commit()
        try:
            outcome = _execute(session, _options(job), Path(job.stored_path), workdir, reporter)
        except Exception as exc:  # a worker must record every failure, whatever raised it
            log.exception("import job %s failed", job.id)
            session.rollback()
            outcome = ("failed", None, f"The import failed unexpectedly: {exc}")
        if outcome[0] != "succeeded" or job.dry_run:
            session.rollback()
        # The outcome commits with the records, or neither does.
        held = _finish(session, job.id, *outcome, attempt=job.attempts)
        if held:
            session.commit()
        else:
            session.rollback()
        return held
    finally:
        session.close()


def backend_name(job) -> str:
    """The application_name of the connection running a job (so its worker can end it in PostgreSQL)."""
    return f"fieldapp-job-{job.id}-{job.attempts}"


def end_backends(session: Session, job) -> None:
    """End the PostgreSQL sessions of a job's process, so a killed import releases its locks at once."""
    session.execute(
        text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
        {"name": backend_name(job)},
    )


class ProgressReporter:
    """Write progress to the job row at most once a second, in its own short transaction."""

    def __init__(self, database, job):
        self.database, self.job, self.last = database, job, 0.0

    def __call__(self, fraction: float, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < 1.0:
            return
        self.last = now
        with self.database.session() as session:
            session.execute(
                text(
                    "UPDATE import_job SET progress = :p, rows_read = :r"
                    " WHERE id = :id AND status = 'running' AND attempts = :attempt"
                ),
                {"p": fraction, "r": rows, "id": self.job.id, "attempt": self.job.attempts},
            )


def job_folder(job) -> Path:
    """The job's own folder: its upload and the work folders of its attempts."""
    return Path(job.stored_path).parent


def discard(job, keep_result: bool = False) -> None:
    """Remove an ended job's files (its upload and anything its attempts left); with `keep_result`, an
    export's finished file stays for its requester (everything else in its folder goes)."""
    if not (keep_result and job.kind in ("export", "comparison") and Path(job.stored_path).is_file()):
        shutil.rmtree(job_folder(job), ignore_errors=True)
        return
    for path in job_folder(job).glob("*"):
        if path == Path(job.stored_path):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
