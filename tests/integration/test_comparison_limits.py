"""A comparison is bounded: refused before it runs when its grid join is too large, stopped by a timeout."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from fieldapp.transfer import jobs
from tests.factories import feature
from tests.integration.test_export_jobs import claim

# About 5 km around St Helier with 100,000 vertices: one public record of the kind that killed a worker.
BIG_POLYGON = """
    UPDATE observation SET geom = ST_Transform(ST_Buffer(
        ST_Transform(ST_SetSRID(ST_MakePoint(-2.11, 49.21), 4326), 3109), 5000, 25000), 4326)
     WHERE id = :id
"""


@pytest.fixture
def big_area(client, db, make):
    """Side A: the 100,000-vertex polygon; side B: one small point."""
    owner = make.account()
    a, b = make.dataset(owner, title="Huge area"), make.dataset(owner, title="One point")
    square = [[-2.12, 49.20], [-2.10, 49.20], [-2.10, 49.22], [-2.12, 49.22], [-2.12, 49.20]]
    body = feature(a.slug, {"type": "Polygon", "coordinates": [square]})
    created = client.post("/api/v1/observations", json=body, headers=owner.headers).get_json()
    db.execute(text(BIG_POLYGON), {"id": created["id"]})
    db.commit()
    assert (
        db.scalar(text("SELECT ST_NPoints(public_geom) FROM observation WHERE id = :id"), {"id": created["id"]})
        > 99_000
    )
    point = feature(b.slug, {"type": "Point", "coordinates": [-2.11, 49.21]})
    assert client.post("/api/v1/observations", json=point, headers=owner.headers).status_code == 201
    return a.slug, b.slug


def _compare(client, sides, cell_m):
    a, b = sides
    return client.get("/api/v1/comparisons", query_string={"a": f"dataset:{a}", "b": f"dataset:{b}", "cell_m": cell_m})


def test_an_anonymous_100k_vertex_comparison_at_100_m_is_refused_before_it_runs(client, big_area):
    response = _compare(client, big_area, 100)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["details"] == [{"path": "cell_m", "message": "too much work for this cell size"}]
    assert "choose cells of at least 2,500 m, or narrower selections" in error["message"]


def test_the_suggested_cell_size_runs(client, big_area):
    message = _compare(client, big_area, 100).get_json()["error"]["message"]
    suggested = int(message.split("choose cells of at least ")[1].split(" m")[0].replace(",", ""))
    # Its work is over the inline limit (FIELDAPP_COMPARISON_INLINE_MAX_WORK): it runs, as a job.
    response = _compare(client, big_area, suggested)
    assert response.status_code == 202 and response.get_json()["status"] == "queued", response.get_json()


def test_the_page_says_the_same_in_its_form(client, big_area):
    a, b = big_area
    response = client.get("/compare", query_string={"a": f"dataset:{a}", "b": f"dataset:{b}", "cell_m": 100})
    assert response.status_code == 422
    assert "choose cells of at least" in response.get_data(as_text=True)


def test_a_comparison_past_its_timeout_is_503_with_retry_after(app, client, big_area, monkeypatch):
    settings = app.extensions["fieldapp.settings"]
    # Allowed by the estimate, but given one second: the statement is cancelled, the worker lives on.
    unbounded = replace(settings, comparison_max_work=10**12, comparison_inline_max_work=10**12, comparison_timeout_s=1)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", unbounded)
    response = _compare(client, big_area, 100)
    assert response.status_code == 503, response.get_json()
    assert int(response.headers["Retry-After"]) > 0
    error = response.get_json()["error"]
    assert "took longer than 1 s and was stopped" in error["message"]
    assert error["details"][0]["path"] == "cell_m"


def test_a_large_comparison_is_a_job_whose_answer_is_the_inline_one(app, client, db, big_area, monkeypatch):
    queued = _compare(client, big_area, 2500)
    assert queued.status_code == 202, queued.get_json()
    job_url = queued.headers["Location"].split("localhost", 1)[1]
    assert job_url == f"/api/v1/comparisons/jobs/{queued.get_json()['id']}"
    assert client.get(job_url + "/file").status_code == 409
    assert claim(app, db, queued.get_json()["id"], "comparison")
    done = client.get(job_url).get_json()
    assert done["status"] == "succeeded" and done["links"]["file"].endswith(job_url + "/file"), done
    answer = client.get(job_url + "/file")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    from_job = answer.get_json()
    answer.close()
    settings = app.extensions["fieldapp.settings"]
    monkeypatch.setitem(app.extensions, "fieldapp.settings", replace(settings, comparison_inline_max_work=10**12))
    inline = _compare(client, big_area, 2500)
    assert inline.status_code == 200
    assert from_job["summary"] == inline.get_json()["summary"]
    assert from_job["cells"]["features"] == inline.get_json()["cells"]["features"]
    assert not any(p.name.startswith("work-") for p in jobs.job_folder(jobs.get_job(db, done["id"])).iterdir())
    assert client.post(job_url + "/cancel").status_code == 409


def test_the_page_follows_a_large_comparison_then_shows_it(app, client, db, big_area):
    a, b = big_area
    args = {"a": f"dataset:{a}", "b": f"dataset:{b}", "cell_m": 2500}
    started = client.get("/compare", query_string=args)
    assert started.status_code == 303, started.get_data(as_text=True)[:300]
    page_url = started.headers["Location"]
    waiting = client.get(page_url)
    assert waiting.status_code == 202 and 'http-equiv="refresh"' in waiting.get_data(as_text=True)
    assert claim(app, db, page_url.rsplit("/", 1)[1], "comparison")
    shown = client.get(page_url)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "/compare/cells/" in html and "refresh" not in html
    run_id = html.split("/compare/cells/", 1)[1][:36]
    assert client.get(f"/compare/cells/{run_id}/0/0/0.pbf").status_code == 200
    # The page's downloads of the same comparison go to a job too, followed on the same kind of page.
    download = client.get("/compare/download", query_string=args | {"format": "csv"})
    assert download.status_code == 303 and "/compare/jobs/" in download.headers["Location"]
    assert client.get("/compare/download", query_string=args | {"format": "xls"}).status_code == 400


def test_a_queued_comparison_is_cancelled(client, big_area):
    queued = _compare(client, big_area, 2500).get_json()
    cancelled = client.post(f"/api/v1/comparisons/jobs/{queued['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.get("/api/v1/comparisons/jobs/00000000-0000-0000-0000-000000000000").status_code == 404
