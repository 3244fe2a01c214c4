"""`fieldapp worker`: the processes that run background jobs (imports, large exports and comparisons, map-aggregate
rebuilds, notification digests), never the web workers.

The queue is the import_job table. A worker claims one job at a time with FOR UPDATE SKIP LOCKED
(transfer/jobs.claim) and runs it in a child process, while it renews the job's lease every third of
FIELDAPP_JOB_LEASE_S (the heartbeat). The child runs the import and records its outcome in the
import's own transaction, so the records and the job's "succeeded" commit together or not at all;
an export (transfer/export_jobs) runs as the viewer who asked, and its file is renamed into place
only when whole, just before its "succeeded" commits. The child's temporary files (GeoPackage,
spooled archives) go in the attempt's work folder, which the worker removes whatever happens.

- A worker killed outright (kill -9, a lost machine) stops renewing: once the lease has run out
  another worker takes the job and runs it again from the start; the dead worker's child dies
  with it (PR_SET_PDEATHSIG), and had it lived, its claim would be gone and it could write nothing.
- A job running past its time limit (FIELDAPP_JOB_TIME_LIMIT_S when it was queued), or one
  cancelled through the API or its page, is stopped by killing the child and ending its PostgreSQL
  session: its transaction is rolled back, nothing is written.
- SIGTERM or SIGINT (a deploy, systemd stop): the worker gives its job back to the queue at once
  and exits; another worker (or this one restarted) starts it again.
- Whatever happens, the job's work folder goes, and an ended job's upload with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

import psycopg
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from fieldapp.comparison import jobs as comparison_jobs
from fieldapp.notifications import jobs as digest_jobs
from fieldapp.transfer import export_jobs, jobs, map_jobs
from fieldapp.transfer.models import FINAL_STATUSES

log = logging.getLogger(__name__)
# What the child runs for each kind of job: each records its outcome with its work, while its claim holds.
RUNS = {
    "import": jobs.run_claimed,
    "export": export_jobs.run_claimed_export,
    "tiles": map_jobs.run_claimed_rebuild,
    "comparison": comparison_jobs.run_claimed_comparison,
    "digest": digest_jobs.run_claimed_digest,
}
_PR_SET_PDEATHSIG = 1
# The child's exit codes: its outcome is recorded, or another worker holds the job now.
_RECORDED, _LOST = 0, 3


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this process when its parent dies (so a killed worker leaves no import running)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(_LOST)


def _child(app: Flask, job, workdir: str, parent: int) -> None:
    _die_with_parent(parent)
    # Only the worker decides when its child stops (it kills it); a terminal's Ctrl-C or systemd's
    # SIGTERM to the whole group must not end an import half-way before the worker has released it.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    database = app.extensions["fieldapp.db"]
    database.engine.dispose(close=False)  # the parent's pooled connections are the parent's
    # Every temporary file of the job (tempfile's) goes in its work folder, which the worker removes.
    tempfile.tempdir = workdir
    os.environ["TMPDIR"] = workdir
    run = RUNS[job.kind]
    with app.app_context():
        held = run(database, job, Path(workdir))
    os._exit(_RECORDED if held else _LOST)


class Worker:
    """One worker process: claims and runs jobs one at a time until told to stop."""

    def __init__(self, app: Flask, poll_s: float = 2.0):
        self.app = app
        self.settings = app.extensions["fieldapp.settings"]
        self.database = app.extensions["fieldapp.db"]
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.poll_s = poll_s
        self.stopping = False
        self._listener: psycopg.Connection | None = None

    def _stop(self, signum, _frame) -> None:
        log.info("worker %s: %s, stopping", self.name, signal.Signals(signum).name)
        self.stopping = True

    def run(self, max_jobs: int | None = None) -> int:
        """Work until SIGTERM/SIGINT (or `max_jobs` jobs); return how many jobs were run."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        done = 0
        log.info("worker %s: waiting for jobs", self.name)
        while not self.stopping and (max_jobs is None or done < max_jobs):
            try:
                job = self._claim()
            except OperationalError:  # the database is down or restarting: try again shortly
                log.warning("worker %s: cannot reach the database", self.name, exc_info=True)
                time.sleep(self.poll_s)
                continue
            if job is None:
                self._wait()
                continue
            self.process(job)
            done += 1
        if self._listener is not None:
            self._listener.close()
        return done

    def _claim(self):
        with self.database.session() as session:
            export_jobs.expire(session, self.settings.export_keep_h)
            export_jobs.expire(session, self.settings.comparison_keep_h, "comparison")
            for job in jobs.give_up(session, self.settings.job_attempts_max):
                log.warning("job %s: given up after %s attempts", job.id, job.attempts)
                jobs.discard(job)
            return jobs.claim(session, self.name, self.settings.job_lease_s)

    def _wait(self) -> None:
        """Sleep until a job is queued (LISTEN/NOTIFY) or poll_s passes (leases may run out meanwhile)."""
        try:
            if self._listener is None or self._listener.closed:
                url = make_url(self.settings.database_url).set(drivername="postgresql")
                self._listener = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
                self._listener.execute(f"LISTEN {jobs.CHANNEL}")
            for _ in self._listener.notifies(timeout=self.poll_s, stop_after=1):
                pass
        except psycopg.Error:
            self._listener = None
            time.sleep(self.poll_s)

    def process(self, job) -> None:
        """Run one claimed job in a child process, renewing its lease; stop it when it must stop."""
        folder = jobs.job_folder(job)
        for stale in folder.glob("work-*"):  # left by an attempt whose worker died
            shutil.rmtree(stale, ignore_errors=True)
        if job.cancel_requested:  # cancelled while its dead worker held it
            self._end(job, "cancelled", "Cancelled; nothing was written.")
            return
        workdir = folder / f"work-{job.attempts}"
        workdir.mkdir(parents=True, exist_ok=True)
        log.info("job %s: attempt %s on %s", job.id, job.attempts, self.name)
        child = multiprocessing.get_context("fork").Process(
            target=_child, args=(self.app, job, str(workdir), os.getpid()), name=f"job-{job.id}", daemon=True
        )
        child.start()
        try:
            self._supervise(job, child)
        except Exception:  # e.g. the database went away mid-heartbeat: the lease runs out, the job is taken again
            log.exception("job %s: supervision failed; leaving it to its lease", job.id)
            child.kill()
            child.join()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _supervise(self, job, child) -> None:
        deadline = time.monotonic() + job.time_limit_s
        beat_s = max(self.settings.job_lease_s / 3, 0.2)
        next_beat = time.monotonic() + beat_s
        while True:
            child.join(timeout=max(0.0, min(1.0, next_beat - time.monotonic(), deadline - time.monotonic())))
            if not child.is_alive():
                break
            if self.stopping:
                self._kill(job, child)
                with self.database.session() as session:
                    jobs.release(session, job)
                log.info("job %s: given back to the queue", job.id)
                return
            if time.monotonic() >= deadline:
                self._kill(job, child)
                self._end(
                    job,
                    "failed",
                    f"The {job.kind} was stopped: it ran longer than its time limit of {job.time_limit_s} s."
                    " Nothing was written.",
                )
                return
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + beat_s
                with self.database.session() as session:
                    cancel = jobs.renew(session, job, self.settings.job_lease_s)
                if cancel is None:  # the lease ran out (this worker stalled) and another worker has the job
                    self._kill(job, child)
                    log.warning("job %s: lost to another worker", job.id)
                    return
                if cancel:
                    self._kill(job, child)
                    self._end(job, "cancelled", "Cancelled while it ran; nothing was written.")
                    return
        if child.exitcode == _RECORDED:
            jobs.discard(job, keep_result=True)
        elif child.exitcode == _LOST:
            with self.database.session() as session:
                cancel = jobs.renew(session, job, self.settings.job_lease_s)
            if cancel:  # the child found a cancel asked for just before its outcome would have committed
                self._end(job, "cancelled", "Cancelled while it ran.")
        else:
            self._end(job, "failed", f"The {job.kind} process ended unexpectedly (exit code {child.exitcode}).")

    def _kill(self, job, child) -> None:
        child.kill()
        child.join()
        with self.database.session() as session:
            jobs.end_backends(session, job)

    def _end(self, job, status: str, error: str) -> None:
        with self.database.session() as session:
            if jobs.stop(session, job, status, error):
                log.info("job %s: %s", job.id, status)
            now = jobs.get_job(session, job.id)
        if now is None or now.status in FINAL_STATUSES:  # (the child may have recorded its outcome first)
            jobs.discard(job, keep_result=now is not None and now.status == "succeeded")
