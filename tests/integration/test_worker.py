"""The worker tier: background imports run in `fieldapp worker` processes and survive their death.

Each test starts real worker processes (FIELDAPP_JOB_LEASE_S=5) against the test database and
queues a large CSV import through the API, as a steward would. They are marked slow: each waits
for leases to run out and imports tens of thousands of rows.
"""

from __future__ import annotations

import dataclasses
import io
import os
import random
import re
import signal
import sys
import time
import zipfile

import pyogrio
import pytest
import requests
from sqlalchemy import text

from tests.integration.test_production import free_port, running
from tests.integration.worker_helpers import ROOT, committed_dataset, ended, files_gone, wait_for_job, workers

pytestmark = pytest.mark.slow
ROWS = 40_000
# Short, so a dead worker's job is taken again soon; long enough that a busy machine's heartbeats keep it.
LEASE_S = "5"


@pytest.fixture(scope="module")
def big_zip() -> bytes:
    """A zipped CSV large enough that its import runs for several seconds on a busy machine.

    Zipped, it stays under werkzeug's 500 kB spooling threshold (the test client never closes a spooled
    body), and the worker unpacks it into the job's work folder, which must be gone afterwards.
    """
    rng = random.Random(17)
    lines = ["id,species,lat,lon,date"]
    lines += [
        f"r{i},Spider crab,{49.17 + rng.random() / 20:.4f},{-2.2 + rng.random() / 10:.4f},2021-05-01"
        for i in range(ROWS)
    ]
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.csv", "\n".join(lines) + "\n")
    assert len(packed.getvalue()) < 500_000
    return packed.getvalue()


@pytest.fixture
def job_dataset(app):
    with committed_dataset(app, "worker") as made:
        yield made


def _queue(app, steward, dataset, body: bytes, **form) -> str:
    response = app.test_client().post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        data={"file": (io.BytesIO(body), "big.zip"), "background": "1", **form},
        headers=steward.headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["status"] == "queued"
    return response.get_json()["id"]


def _facts(app, dataset, job_id, settings) -> dict:
    """What the database and the disk hold after a job: records, imports, job folder, job sessions."""
    with app.extensions["fieldapp.db"].engine.connect() as conn:
        records = conn.execute(text("SELECT count(*) FROM observation WHERE dataset_id = :d"), {"d": dataset.id})
        imports = conn.execute(text("SELECT count(*) FROM import_file WHERE dataset_id = :d"), {"d": dataset.id})
        sessions = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE :name"),
            {"name": f"fieldapp-job-{job_id}-%"},
        )
        facts = {"records": records.scalar(), "imports": imports.scalar(), "job_sessions": sessions.scalar()}
    facts["job_folder"] = (settings.media_dir / "imports" / job_id).exists()
    return facts


def _mid_import(row) -> bool:
    if row["status"] in ("succeeded", "failed"):
        raise AssertionError(f"the import ended before the test could interrupt it: {dict(row)}")
    return row["status"] == "running" and row["rows_read"] > 0


def test_a_job_whose_worker_is_killed_mid_import_completes_on_another_once_and_whole(
    app, settings, job_dataset, big_zip, tmp_path
):
    steward, dataset = job_dataset
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S) as (first,):
        job_id = _queue(app, steward, dataset, big_zip)
        row = wait_for_job(app, job_id, _mid_import)
        assert row["worker"] == first.name and row["attempts"] == 1
        first.kill()
    # The child running the import died with its worker: no session of the job is left in PostgreSQL.
    time.sleep(1)
    assert _facts(app, dataset, job_id, settings)["job_sessions"] == 0
    assert _facts(app, dataset, job_id, settings)["records"] == 0  # nothing half-written
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S) as (second,):
        started = time.monotonic()
        row = wait_for_job(app, job_id, ended)
        files_gone(settings, job_id)
        print(f"taken again and finished in {time.monotonic() - started:.1f} s", file=sys.stderr)
    assert row["status"] == "succeeded", dict(row)
    assert row["worker"] == second.name and row["attempts"] == 2
    assert row["report"]["created"] == ROWS and row["rows_read"] == ROWS
    assert _facts(app, dataset, job_id, settings) == {
        "records": ROWS,
        "imports": 1,
        "job_sessions": 0,
        "job_folder": False,
    }


