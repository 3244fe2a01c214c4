"""Large exports are jobs: the web tier answers 202 with the job's URL, a worker writes the file as the viewer who
asked, and only that viewer may follow the job and download it. The job is run here in-process (the worker's own
function, inside the test's transaction); tests/integration/test_worker.py runs it in real worker processes."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from fieldapp.transfer import export_jobs, jobs
from tests.factories import feature

PASSWORD = "a long enough passphrase"


@pytest.fixture
def small_inline(app, monkeypatch):
    """Exports of more than two records go to a job."""
    settings = dataclasses.replace(app.extensions["fieldapp.settings"], export_inline_max_records=2)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    return settings


@pytest.fixture
def records(client, steward, dataset):
    """Two public records and a private one, all the steward's."""
    ids = []
    for visibility in ("public", "public", "private"):
        created = client.post(
            "/api/v1/observations", json=feature(dataset.slug, visibility=visibility), headers=steward.headers
        )
        assert created.status_code == 201, created.get_json()
        ids.append(created.get_json()["id"])
    return ids


def claim(app, db, job_id: str, kind: str = "export") -> bool:
    """Claim this job as a worker would and run it with the worker's function; whether the claim held."""
    from fieldapp.worker import RUNS

    db.execute(
        text("""UPDATE import_job SET status = 'running', worker = 'test', attempts = attempts + 1,
                lease_until = now() + interval '1 minute', started_at = now() WHERE id = :id"""),
        {"id": job_id},
    )
    db.commit()
    job = jobs.get_job(db, job_id)
    assert job.kind == kind
    workdir = jobs.job_folder(job) / f"work-{job.attempts}"
    workdir.mkdir(parents=True)
    with app.app_context():
        held = RUNS[job.kind](app.extensions["fieldapp.db"], job, workdir)
    jobs.discard(job, keep_result=True)  # as the worker does once the child recorded its outcome
    return held


def run_job(app, db, job_id: str) -> bool:
    return claim(app, db, job_id)


def test_a_large_export_runs_as_its_requester_and_only_they_may_download_it(
    app, client, db, make, steward, dataset, records, small_inline
):
    # Anonymous visitors see two records: within the inline limit, the file itself.
    inline = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=geojson")
    assert inline.status_code == 200 and len(json.loads(inline.data)["features"]) == 2
    # The steward sees three: a job.
    queued = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=geojson", headers=steward.headers)
    assert queued.status_code == 202, queued.get_json()
    body = queued.get_json()
    job_url = queued.headers["Location"]
    assert body["status"] == "queued" and body["format"] == "geojson" and job_url.endswith(f"/exports/{body['id']}")
    assert body["links"] == {"self": job_url} and body["bytes"] is None
    path = job_url.split("localhost", 1)[1]
    early = client.get(path + "/file", headers=steward.headers)
    assert early.status_code == 409 and "queued" in early.get_json()["error"]["message"]

    assert run_job(app, db, body["id"])
    done = client.get(path, headers=steward.headers).get_json()
    assert done["status"] == "succeeded" and done["records"] == 3 and done["bytes"] > 0
    assert done["links"]["file"].endswith(path + "/file")
    download = client.get(path + "/file", headers=steward.headers)
    assert download.status_code == 200 and download.mimetype == "application/geo+json"
    assert f"filename={dataset.slug}.geojson" in download.headers["Content-Disposition"]
    assert sorted(f["id"] for f in json.loads(download.data)["features"]) == sorted(records)  # the private one too
    download.close()

    # Nobody else: another member, park staff, an anonymous visitor (404, as if there were no such job).
    member, staff = make.account(), make.account("staff")
    for headers in (member.headers, staff.headers, {}):
        for url in (path, path + "/file"):
            assert client.get(url, headers=headers).status_code == 404
        assert client.post(path + "/cancel", headers=headers).status_code == 404
    # An import job's routes do not show an export job, nor the export routes an import job.
    assert client.get(f"/api/v1/imports/{body['id']}", headers=steward.headers).status_code == 404

    # The job's folder holds its file and nothing else; the export was logged once, as a job.
    folder = Path(app.extensions["fieldapp.settings"].media_dir) / "exports" / body["id"]
    assert [p.name for p in folder.iterdir()] == [f"{dataset.slug}.geojson"]
    logged = db.execute(
        text(
            "SELECT count(*) FROM usage_event WHERE kind = 'export' AND parameters->>'via' = 'job'"
            " AND parameters->>'dataset' = :slug"
        ),
        {"slug": dataset.slug},
    ).scalar()
    assert logged == 1
    assert client.post(path + "/cancel", headers=steward.headers).status_code == 409


