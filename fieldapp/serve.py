"""`fieldapp serve` (make serve): the production stack on this machine, as deploy/ describes it.

nginx (from deploy/nginx.conf, its lines marked EDIT filled in) in front of gunicorn (from
deploy/gunicorn.conf.py) and `fieldapp worker` processes, all in the foreground: Ctrl-C or SIGTERM
stops them all, and if one of them exits the others are stopped too. Everything nginx writes (its
configuration, pid, logs, temporary files) stays in one folder (var/serve by default).
"""

from __future__ import annotations

import contextlib
import ctypes
import grp
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from fieldapp.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
MEDIA_ACCEL_PREFIX = "/_media/"
MIME_TYPES = "/etc/nginx/mime.types"
_PR_SET_PDEATHSIG = 1
# deploy/nginx.conf's lines marked EDIT, and what a local run puts there.
EDITS = {
    "server 127.0.0.1:8000;": "server 127.0.0.1:{app_port};",
    "listen 80;": "listen {host}:{proxy_port};",
    "alias /srv/fieldapp/static/;": "alias {static}/;",
    "alias /srv/fieldapp/media/;": "alias {media}/;",
}
# nginx's own file around the site file, with everything it writes kept in one folder.
MAIN_CONF = """
daemon off;
user {user} {group};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/fieldapp.conf;
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def site_conf(app_port: int, proxy_port: int, media_dir: Path, host: str = "127.0.0.1") -> str:
    """deploy/nginx.conf with its EDIT lines filled in for gunicorn on app_port and nginx on proxy_port."""
    text = (DEPLOY / "nginx.conf").read_text()
    values = {
        "app_port": app_port,
        "proxy_port": proxy_port,
        "host": host,
        "static": PROJECT_ROOT / "static",
        "media": Path(media_dir).resolve(),
    }
    for line, replacement in EDITS.items():
        if text.count(line) != 1:
            raise ValueError(f"deploy/nginx.conf should have one '{line}' (marked EDIT)")
        text = text.replace(line, replacement.format(**values))
    return text


def write_nginx_conf(folder: Path, app_port: int, proxy_port: int, media_dir: Path, host: str = "127.0.0.1") -> Path:
    """The site file and a main file around it in `folder`; the main file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fieldapp.conf").write_text(site_conf(app_port, proxy_port, media_dir, host))
    # nginx's workers run as this user (as root they would be nobody, who may not read the media folder);
    # Debian's nginx package installs mime.types (text/css for .css: with nosniff, browsers need the right type).
    user, group = pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
    main = MAIN_CONF.format(dir=folder.resolve(), mime_types=MIME_TYPES, user=user, group=group)
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


def commands(
    folder: Path, host: str, port: int, app_port: int, web_workers: int, job_workers: int
) -> dict[str, list[str]]:
    """The processes of the stack, by name."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed: run scripts/setup.sh serve (or apt-get install nginx)")
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    gunicorn += ["--bind", f"127.0.0.1:{app_port}", "--workers", str(web_workers)]
    found = {"nginx": [nginx, "-p", str(folder.resolve()), "-c", str((folder / "nginx.conf").resolve())]}
    found["gunicorn"] = gunicorn
    worker = [sys.executable, "-c", "from fieldapp.cli import main; main()", "worker"]
    for n in range(job_workers):
        found[f"worker-{n + 1}"] = worker
    return found


def run(
    media_dir: Path,
    folder: Path,
    host: str = "127.0.0.1",
    port: int = 8080,
    app_port: int = 8000,
    web_workers: int = 2,
    job_workers: int = 1,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start the stack and wait; stop everything on SIGTERM/SIGINT or when one process exits."""
    write_nginx_conf(folder, app_port, port, media_dir, host)
    environment = dict(os.environ if env is None else env)
    environment["FIELDAPP_MEDIA_ACCEL_PREFIX"] = MEDIA_ACCEL_PREFIX
    environment.setdefault("FIELDAPP_PROXY_COUNT", "1")
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), environment.get("PYTHONPATH")]))
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        for name, command in commands(folder, host, port, app_port, web_workers, job_workers).items():
            processes[name] = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, preexec_fn=_die_with_parent)
        print(f"fieldapp serve: http://{host}:{port} (nginx) -> gunicorn 127.0.0.1:{app_port}, {job_workers} worker(s)")
        print(f"fieldapp serve: nginx's logs in {folder}; Ctrl-C stops everything", flush=True)
        code = 0
        while not stopping:
            ended = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
            if ended:
                print(f"fieldapp serve: {', '.join(ended)} exited ({ended}); stopping the rest", file=sys.stderr)
                code = 1
                break
            time.sleep(0.5)
        return code
    finally:
        _stop_all(processes)


def _die_with_parent() -> None:
    """Linux: each process of the stack is killed if `fieldapp serve` itself is (kill -9 leaves no orphans)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _stop_all(processes: dict[str, subprocess.Popen]) -> None:
    # nginx first (no new requests), then gunicorn (finishes its requests), then the workers (give their jobs back).
    for name, process in processes.items():
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
    deadline = time.monotonic() + 30
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