def test_a_stopped_worker_gives_its_job_back_at_once(app, settings, job_dataset, big_zip, tmp_path):
    steward, dataset = job_dataset
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S) as (first,):
        job_id = _queue(app, steward, dataset, big_zip)
        wait_for_job(app, job_id, _mid_import)
        first.process.send_signal(signal.SIGTERM)  # a deploy restarting the worker
        first.process.wait(timeout=20)
    row = wait_for_job(app, job_id, lambda r: r["status"] != "running", timeout_s=5)
    assert row["status"] == "queued" and row["attempts"] == 0 and row["lease_until"] is None
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S):
        row = wait_for_job(app, job_id, ended)
        files_gone(settings, job_id)
    assert row["status"] == "succeeded" and row["attempts"] == 1
    assert _facts(app, dataset, job_id, settings) == {
        "records": ROWS,
        "imports": 1,
        "job_sessions": 0,
        "job_folder": False,
    }


def test_a_job_past_its_time_limit_is_stopped_and_reported(app, settings, job_dataset, big_zip, tmp_path, monkeypatch):
    steward, dataset = job_dataset
    short = dataclasses.replace(app.extensions["fieldapp.settings"], job_time_limit_s=2)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", short)
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S):
        job_id = _queue(app, steward, dataset, big_zip)
        row = wait_for_job(app, job_id, ended)
        files_gone(settings, job_id)
    assert row["status"] == "failed", dict(row)
    assert "longer than its time limit of 2 s" in row["error"]
    time.sleep(0.5)
    assert _facts(app, dataset, job_id, settings) == {
        "records": 0,
        "imports": 0,
        "job_sessions": 0,
        "job_folder": False,
    }
    body = app.test_client().get(f"/api/v1/imports/{job_id}", headers=steward.headers).get_json()
    assert body["status"] == "failed" and "time limit" in body["error"]["message"]


def test_a_running_job_is_cancelled_through_the_api(app, settings, job_dataset, big_zip, tmp_path):
    steward, dataset = job_dataset
    client = app.test_client()
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S):
        job_id = _queue(app, steward, dataset, big_zip)
        wait_for_job(app, job_id, _mid_import)
        response = client.post(f"/api/v1/imports/{job_id}/cancel", headers=steward.headers)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == "running" and response.get_json()["cancel_requested"]
        row = wait_for_job(app, job_id, ended, timeout_s=10)
    assert row["status"] == "cancelled", dict(row)
    assert _facts(app, dataset, job_id, settings) == {
        "records": 0,
        "imports": 0,
        "job_sessions": 0,
        "job_folder": False,
    }
    again = client.post(f"/api/v1/imports/{job_id}/cancel", headers=steward.headers)
    assert again.status_code == 409


def test_a_graceful_reload_of_the_web_tier_loses_no_job(app, settings, job_dataset, big_zip, tmp_path):
    """gunicorn reloads its workers (SIGHUP, as a deploy does) right after accepting a large import."""
    steward, dataset = job_dataset
    port = free_port()
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": settings.database_url,
        "FIELDAPP_ENV": "production",
        "FIELDAPP_SECRET_KEY": "reload-test-secret",
        "FIELDAPP_MEDIA_DIR": str(settings.media_dir),
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    gunicorn += ["--bind", f"127.0.0.1:{port}", "--workers", "2"]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with (
        workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S),
        running(gunicorn, url + "/", log, cwd=ROOT, env=env),
    ):
        response = requests.post(
            f"{url}/api/v1/datasets/{dataset.slug}/imports",
            files={"file": ("big.zip", big_zip)},
            data={"background": "1"},
            headers=steward.headers,
            timeout=30,
        )
        assert response.status_code == 202, response.text
        _reload(log)
        body = _poll_http(f"{url}/api/v1/imports/{response.json()['id']}", steward.headers)
    assert body["status"] == "succeeded" and body["report"]["created"] == ROWS, body


