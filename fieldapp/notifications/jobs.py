"""Notification digests as a background job: `fieldapp notifications digest --queue` (from cron) queues one, a
`fieldapp worker` sends it, with the worker tier's lease, time limit and cancel; the web workers never send it."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.mail import mail_configured
from fieldapp.notifications.digest import send_digests
from fieldapp.transfer import jobs

log = logging.getLogger(__name__)


def queue_digest(session: Session, settings):
    """Queue the sending of every unread notification's digest; the job."""
    job_id = uuid.uuid4()
    session.execute(
        text("""
        INSERT INTO import_job (id, kind, filename, stored_path, size, options, time_limit_s)
        VALUES (:id, 'digest', 'notification digests', :path, 0, '{}', :limit)"""),
        {
            "id": job_id,
            "path": str(Path(settings.media_dir) / "jobs" / str(job_id) / "none"),
            "limit": settings.digest_time_limit_s,
        },
    )
    job = jobs.get_job(session, job_id)
    jobs.queue(session, job)
    return job


def run_claimed_digest(database, job, workdir: Path) -> bool:
    """Send the digests while the claim holds (checked before each person); record how many went."""
    from flask import current_app

    settings = current_app.extensions["fieldapp.settings"]
    session = database.sessionmaker()
    try:
        session.execute(text("SELECT set_config('application_name', :n, false)"), {"n": jobs.backend_name(job)})
        session.commit()
        if not mail_configured(settings):
            status, sent, refused = "failed", 0, ["FIELDAPP_SMTP_URL is not set: no digest is sent."]
        else:
            try:
                sent, refused = send_digests(session, settings, lambda: _held(session, job))
                status = "succeeded"
            except Exception as exc:  # a worker must record every failure, whatever raised it
                log.exception("digest job %s failed", job.id)
                session.rollback()
                status, sent, refused = "failed", 0, [f"The digests failed unexpectedly: {exc}"]
        session.rollback()
        error = "" if status == "succeeded" else refused[0]
        held = jobs.finish_claim(session, job, status, sent, 0, error)
        if held:
            session.execute(
                text("UPDATE import_job SET report = :r WHERE id = :id"),
                {"r": json.dumps({"sent": sent, "refused": refused}), "id": job.id},
            )
            session.commit()
        else:
            session.rollback()
        return held
    finally:
        session.close()


def _held(session: Session, job) -> bool:
    row = session.execute(
        text(
            "SELECT 1 FROM import_job WHERE id = :id AND status = 'running' AND attempts = :a AND NOT cancel_requested"
        ),
        {"id": job.id, "a": job.attempts},
    ).first()
    return row is not None
