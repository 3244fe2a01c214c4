"""Start and stop the production server (gunicorn) against the bench database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from fieldapp.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


APP = "fieldapp:create_app()"
# The throughput baseline (bench/minimal.py) and the URL that tells it is ready.
MINIMAL = "bench.minimal:create_app()"
READY = {APP: "/api/v1/observations?limit=1&bbox=0,0,0,0", MINIMAL: "/features?bbox=0,0,0,0"}


def gunicorn_command(port: int, workers: int, worker_class: str, threads: int, app: str = APP) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "-k", worker_class]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    return [*command, app]


@contextmanager
def gunicorn(
    database_url: str,
    log_path: Path,
    port: int | None = None,
    workers: int = 2,
    worker_class: str = "sync",
    threads: int = 2,
    app: str = APP,
) -> Iterator[str]:
    """Run gunicorn for the duration of the block; yields its base URL and always stops it."""
    port = port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FIELDAPP_ENV": "production",
        "FIELDAPP_SECRET_KEY": "bench-" + os.urandom(16).hex(),
    }
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            gunicorn_command(port, workers, worker_class, threads, app),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base + READY[app], process)
        yield base
    finally:
        _stop(process)


def _wait_ready(url: str, process: subprocess.Popen, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}; see its log")
        try:
            # An empty bbox: cheap however many rows the database holds.
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout_s:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    """Stop the gunicorn we started (its master stops its workers)."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
