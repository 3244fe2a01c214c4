"""The documented production set-up: gunicorn (2 sync workers) behind deploy/nginx.conf holds slow clients,
nginx serves static files (versioned ones kept a year) and photos after the app's permission check."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from fieldapp.serve import MEDIA_ACCEL_PREFIX, nginx_binary, write_nginx_conf
from tests.factories import Factory, feature
from tests.shared_data import PHOTOS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = nginx_binary()
SLOW_CLIENTS = 8
pytestmark = [
    pytest.mark.production,
    pytest.mark.skipif(NGINX is None, reason="needs nginx (scripts/setup.sh test installs it)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{process.args[0]} exited with {process.returncode}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


@contextmanager
def running(command: list[str], url: str, log: Path, **kwargs) -> Iterator[None]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, **kwargs)
        try:
            wait_for(url, process)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def production(settings, migrated, tmp_path_factory) -> Iterator[dict[str, str]]:
    """gunicorn from deploy/gunicorn.conf.py with 2 workers, nginx from deploy/nginx.conf in front."""
    folder = tmp_path_factory.mktemp("production")
    app_port, proxy_port = free_port(), free_port()
    media_dir = folder / "media"
    media_dir.mkdir()
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": settings.database_url,
        "FIELDAPP_ENV": "production",
        "FIELDAPP_SECRET_KEY": "production-test-secret",
        "FIELDAPP_MEDIA_DIR": str(media_dir),
        "FIELDAPP_PROXY_COUNT": "1",
        "FIELDAPP_MEDIA_ACCEL_PREFIX": MEDIA_ACCEL_PREFIX,
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    gunicorn += ["--bind", f"127.0.0.1:{app_port}", "--workers", "2"]
    conf = write_nginx_conf(folder / "nginx", app_port, proxy_port, media_dir)
    nginx = [NGINX, "-p", str(conf.parent), "-c", str(conf)]
    app_url, proxy_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{proxy_port}"
    with (
        running(gunicorn, app_url + "/", folder / "gunicorn.log", cwd=ROOT, env=env),
        running(nginx, proxy_url + "/", folder / "nginx.log"),
    ):
        yield {"app": app_url, "proxy": proxy_url, "media": str(media_dir)}


def trickle(url: str, stop: threading.Event, every_s: float = 1.0) -> None:
    """Open a connection and send a request's headers one line at a time, never finishing them."""
    host, port = url.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            n = 0
            while not stop.wait(every_s):
                conn.sendall(f"X-Slow-{n}: still sending\r\n".encode())
                n += 1
    except OSError:
        pass  # a server may drop a stalled client: that is its right


def answered_during_slow_clients(url: str, duration_s: float, clients: int = SLOW_CLIENTS) -> list[bool]:
    """Hold `clients` slow connections open and send normal requests meanwhile: which were answered in 3 s."""
    stop = threading.Event()
    threads = [threading.Thread(target=trickle, args=(url, stop), daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let the slow clients take their connections first
    answered = []
    deadline = time.monotonic() + duration_s
    try:
        while time.monotonic() < deadline:
            try:
                ok = requests.get(url + "/api/v1/datasets", timeout=3).status_code == 200
            except requests.RequestException:
                ok = False
            answered.append(ok)
            time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    return answered


def test_slow_clients_do_not_starve_the_workers_behind_nginx(production):
    answered = answered_during_slow_clients(production["proxy"], duration_s=12)
    assert len(answered) >= 5 and all(answered), answered


def test_without_nginx_the_same_clients_starve_the_two_workers(production):
    # The control: gunicorn faced directly. If this ever passes, the test above proves nothing.
    answered = answered_during_slow_clients(production["app"], duration_s=4)
    assert not any(answered), answered


def test_nginx_serves_static_files_itself(production):
    response = requests.get(production["proxy"] + "/static/css/site.css", timeout=5)
    assert response.status_code == 200 and response.headers["Server"].startswith("nginx")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=3600" in response.headers["Cache-Control"] and response.headers["Content-Type"] == "text/css"
    # The pages link stylesheets by a URL naming the file's content: those are kept a year.
    page = requests.get(production["proxy"] + "/", timeout=5).text
    (versioned,) = re.findall(r'href="(/static/css/site.css\?v=[0-9a-f]{12})"', page)
    response = requests.get(production["proxy"] + versioned, timeout=5)
    assert response.status_code == 200 and response.headers["Server"].startswith("nginx")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.content == (ROOT / "static" / "css" / "site.css").read_bytes()


@pytest.fixture(scope="module")
def warden(app):
    """An account and a dataset committed for real (the servers have their own connections)."""
    session = app.extensions["fieldapp.db"].sessionmaker()
    factory = Factory(session)
    account = factory.account("steward")
    dataset = factory.dataset(account, slug=f"photos-{uuid.uuid4().hex[:8]}")
    session.commit()
    yield account, dataset
    session.close()


def _record_with_photo(url: str, account, dataset, **properties) -> dict:
    created = requests.post(
        url + "/api/v1/observations", json=feature(dataset.slug, **properties), headers=account.headers, timeout=10
    )
    assert created.status_code == 201, created.text
    photo = (PHOTOS / "DSCN0010.jpg").read_bytes()
    sent = requests.post(
        f"{url}/api/v1/observations/{created.json()['id']}/media",
        files={"file": ("DSCN0010.jpg", photo, "image/jpeg")},
        headers=account.headers,
        timeout=30,
    )
    assert sent.status_code == 201, sent.text
    return sent.json()


def test_nginx_sends_photos_after_the_apps_permission_check(production, warden):
    account, dataset = warden
    proxy = production["proxy"]
    public = _record_with_photo(proxy, account, dataset)
    response = requests.get(proxy + public["public_url"], timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    stored = sorted(Path(production["media"]).rglob("*.jpg"))
    assert response.content in {path.read_bytes() for path in stored}
    # The app sent no bytes of it: nginx did, from the internal location, which no client may ask for.
    behind = requests.get(production["app"] + public["public_url"], timeout=5)
    assert behind.content == b"" and behind.headers["X-Accel-Redirect"].startswith(MEDIA_ACCEL_PREFIX)
    relative = behind.headers["X-Accel-Redirect"].removeprefix(MEDIA_ACCEL_PREFIX)
    assert requests.get(f"{proxy}{MEDIA_ACCEL_PREFIX}{relative}", timeout=5).status_code == 404
    # A private record's photo: its keeper gets it (never kept by shared caches), anyone else a 404.
    private = _record_with_photo(proxy, account, dataset, visibility="private")
    assert requests.get(proxy + private["public_url"], timeout=5).status_code == 404
    mine = requests.get(proxy + private["public_url"], headers=account.headers, timeout=5)
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "private, no-cache"
    assert mine.content[:2] == b"\xff\xd8"


def test_the_readme_runs_the_files_this_test_runs():
    from tests.readme import shell_blocks

    block = next(b for b in shell_blocks("Running in production") if "gunicorn -c" in b)
    assert "gunicorn -c deploy/gunicorn.conf.py" in block
    assert "cp deploy/nginx.conf /etc/nginx/conf.d/fieldapp.conf" in block
    assert "FIELDAPP_MEDIA_ACCEL_PREFIX=/_media/" in block and "fieldapp worker" in block