def _reload(log) -> None:
    """SIGHUP gunicorn's master (a graceful reload: new workers, the old ones finish and exit); wait for it."""
    (pid,) = re.findall(r"\[(\d+)\] \[INFO\] Starting gunicorn", log.read_text())
    os.kill(int(pid), signal.SIGHUP)
    deadline = time.monotonic() + 30
    while log.read_text().count("Booting worker") < 4:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def _poll_http(url: str, headers: dict, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    body: dict = {}
    while time.monotonic() < deadline:
        try:
            body = requests.get(url, headers=headers, timeout=5).json()
        except requests.RequestException:
            body = {}
        if body.get("status") in ("succeeded", "failed", "cancelled"):
            return body
        time.sleep(0.3)
    raise AssertionError(f"job not ended after {timeout_s} s: {body}")


EXPORT_ROWS = 60_000


@pytest.fixture
def export_dataset(app):
    """A committed dataset of EXPORT_ROWS records, all its steward's; its export jobs and files go with it."""
    with committed_dataset(app, "export") as (steward, dataset):
        with app.extensions["fieldapp.db"].engine.begin() as conn:
            conn.execute(
                text("""
                INSERT INTO observation (id, dataset_id, contributor_id, subject_text, occurrence_status,
                                         observed_start, time_precision, geom, visibility, attributes, licence)
                SELECT gen_random_uuid(), :dataset, :contributor, 'limpet', 'present',
                       now() - make_interval(mins => g), 'instant',
                       ST_SetSRID(ST_MakePoint(-2.2 + g * 1e-6, 49.2), 4326),
                       CASE WHEN g % 10 = 0 THEN 'private' ELSE 'public' END, '{}', 'CC-BY-4.0'
                FROM generate_series(1, :n) AS g"""),
                {"dataset": dataset.id, "contributor": steward.user.contributor_id, "n": EXPORT_ROWS},
            )
        yield steward, dataset
        with app.extensions["fieldapp.db"].engine.begin() as conn:
            conn.execute(text("DELETE FROM usage_event WHERE parameters->>'dataset' = :s"), {"s": dataset.slug})


def _mid_export(row) -> bool:
    if row["status"] in ("succeeded", "failed"):
        raise AssertionError(f"the export ended before the test could interrupt it: {dict(row)}")
    return row["status"] == "running" and row["rows_read"] > 0


def test_an_export_whose_worker_is_killed_completes_on_another_once_whole_and_as_its_requester(
    app, settings, export_dataset, tmp_path
):
    steward, dataset = export_dataset
    client = app.test_client()
    queued = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=gpkg&background=1", headers=steward.headers)
    assert queued.status_code == 202, queued.get_json()
    job_id = queued.get_json()["id"]
    folder = settings.media_dir / "exports" / job_id
    final = folder / f"{dataset.slug}.gpkg"
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S) as (first,):
        row = wait_for_job(app, job_id, _mid_export)
        assert row["worker"] == first.name and row["attempts"] == 1
        first.kill()
    time.sleep(1)
    # Nothing half-written in place: the dead attempt's partial files are in its work folder only.
    assert not final.exists() and [p.name for p in folder.iterdir()] == ["work-1"]
    assert any((folder / "work-1").iterdir())
    assert _facts(app, dataset, job_id, settings)["job_sessions"] == 0
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S) as (second,):
        row = wait_for_job(app, job_id, ended)
        deadline = time.monotonic() + 20
        while len(list(folder.iterdir())) > 1 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert row["status"] == "succeeded", dict(row)
    assert row["worker"] == second.name and row["attempts"] == 2 and row["rows_read"] == EXPORT_ROWS
    # The file, whole, and nothing else: no work folder, no temporary GeoPackage.
    assert [p.name for p in folder.iterdir()] == [final.name]
    info = pyogrio.read_info(final)
    assert info["features"] == EXPORT_ROWS  # the steward's own private records too: it ran as them
    ids = pyogrio.raw.read(final, columns=["id"], read_geometry=False)[3][0]
    assert len(set(ids)) == EXPORT_ROWS
    with app.extensions["fieldapp.db"].engine.connect() as conn:
        logged = conn.execute(
            text("SELECT count(*) FROM usage_event WHERE kind = 'export' AND parameters->>'dataset' = :s"),
            {"s": dataset.slug},
        ).scalar()
    assert logged == 1  # the killed attempt logged nothing
    download = client.get(f"/api/v1/exports/{job_id}/file", headers=steward.headers)
    assert download.status_code == 200 and download.data[:16] == b"SQLite format 3\x00"
    download.close()


