"""OGC API - Features: the standard's rules with the test client, and GDAL's OAPIF driver against a live server."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from tests.factories import Factory
from tests.integration.transfer_helpers import do_import

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"


def _points_csv(path: Path, n: int) -> Path:
    lines = ["id,species,lat,lon,date"]
    lines += [
        f"r{i},Spider crab,{49.17 + i * 0.001:.4f},{-2.20 + i * 0.002:.4f},2021-05-{1 + i % 28:02d}" for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def survey(db, make, tmp_path):
    steward = make.account("steward")
    dataset = make.dataset(steward, title="Crab survey")
    do_import(db, _points_csv(tmp_path / "crabs.csv", 12), dataset.slug, tmp_path / "w")
    db.execute(
        text("UPDATE observation SET visibility = 'generalised' WHERE source_ref = 'r0' AND dataset_id = :d"),
        {"d": dataset.id},
    )
    db.commit()
    return dataset


def test_landing_page_and_conformance_link_the_api(client, survey):
    landing = client.get("/ogc")
    assert landing.status_code == 200
    rels = {link["rel"] for link in landing.json["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conformance = client.get("/ogc/conformance").json["conformsTo"]
    assert CORE in conformance and any(c.endswith("/conf/geojson") for c in conformance)
    api = client.get("/ogc/api").json
    assert api["openapi"].startswith("3.0") and "/collections/{collectionId}/items" in api["paths"]


def test_collections_have_true_extents(client, survey):
    body = client.get("/ogc/collections").json
    ids = [c["id"] for c in body["collections"]]
    assert ids[0] == "observations" and survey.slug in ids
    crabs = client.get(f"/ogc/collections/{survey.slug}").json
    minx, miny, maxx, maxy = crabs["extent"]["spatial"]["bbox"][0]
    assert minx == pytest.approx(-2.20, abs=0.02) and maxx == pytest.approx(-2.178, abs=0.001)
    assert crabs["extent"]["temporal"]["interval"][0] == ["2021-05-01T00:00:00Z", "2021-05-12T00:00:00Z"]
    assert any(link["rel"] == "items" for link in crabs["links"])
    assert client.get("/ogc/collections/nope").status_code == 404


def test_items_page_with_next_links_and_counts(client, survey):
    url = f"/ogc/collections/{survey.slug}/items?limit=5"
    seen = []
    while url:
        page = client.get(url)
        assert page.status_code == 200 and page.mimetype == "application/geo+json"
        body = page.json
        assert body["numberMatched"] == 12 and body["numberReturned"] == len(body["features"])
        seen += [f["id"] for f in body["features"]]
        following = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = following[0].replace("http://localhost", "") if following else None
    assert len(seen) == len(set(seen)) == 12


def test_items_filters_and_parameter_errors(client, survey):
    base = f"/ogc/collections/{survey.slug}/items"
    boxed = client.get(f"{base}?bbox=-2.2005,49.1695,-2.1955,49.1745").json
    assert boxed["numberMatched"] == 3
    timed = client.get(f"{base}?datetime=2021-05-01/2021-05-03").json
    assert timed["numberMatched"] == 3
    assert client.get(f"{base}?limit=0").status_code == 400
    assert client.get(f"{base}?limit=abc").status_code == 400
    unknown = client.get(f"{base}?colour=red")
    assert unknown.status_code == 400 and "colour" in unknown.json["description"]
    clamped = client.get(f"{base}?limit=999999").json
    assert clamped["numberReturned"] == 12


def test_one_item_public_geometry_for_anonymous(client, survey, db):
    ref = db.execute(
        text("SELECT id FROM observation WHERE source_ref = 'r0' AND dataset_id = :d"), {"d": survey.id}
    ).scalar()
    item = client.get(f"/ogc/collections/{survey.slug}/items/{ref}")
    assert item.status_code == 200
    assert item.json["geometry"]["type"] == "Polygon"  # generalised: its grid cell, not the point
    assert client.get(f"/ogc/collections/observations/items/{ref}").status_code == 200
    assert client.get(f"/ogc/collections/{survey.slug}/items/{uuid.uuid4()}").status_code == 404
    assert client.get(f"/ogc/collections/{survey.slug}/items/not-a-uuid").status_code == 404


# --- GDAL against a live server: real commits, removed afterwards ---------------------------------------------


@pytest.fixture
def committed(app, tmp_path):
    """Two datasets committed for real (a live server cannot see a test's transaction), then removed."""
    database = app.extensions["fieldapp.db"]
    session = database.sessionmaker()
    factory = Factory(session)
    steward = factory.account("steward")
    slugs = {}
    for name, n in (("ogc-crabs", 23), ("ogc-few", 4)):
        dataset = factory.dataset(steward, slug=f"{name}-{uuid.uuid4().hex[:6]}")
        do_import(session, _points_csv(tmp_path / f"{name}.csv", n), dataset.slug, tmp_path / name)
        session.commit()
        slugs[dataset.slug] = n
    yield slugs
    ids = list(slugs)
    session.execute(
        text("DELETE FROM observation WHERE dataset_id IN (SELECT id FROM dataset WHERE slug = ANY(:s))"), {"s": ids}
    )
    session.execute(text("DELETE FROM dataset WHERE slug = ANY(:s)"), {"s": ids})
    session.commit()
    session.close()


@pytest.fixture
def live(app, committed):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/ogc"
    server.shutdown()
    thread.join(timeout=10)


def _ogrinfo(*args: str) -> str:
    result = subprocess.run(["ogrinfo", "-ro", *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs gdal-bin (scripts/setup.sh test)")
def test_gdal_oapif_reads_every_collection_with_the_right_counts(app, live, committed):
    layers = _ogrinfo(f"OAPIF:{live}")
    for slug in committed:
        assert re.search(rf"^\d+: {re.escape(slug)}\b", layers, re.MULTILINE), layers
    database = app.extensions["fieldapp.db"]
    with database.engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM observation")).scalar()
    expected = committed | {"observations": total}
    for slug, n in expected.items():
        summary = _ogrinfo("-so", f"OAPIF:{live}", slug)
        assert f"Feature Count: {n}" in summary, summary
        # A full read with small pages follows every next link.
        full = _ogrinfo("-oo", "PAGE_SIZE=5", "-al", "-q", f"OAPIF:{live}", slug)
        assert full.count("OGRFeature(") == n


def test_errors_use_the_ogc_exception_shape_with_clear_messages(client, survey):
    base = f"/ogc/collections/{survey.slug}/items"
    cases = [
        (f"{base}?colour=red", 400, "InvalidParameterValue", "colour"),
        (f"{base}?limit=0", 400, "InvalidParameterValue", "limit"),
        (f"{base}?bbox=1,2,3", 400, "InvalidParameterValue", "bbox"),
        ("/ogc/collections/no-such-thing", 404, "NotFound", "no-such-thing"),
        (f"{base}/not-a-uuid", 404, "NotFound", "not-a-uuid"),
        ("/ogc/nowhere", 404, "NotFound", "not found"),
    ]
    for url, status, code, words in cases:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.mimetype == "application/json", url
        assert set(response.json) == {"code", "description"}, (url, response.json)
        assert response.json["code"] == code, url
        assert words.lower() in response.json["description"].lower(), (url, response.json)
    # Outside /ogc the API keeps its own error shape.
    api = client.get("/api/v1/observations?colour=red")
    assert api.status_code == 400 and "colour" in api.json["error"]["message"]


def test_the_page_sizes_come_from_settings_and_the_document_states_them(client, app, survey, monkeypatch):
    from dataclasses import replace

    settings = replace(app.extensions["fieldapp.settings"], ogc_page_size=2, ogc_page_max=5)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    base = f"/ogc/collections/{survey.slug}/items"
    assert client.get(base).json["numberReturned"] == 2
    assert client.get(f"{base}?limit=999").json["numberReturned"] == 5
    document = client.get("/ogc/api").json
    limits = [
        p["schema"] for path in document["paths"].values() for p in path["get"]["parameters"] if p["name"] == "limit"
    ]
    assert limits and all((s["default"], s["maximum"]) == (2, 5) for s in limits)