def test_background_asks_for_a_job_and_an_anonymous_job_is_public_data_behind_its_id(
    app, client, db, make, steward, dataset, records
):
    queued = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=csv&background=true")
    assert queued.status_code == 202, queued.get_json()
    job_id = queued.get_json()["id"]
    assert run_job(app, db, job_id)
    download = client.get(f"/api/v1/exports/{job_id}/file")
    assert download.status_code == 200
    assert download.data.decode().count("\n") == 3  # the header and the two public records, not the private one
    download.close()
    assert client.get(f"/api/v1/datasets/{dataset.slug}/export?format=xls&background=1").status_code == 400
    assert client.get("/api/v1/exports/not-a-uuid").status_code == 404


def test_a_job_whose_requester_was_deleted_fails_and_nobody_may_fetch_it(app, client, db, make, dataset, records):
    member = make.account()
    queued = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=csv&background=1", headers=member.headers)
    job_id = queued.get_json()["id"]
    # What deleting the account does to the job (user_id's foreign key is ON DELETE SET NULL).
    db.execute(text("UPDATE import_job SET user_id = NULL WHERE id = :id"), {"id": job_id})
    db.commit()
    for headers in ({}, member.headers):
        assert client.get(f"/api/v1/exports/{job_id}", headers=headers).status_code == 404
    assert run_job(app, db, job_id)
    job = jobs.get_job(db, job_id)
    assert job.status == "failed" and "no longer exists" in job.error
    assert not jobs.job_folder(job).exists()


def test_the_dataset_page_streams_a_small_export_and_follows_a_large_one(
    app, client, db, steward, dataset, records, small_inline
):
    page = client.get(f"/datasets/{dataset.slug}").get_data(as_text=True)
    assert f'href="/datasets/{dataset.slug}/download?format=csv">CSV</a>' in page
    small = client.get(f"/datasets/{dataset.slug}/download?format=csv")
    assert small.status_code == 200 and "attachment" in small.headers["Content-Disposition"]
    assert small.data.decode().count("\n") == 3
    assert client.get(f"/datasets/{dataset.slug}/download?format=nope").status_code == 400

    client.post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers)
    large = client.get(f"/datasets/{dataset.slug}/download?format=gpkg")
    assert large.status_code == 303, large.get_data(as_text=True)[:300]
    job_page = large.headers["Location"]
    job_id = job_page.rsplit("/", 1)[1]
    waiting = client.get(job_page)
    html = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and "Preparing" in html and 'http-equiv="refresh"' in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    cancelled = client.post(f"/exports/{job_id}/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 303
    after = client.get(job_page)
    assert after.status_code == 200 and "cancelled" in after.get_data(as_text=True)
    assert jobs.get_job(db, job_id).status == "cancelled"
    assert not (Path(small_inline.media_dir) / "exports" / job_id).exists()


def test_a_finished_page_job_offers_its_file(app, client, db, steward, dataset, records, small_inline):
    client.post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers)
    job_id = client.get(f"/datasets/{dataset.slug}/download?format=csv").headers["Location"].rsplit("/", 1)[1]
    assert run_job(app, db, job_id)
    html = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert f'href="/api/v1/exports/{job_id}/file"' in html and "is ready" in html
    assert "refresh" not in html


def test_an_expired_export_goes_with_its_file(app, client, db, steward, dataset, records):
    job_id = client.get(
        f"/api/v1/datasets/{dataset.slug}/export?format=csv&background=1", headers=steward.headers
    ).get_json()["id"]
    assert run_job(app, db, job_id)
    folder = jobs.job_folder(jobs.get_job(db, job_id))
    assert folder.is_dir()
    keep_h = app.extensions["fieldapp.settings"].export_keep_h
    assert export_jobs.expire(db, keep_h) == 0
    db.execute(
        text("UPDATE import_job SET finished_at = now() - make_interval(hours => :h + 1) WHERE id = :id"),
        {"id": job_id, "h": keep_h},
    )
    assert export_jobs.expire(db, keep_h) == 1
    assert not folder.exists() and jobs.get_job(db, job_id) is None
    assert client.get(f"/api/v1/exports/{job_id}", headers=steward.headers).status_code == 404