def test_a_worker_runs_every_kind_of_job(app, settings, job_dataset, tmp_path):
    """A map rebuild and a comparison, queued as an operator and a visitor would, run in a real worker process."""
    steward, dataset = job_dataset
    client = app.test_client()
    for lon in (-2.2, -2.1):
        body = {"type": "Point", "coordinates": [lon, 49.2]}
        created = client.post(
            "/api/v1/observations",
            json={
                "type": "Feature",
                "geometry": body,
                "properties": {"dataset": dataset.slug, "subject_text": "ormer"},
            },
            headers=steward.headers,
        )
        assert created.status_code == 201, created.get_json()
    from fieldapp.cli import main

    with app.app_context():
        rebuild = app.test_cli_runner().invoke(main, args=["tiles", "rebuild", "--dataset", dataset.slug])
    assert rebuild.exit_code == 0, rebuild.output
    rebuild_id = rebuild.output.split()[0]
    args = {"a": f"dataset:{dataset.slug}", "b": "kind:volunteer", "cell_m": "1000", "background": "true"}
    comparison = client.get("/api/v1/comparisons", query_string=args)
    assert comparison.status_code == 202, comparison.get_json()
    comparison_id = comparison.get_json()["id"]
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S):
        rebuilt = wait_for_job(app, rebuild_id, ended, timeout_s=60)
        compared = wait_for_job(app, comparison_id, ended, timeout_s=60)
    assert rebuilt["status"] == "succeeded" and rebuilt["rows_read"] == 2, dict(rebuilt)
    assert compared["status"] == "succeeded", dict(compared)
    answer = client.get(f"/api/v1/comparisons/jobs/{comparison_id}/file")
    assert answer.status_code == 200 and answer.get_json()["sides"]["a"]["observations"] == 2
    answer.close()
    with app.extensions["fieldapp.db"].engine.begin() as conn:
        conn.execute(text("DELETE FROM import_job WHERE id = :id"), {"id": comparison_id})


def test_an_export_past_its_time_limit_or_cancelled_leaves_nothing(
    app, settings, export_dataset, tmp_path, monkeypatch
):
    steward, dataset = export_dataset
    client = app.test_client()
    short = dataclasses.replace(app.extensions["fieldapp.settings"], export_time_limit_s=1)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", short)
    url = f"/api/v1/datasets/{dataset.slug}/export?format=gpkg&background=1"
    limited = client.get(url, headers=steward.headers).get_json()["id"]
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    cancelled = client.get(url, headers=steward.headers).get_json()["id"]
    with workers(settings, tmp_path, FIELDAPP_JOB_LEASE_S=LEASE_S):
        row = wait_for_job(app, limited, ended)
        assert row["status"] == "failed" and "longer than its time limit of 1 s" in row["error"], dict(row)
        wait_for_job(app, cancelled, _mid_export)
        answer = client.post(f"/api/v1/exports/{cancelled}/cancel", headers=steward.headers)
        assert answer.status_code == 200 and answer.get_json()["cancel_requested"], answer.get_json()
        row = wait_for_job(app, cancelled, ended, timeout_s=20)
        assert row["status"] == "cancelled", dict(row)
        deadline = time.monotonic() + 20
        folders = [settings.media_dir / "exports" / job for job in (limited, cancelled)]
        while any(f.exists() for f in folders) and time.monotonic() < deadline:
            time.sleep(0.2)
    assert not any(f.exists() for f in folders)  # no partial file, no temporary GeoPackage
    with app.extensions["fieldapp.db"].engine.connect() as conn:
        logged = conn.execute(
            text("SELECT count(*) FROM usage_event WHERE kind = 'export' AND parameters->>'dataset' = :s"),
            {"s": dataset.slug},
        ).scalar()
    assert logged == 0
    assert client.get(f"/api/v1/exports/{cancelled}/file", headers=steward.headers).status_code == 409
