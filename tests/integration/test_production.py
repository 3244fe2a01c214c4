"""The documented production set-up holds slow clients: gunicorn (2 sync workers) behind deploy/nginx.conf."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SLOW_CLIENTS = 8
pytestmark = [
    pytest.mark.production,
    pytest.mark.skipif(NGINX is None, reason="needs nginx (scripts/setup.sh test installs it)"),
]
# deploy/nginx.conf's lines marked EDIT, and what the test puts there.
EDITS = {
    "server 127.0.0.1:8000;": "server 127.0.0.1:{app_port};",
    "listen 80;": "listen 127.0.0.1:{proxy_port};",
    "alias /srv/fieldapp/static/;": f"alias {ROOT / 'static'}/;",
}
# nginx's own file around the site file, with everything it writes kept in the test's folder.
MAIN_CONF = """
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/fieldapp.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_conf(app_port: int, proxy_port: int) -> str:
    text = (DEPLOY / "nginx.conf").read_text()
    for line, replacement in EDITS.items():
        assert text.count(line) == 1, f"deploy/nginx.conf should have one '{line}' (marked EDIT)"
        text = text.replace(line, replacement.format(app_port=app_port, proxy_port=proxy_port))
    return text


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
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": settings.database_url,
        "FIELDAPP_ENV": "production",
        "FIELDAPP_SECRET_KEY": "production-test-secret",
        "FIELDAPP_MEDIA_DIR": str(folder / "media"),
        "FIELDAPP_PROXY_COUNT": "1",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    gunicorn += ["--bind", f"127.0.0.1:{app_port}", "--workers", "2"]
    (folder / "fieldapp.conf").write_text(site_conf(app_port, proxy_port))
    (folder / "nginx.conf").write_text(MAIN_CONF.format(dir=folder))
    nginx = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    app_url, proxy_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{proxy_port}"
    with (
        running(gunicorn, app_url + "/", folder / "gunicorn.log", cwd=ROOT, env=env),
        running(nginx, proxy_url + "/", folder / "nginx.log"),
    ):
        yield {"app": app_url, "proxy": proxy_url}


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
    assert "max-age=3600" in response.headers["Cache-Control"]


def test_the_readme_runs_the_files_this_test_runs():
    from tests.readme import shell_blocks

    (block,) = shell_blocks("Running in production")
    assert "gunicorn -c deploy/gunicorn.conf.py" in block
    assert "cp deploy/nginx.conf /etc/nginx/conf.d/fieldapp.conf" in block
