"""A comparison is bounded: refused before it runs when its grid join is too large, stopped by a timeout."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from tests.factories import feature

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
    assert _compare(client, big_area, suggested).status_code == 200


def test_the_page_says_the_same_in_its_form(client, big_area):
    a, b = big_area
    response = client.get("/compare", query_string={"a": f"dataset:{a}", "b": f"dataset:{b}", "cell_m": 100})
    assert response.status_code == 422
    assert "choose cells of at least" in response.get_data(as_text=True)


def test_a_comparison_past_its_timeout_is_503_with_retry_after(app, client, big_area, monkeypatch):
    settings = app.extensions["fieldapp.settings"]
    # Allowed by the estimate, but given one second: the statement is cancelled, the worker lives on.
    unbounded = replace(settings, comparison_max_work=10**12, comparison_timeout_s=1)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", unbounded)
    response = _compare(client, big_area, 100)
    assert response.status_code == 503, response.get_json()
    assert int(response.headers["Retry-After"]) > 0
    error = response.get_json()["error"]
    assert "took longer than 1 s and was stopped" in error["message"]
    assert error["details"][0]["path"] == "cell_m"
