"""Map-aggregate rebuilds as background jobs: queued by `fieldapp tiles rebuild`, run by `fieldapp worker`.

The rebuild (maps/rebuild.py) and the job's "succeeded" commit together, only while the worker's claim
holds; a rebuild stopped by its time limit or a cancel is rolled back whole (the worker ends its session).
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.maps.rebuild import rebuild_map_aggregates
from fieldapp.transfer import jobs

log = logging.getLogger(__name__)


def queue_rebuild(session: Session, settings, dataset_id: int, user_id: int | None = None):
    """Queue a rebuild of one dataset's map aggregates; the job."""
    job_id = uuid.uuid4()
    folder = Path(settings.media_dir) / "jobs" / str(job_id)
    session.execute(
        text("""
        INSERT INTO import_job (id, kind, dataset_id, user_id, filename, stored_path, size, options, time_limit_s)
        VALUES (:id, 'tiles', :dataset, :user, 'map aggregates', :path, 0, :options, :limit)"""),
        {
            "id": job_id,
            "dataset": dataset_id,
            "user": user_id,
            "path": str(folder / "none"),
            "options": json.dumps({}),
            "limit": settings.tiles_rebuild_time_limit_s,
        },
    )
    job = jobs.get_job(session, job_id)
    jobs.queue(session, job)
    return job


def run_claimed_rebuild(database, job, workdir: Path) -> bool:
    """Rebuild a claimed job's dataset and record the outcome with it; False if the claim was lost meanwhile."""
    session = database.sessionmaker()
    try:
        session.execute(text("SELECT set_config('application_name', :n, false)"), {"n": jobs.backend_name(job)})
        session.commit()
        try:
            points = rebuild_map_aggregates(session, job.dataset_id)
            outcome = ("succeeded", points or 0, "") if points is not None else ("failed", 0, "No such dataset.")
        except Exception as exc:  # a worker must record every failure, whatever raised it
            log.exception("map rebuild job %s failed", job.id)
            session.rollback()
            outcome = ("failed", 0, f"The rebuild failed unexpectedly: {exc}")
        if outcome[0] != "succeeded":
            session.rollback()
        held = jobs.finish_claim(session, job, outcome[0], outcome[1], 0, outcome[2])
        if held:
            session.commit()
        else:
            session.rollback()
        return held
    finally:
        session.close()
