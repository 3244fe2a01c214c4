"""Every `fieldapp` command in the README's "Command line" section runs as shown."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import select, text

from fieldapp.accounts.models import User
from fieldapp.cli import main
from tests.readme import fieldapp_commands
from tests.shared_data import data

FIELDAPP = Path(sys.executable).with_name("fieldapp")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_readme_shows_every_command_group():
    shown = {
        " ".join(words[:2]) if words[0] in ("db", "users") else words[0] for words in fieldapp_commands("Command line")
    }
    assert {"db upgrade", "demo", "users create", "users password", "run"} <= shown


def test_readme_commands_run_in_order(app, db):
    """Run each example (except `run`, tested below) through the real command group, in the README's order."""
    runner = app.test_cli_runner()
    ran = []
    for words in fieldapp_commands("Command line"):
        if words[0] == "run":
            continue
        result = runner.invoke(main, args=words)
        assert result.exit_code == 0, f"fieldapp {' '.join(words)}:\n{result.output}"
        ran.append((words, result.output))
    outputs = dict((" ".join(w[:2]), out) for w, out in ran)
    assert "Database at revision head." in outputs["db upgrade"]
    assert "API token (shown once): fa_" in outputs["users create"]
    email = next(w[2] for w, _ in ran if w[:2] == ["users", "create"])
    user = db.scalar(select(User).where(User.email == email))
    assert user is not None and user.password_hash.startswith("$argon2id$")


def test_readme_run_serves_the_app(settings, migrated):
    words = next(w for w in fieldapp_commands("Command line") if w[0] == "run")
    port = free_port()
    args = [str(FIELDAPP), *words]
    args[args.index("--port") + 1] = str(port)
    env = os.environ | {"DATABASE_URL": settings.database_url.replace("+psycopg", ""), "FIELDAPP_ENV": "development"}
    server = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        answer = wait_for(f"http://127.0.0.1:{port}/", server)
        assert answer.status_code == 200
        assert "What we know about this coast" in answer.text
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def wait_for(url: str, server: subprocess.Popen, seconds: float = 20) -> requests.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"fieldapp run stopped: {server.stdout.read()}")
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url} within {seconds} s")


def test_readme_import_and_export_run_as_shown(app, make, db, tmp_path, monkeypatch):
    """The import/export examples, on the real GeoPackage they name, into the dataset they name."""
    import shutil

    from fieldapp.datasets.models import Dataset
    from tests.readme import fieldapp_commands

    commands = fieldapp_commands("Import and export")
    assert [w[0] for w in commands] == ["import", "import", "export", "export"]
    steward = make.account(role="steward")
    make.dataset(steward, slug="protected-areas", knowledge_kind="scientific", title="Marine Conservation Zones")
    shutil.copy(data("crs/mcz_sweng_EPSG27700.gpkg"), tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = app.test_cli_runner()
    outputs = []
    for words in commands:
        result = runner.invoke(main, args=words)
        assert result.exit_code == 0, f"fieldapp {' '.join(words)}:\n{result.output}"
        outputs.append(result.output)
    dataset = db.scalar(select(Dataset).where(Dataset.slug == "protected-areas"))
    stored = db.execute(text("SELECT count(*) FROM observation WHERE dataset_id = :d"), {"d": dataset.id}).scalar()
    assert stored == 33
    assert "33" in outputs[0] and "within the source key 'mcz'" in outputs[0]
    assert (tmp_path / "protected-areas-dwca.zip").stat().st_size > 0
    info = subprocess.run(
        ["ogrinfo", "-so", "-al", str(tmp_path / "protected-areas.gpkg")], capture_output=True, text=True, check=True
    ).stdout
    assert "Feature Count: 33" in info
