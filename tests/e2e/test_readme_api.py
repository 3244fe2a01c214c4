"""The README's API example, run as written with bash, the real `fieldapp` and curl, against a live server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from fieldapp.accounts.models import User
from fieldapp.accounts.service import issue_token
from tests.readme import shell_blocks

pytestmark = pytest.mark.e2e

README_HOST = "http://127.0.0.1:5000"


@pytest.fixture
def example(live_server) -> tuple[str, str]:
    """The curl block pointed at the live server, and the email it creates (both marked for deletion)."""
    block = next(b for b in shell_blocks("API") if "curl" in b)
    email = re.search(r"users create (\S+)", block).group(1)
    live_server.emails.add(email)
    live_server.datasets.add(re.search(r'"slug": "([^"]+)"', block).group(1))
    live_server.clean_up()  # a run against a kept database may have left them
    return block.replace(README_HOST, live_server.url), email


def bash(script: str, live_server) -> str:
    """Run a script with the venv's `fieldapp` on PATH, talking to the live server's database."""
    env = os.environ | {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DATABASE_URL": live_server.database.engine.url.render_as_string(hide_password=False),
        "FIELDAPP_ENV": "development",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_readme_curl_example_records_an_observation(example, live_server):
    script, email = example
    dataset_json, feature_json = re.fullmatch(r"(\{.*?\})\s*(\{.*\})\s*", bash(script, live_server), re.S).groups()
    assert json.loads(dataset_json)["slug"] == "shore-walks"
    stored = json.loads(feature_json)
    assert stored["type"] == "Feature"
    assert stored["id"] == "0b6f2a9e-3c1d-4e5f-8a7b-9c0d1e2f3a4b"
    assert stored["properties"]["count"] == 3
    assert stored["properties"]["attribution"].startswith("recorder")

    # The README promises: the same request again answers 200 with the same record.
    with live_server.database.session() as session:
        token = issue_token(session, session.scalar(select(User).where(User.email == email)))
    last_curl = "curl" + script.rsplit("curl", 1)[1]
    again = bash(f"TOKEN={token}\n{last_curl.rstrip()} -w '\\n%{{http_code}}'", live_server)
    body, status = again.rsplit("\n", 1)
    assert status == "200"
    assert json.loads(body)["id"] == stored["id"]
    with live_server.database.session() as session:
        count = session.execute(text("SELECT count(*) FROM observation WHERE id = :id"), {"id": stored["id"]})
        assert count.scalar() == 1
