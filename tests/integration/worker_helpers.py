"""`fieldapp worker` processes for tests: background jobs run only in them, as in production."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from tests.factories import Factory

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """One `fieldapp worker`, its log in a file."""

    def __init__(self, settings, log: Path, **env: str):
        self.log = log
        environment = os.environ | {
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": settings.database_url,
            "FIELDAPP_ENV": "development",
            "FIELDAPP_MEDIA_DIR": str(settings.media_dir),
        }
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from fieldapp.cli import main; main()", "worker", "--poll", "0.5"],
                cwd=ROOT,
                env=environment | env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.wait_for_log("waiting for jobs")

    @property
    def name(self) -> str:
        return f"{os.uname().nodename}:{self.process.pid}"

    def wait_for_log(self, words: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if words in self.log.read_text(errors="replace"):
                return
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]
            time.sleep(0.1)
        raise AssertionError(f"worker never logged {words!r}: " + self.log.read_text(errors="replace")[-3000:])

    def kill(self) -> None:
        """kill -9: no clean-up, no release, as when a machine or process dies."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def workers(settings, folder: Path, count: int = 1, **env: str) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    try:
        for n in range(count):
            started.append(WorkerProcess(settings, folder / f"worker-{uuid.uuid4().hex[:6]}-{n}.log", **env))
        yield started
    finally:
        for worker in started:
            worker.stop()


@contextmanager
def committed_dataset(app, prefix: str = "jobs", password: str | None = None):
    """A steward and a dataset committed for real (a worker process has its own connection), removed after."""
    database = app.extensions["fieldapp.db"]
    session = database.sessionmaker()
    factory = Factory(session)
    steward = factory.account("steward", password=password)
    dataset = factory.dataset(steward, slug=f"{prefix}-{uuid.uuid4().hex[:8]}")
    session.commit()
    try:
        yield steward, dataset
    finally:
        session.rollback()
        for statement in (
            "DELETE FROM import_job WHERE dataset_id = :d",
            "DELETE FROM observation WHERE dataset_id = :d",
            "DELETE FROM import_file WHERE dataset_id = :d",
            "DELETE FROM dataset WHERE id = :d",
        ):
            session.execute(text(statement), {"d": dataset.id})
        session.commit()
        session.close()


def wait_for_job(app, job_id, until, timeout_s: float = 120):
    """Poll the job row until `until(row)` holds; the row."""
    database = app.extensions["fieldapp.db"]
    deadline = time.monotonic() + timeout_s
    row = None
    while time.monotonic() < deadline:
        with database.engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM import_job WHERE id = :id"), {"id": job_id}).mappings().first()
        if row is not None and until(row):
            return row
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached the state asked for: {dict(row) if row else None}")


def ended(row) -> bool:
    return row["status"] in ("succeeded", "failed", "cancelled")


def files_gone(settings, job_id: str, timeout_s: float = 20) -> bool:
    """Wait while the worker clears an ended job's files (the child records the outcome first, then the
    worker removes the folder, so a test must not look, or stop the worker, in between); True once gone."""
    folder = settings.media_dir / "imports" / job_id
    deadline = time.monotonic() + timeout_s
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return not folder.exists()
