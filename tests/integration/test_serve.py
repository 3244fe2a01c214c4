"""`fieldapp serve` (make serve) runs the whole production stack: nginx -> gunicorn, and a job worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests

from tests.factories import Factory
from tests.integration.test_production import NGINX, ROOT, free_port, wait_for

pytestmark = [
    pytest.mark.production,
    pytest.mark.skipif(NGINX is None, reason="needs nginx (scripts/setup.sh serve installs it)"),
]
CSV = b"id,species,lat,lon,date\nr1,Spider crab,49.18,-2.15,2021-05-01\nr2,Ormer,49.19,-2.16,2021-06-01\n"


def _closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_serve_runs_nginx_gunicorn_and_a_worker_and_stops_them_all(app, settings, tmp_path):
    session = app.extensions["fieldapp.db"].sessionmaker()
    factory = Factory(session)
    steward = factory.account("steward")
    dataset = factory.dataset(steward, slug=f"serve-{uuid.uuid4().hex[:8]}")
    session.commit()
    session.close()
    port, app_port = free_port(), free_port()
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": settings.database_url,
        "FIELDAPP_ENV": "production",
        "FIELDAPP_SECRET_KEY": "serve-test-secret",
        "FIELDAPP_MEDIA_DIR": str(tmp_path / "media"),
    }
    command = [sys.executable, "-c", "from fieldapp.cli import main; main()", "serve"]
    command += ["--port", str(port), "--app-port", str(app_port), "--dir", str(tmp_path / "serve")]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/", serve)
        page = requests.get(url + "/", timeout=5)
        assert page.headers["Server"].startswith("nginx") and "Content-Security-Policy" in page.headers
        # A background import goes through nginx and gunicorn to the queue, and the stack's worker runs it.
        queued = requests.post(
            f"{url}/api/v1/datasets/{dataset.slug}/imports",
            files={"file": ("few.csv", CSV)},
            data={"background": "1"},
            headers=steward.headers,
            timeout=10,
        )
        assert queued.status_code == 202, queued.text
        deadline = time.monotonic() + 60
        while (job := requests.get(queued.headers["Location"], headers=steward.headers, timeout=5).json())[
            "status"
        ] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.3)
        assert job["status"] == "succeeded" and job["report"]["created"] == 2, job
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=45) == 0, log.read_text()
        assert _closed(port) and _closed(app_port)
    finally:
        if serve.poll() is None:  # a failure above: stop the stack as Ctrl-C would
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(timeout=45)
            except subprocess.TimeoutExpired:
                serve.kill()  # its processes die with it (PR_SET_PDEATHSIG)
                serve.wait()
