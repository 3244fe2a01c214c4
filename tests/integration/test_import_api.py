"""The import API: permissions, inline reports, dry runs, and background jobs with a status URL."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from sqlalchemy import text

from tests.integration.transfer_helpers import count
from tests.integration.worker_helpers import committed_dataset, files_gone, workers
from tests.shared_data import data

CSV = b"id,species,lat,lon,date\nr1,Spider crab,49.18,-2.15,2021-05-01\nr2,Ormer,49.19,-2.16,01/06/2021\n"


def _post(client, dataset, account, body: bytes = CSV, name: str = "few.csv", **form):
    payload = {"file": (io.BytesIO(body), name), **form}
    return client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        data=payload,
        headers=account.headers,
        content_type="multipart/form-data",
    )


def test_steward_imports_a_small_file_inline_and_gets_the_report(client, db, dataset, steward):
    response = _post(client, dataset, steward)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "succeeded" and body["report"]["created"] == 2
    assert body["report"]["readings"]["dates"]["message"].startswith("dmy")
    assert body["report"]["readings"]["dates"]["code"] == "dates_read_as"
    assert response.headers["Location"].endswith(f"/api/v1/imports/{body['id']}")
    assert count(db, dataset.slug) == 2
    again = client.get(f"/api/v1/imports/{body['id']}", headers=steward.headers)
    assert again.status_code == 200 and again.json["report"]["created"] == 2


def test_dry_run_and_mapping_through_the_api(client, db, dataset, steward):
    response = _post(client, dataset, steward, dry_run="true", map='{"subject": "id"}')
    assert response.status_code == 200
    report = response.json["report"]
    assert report["dry_run"] and report["to_create"] == 2 and not report["written"]
    # Report lines are codes with parameters (worded on the page in the reader's language) and their English message.
    assert report["mapping"]["subject"] == {
        "code": "column_given",
        "params": {"column": "'id'"},
        "message": "column 'id' (given)",
    }
    assert count(db, dataset.slug) == 0


def test_rejected_rows_fail_the_job_with_details_and_write_nothing(client, db, dataset, steward):
    response = _post(client, dataset, steward, body=b"lat,lon,species\n49.1,-2.1,crab\n91,-2.1,crab\n")
    assert response.status_code == 422
    error = response.json["error"]
    assert "nothing was written" in error["message"]
    assert error["details"] == [{"path": "row 3", "message": error["details"][0]["message"]}]
    assert count(db, dataset.slug) == 0


def test_only_stewards_and_staff_may_import(client, db, dataset, make):
    member = make.account("member")
    assert _post(client, dataset, member).status_code == 403
    assert client.post(f"/api/v1/datasets/{dataset.slug}/imports").status_code == 401
    staff = make.account("staff")
    assert _post(client, dataset, staff).status_code == 201
    job = _post(client, dataset, staff, dry_run="1").json["id"]
    assert client.get(f"/api/v1/imports/{job}", headers=member.headers).status_code == 404


def test_unknown_form_fields_and_missing_file_are_400(client, dataset, steward):
    assert _post(client, dataset, steward, colour="red").status_code == 400
    missing = client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        data={"dry_run": "1"},
        headers=steward.headers,
        content_type="multipart/form-data",
    )
    assert missing.status_code == 400 and missing.json["error"]["details"][0]["path"] == "file"


# --- background jobs: run by a `fieldapp worker` process with its own connection, so these commit for real ---


@pytest.fixture
def committed(app):
    with committed_dataset(app) as made:
        yield made


@pytest.fixture(scope="module")
def worker(settings, migrated, tmp_path_factory):
    with workers(settings, tmp_path_factory.mktemp("import-api-workers")) as (one,):
        yield one


def _wait(client, url, headers, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).json
        if body["status"] in ("succeeded", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"job still {body['status']} after {timeout}s")


def test_large_imports_run_as_background_jobs_with_a_status_url(app, committed, worker):
    steward, dataset = committed
    client = app.test_client()
    # Under werkzeug's 500 kB spooling threshold: the test client never closes its spooled request body.
    path = data("survey_layers/spa_sweng.geojson")
    with path.open("rb") as upload:
        response = client.post(
            f"/api/v1/datasets/{dataset.slug}/imports",
            headers=steward.headers,
            data={"file": (upload, path.name), "background": "1"},
            content_type="multipart/form-data",
        )
    assert response.status_code == 202, response.json
    assert response.json["status"] == "queued"
    status_url = response.headers["Location"]
    body = _wait(client, status_url, steward.headers)
    assert body["status"] == "succeeded", body
    assert body["report"]["created"] == 4 and body["rows_read"] == 4 and body["progress"] == 1
    database = app.extensions["fieldapp.db"]
    with database.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT count(*) FROM observation WHERE dataset_id = :d"), {"d": dataset.id}
        ).scalar()
    assert stored == 4
    assert body["attempts"] == 1
    assert files_gone(app.extensions["fieldapp.settings"], body["id"])


def test_a_failing_background_job_records_why_and_writes_nothing(app, committed, worker):
    steward, dataset = committed
    client = app.test_client()
    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        headers=steward.headers,
        data={"file": (io.BytesIO(b"lat,lon,species\n95,1,x\n"), "bad.csv"), "background": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202
    body = _wait(client, response.headers["Location"], steward.headers)
    assert body["status"] == "failed" and "nothing was written" in body["error"]["message"]
    assert body["report"]["rejected_count"] == 1


def test_a_queued_job_is_cancelled_at_once_and_its_upload_removed(app, client, dataset, steward, make):
    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        headers=steward.headers,
        data={"file": (io.BytesIO(CSV), "few.csv"), "background": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202
    job_id = response.json["id"]
    upload = app.extensions["fieldapp.settings"].media_dir / "imports" / job_id
    assert upload.exists()
    other = make.account("steward")
    assert client.post(f"/api/v1/imports/{job_id}/cancel", headers=other.headers).status_code == 404
    cancelled = client.post(f"/api/v1/imports/{job_id}/cancel", headers=steward.headers)
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled" and "nothing was written" in cancelled.json["error"]["message"]
    assert not upload.exists()
    assert client.get(f"/api/v1/imports/{job_id}", headers=steward.headers).json["status"] == "cancelled"
    assert client.post(f"/api/v1/imports/{job_id}/cancel", headers=steward.headers).status_code == 409


NO_IDS = b"species,lat,lon,date\nSpider crab,49.18,-2.15,2021-05-01\nOrmer,49.19,-2.16,03/04/2021\n"


def test_a_source_key_through_the_api_and_the_file_and_earlier_import_in_the_job(client, db, dataset, steward):
    first = _post(client, dataset, steward, body=NO_IDS, name="shore.csv", source_key="shore-walks")
    assert first.status_code == 201, first.json
    source = first.json["report"]["source"]
    assert source["name"] == "shore.csv" and len(source["sha256"]) == 64 and source["source_key"] == "shore-walks"
    edited = NO_IDS.replace(b"Ormer", b"Green ormer")
    dry = _post(client, dataset, steward, body=edited, name="shore.csv", source_key="shore-walks", dry_run="yes")
    report = dry.json["report"]
    assert (report["to_create"], report["to_update"]) == (0, 2)
    assert report["updates_from"][0]["import_id"] == source["import_id"]
    assert report["identity_changes"]["subject"] == 1 and report["warnings"][0]["message"].startswith("CHECK THIS")
    other = _post(client, dataset, steward, body=edited, name="other.csv", dry_run="yes")
    assert (other.json["report"]["to_create"], other.json["report"]["to_update"]) == (2, 0)


def test_the_api_reads_date_order_and_default_date_and_refuses_bad_option_values(client, db, dataset, steward):
    response = _post(client, dataset, steward, body=NO_IDS, date_order="mdy")
    assert response.status_code == 201, response.json
    assert response.json["report"]["readings"]["dates"]["message"] == "mdy (given)"
    for field, value in [("date_order", "ymd"), ("dry_run", "perhaps"), ("default_date", "soon"), ("format", "xls")]:
        refused = _post(client, dataset, steward, **{field: value})
        assert refused.status_code == 400, (field, refused.json)
        assert refused.json["error"]["details"][0]["path"] == field
    twice = client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        data={"file": (io.BytesIO(CSV), "few.csv"), "layer": ["a", "b"]},
        headers=steward.headers,
        content_type="multipart/form-data",
    )
    assert twice.status_code == 400 and twice.json["error"]["details"][0]["path"] == "layer"
    assert count(db, dataset.slug) == 2


def test_the_zip_limits_come_from_settings(client, app, db, dataset, steward, monkeypatch):
    from dataclasses import replace

    settings = replace(app.extensions["fieldapp.settings"], archive_max_members=1)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as zf:
        zf.writestr("few.csv", CSV)
        zf.writestr("notes.txt", "two files where this deployment accepts one")
    response = _post(client, dataset, steward, body=packed.getvalue(), name="few.zip")
    assert response.status_code == 422, response.get_json()
    assert "at most 1 are accepted" in response.get_json()["error"]["message"]
    assert count(db, dataset.slug) == 0
