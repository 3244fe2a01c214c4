"""The gazetteer's outputs: the OGC API - Features collection `places` and the GeoJSON/CSV download, through
the observations' gate, read by GDAL too.

A private fishing mark is in no answer but its holders' (items, one item, a bbox around it, the extent); a
generalised one is only its grid cell; GDAL's OAPIF driver pages through the collection as anonymous and,
with the holder's token in a header, as the holder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import threading
import uuid

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from tests.factories import Factory
from tests.integration.test_places import LECQ, MARK, place

SECRET = "Le Trou ès Congres"
CELL_MARK = [-2.2301, 49.2601]


def _post(client, body, account) -> int:
    response = client.post("/api/v1/places", json=body, headers=account.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def marks(client, make, steward, dataset):
    fisher, other, staff = make.account(name="Demo fisher Anne"), make.account(), make.account(role="staff")
    ids = {
        "bay": _post(client, place(dataset.slug, "bay", LECQ, ("Grève de Lecq", "fr")), steward),
        "private": _post(
            client, place(dataset.slug, "fishing_mark", MARK, (SECRET, "nrf"), visibility="private"), fisher
        ),
        "generalised": _post(
            client,
            place(dataset.slug, "fishing_mark", CELL_MARK, ("The Tongs", "en"), visibility="generalised"),
            fisher,
        ),
    }
    return {"ids": ids, "fisher": fisher, "other": other, "staff": staff, "steward": steward}


def _items(client, headers=None, **args):
    response = client.get("/ogc/collections/places/items", query_string=args, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    return response.get_json()


def _coordinates_near(body: str, point) -> bool:
    return f"{point[0]}" in body or f"{point[1]}" in body


def test_places_is_a_collection_whose_extent_holds_only_what_the_viewer_sees(client, marks):
    collections = client.get("/ogc/collections").get_json()["collections"]
    ids = [c["id"] for c in collections]
    assert ids[:2] == ["observations", "places"]
    places = client.get("/ogc/collections/places").get_json()
    assert {link["rel"] for link in places["links"]} == {"self", "items"}
    minx, miny, maxx, maxy = places["extent"]["spatial"]["bbox"][0]
    assert not (minx <= MARK[0] <= maxx and miny <= MARK[1] <= maxy), "the private mark widened the extent"
    held = client.get("/ogc/collections/places", headers=marks["fisher"].headers).get_json()
    minx, miny, maxx, maxy = held["extent"]["spatial"]["bbox"][0]
    assert minx <= MARK[0] <= maxx and miny <= MARK[1] <= maxy


def test_a_private_mark_never_reaches_other_viewers_and_a_generalised_one_is_its_cell(client, marks):
    ids = marks["ids"]
    near = f"{MARK[0] - 0.001},{MARK[1] - 0.001},{MARK[0] + 0.001},{MARK[1] + 0.001}"
    for who in (None, "other"):
        headers = marks[who].headers if who else {}
        page = _items(client, headers)
        raw = json.dumps(page)
        assert {f["id"] for f in page["features"]} == {ids["bay"], ids["generalised"]}, who
        assert page["numberMatched"] == 2 and page["numberReturned"] == 2
        assert "Congres" not in raw and not _coordinates_near(raw, MARK) and not _coordinates_near(raw, CELL_MARK)
        cell = next(f for f in page["features"] if f["id"] == ids["generalised"])
        assert cell["geometry"]["type"] == "Polygon" and cell["properties"]["public_precision_m"] >= 1000
        assert _items(client, headers, bbox=near)["features"] == []
        hidden = client.get(f"/ogc/collections/places/items/{ids['private']}", headers=headers)
        absent = client.get("/ogc/collections/places/items/99999999", headers=headers)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.get_json()["description"].replace(str(ids["private"]), "N") == absent.get_json()[
            "description"
        ].replace("99999999", "N")
    for holder in ("fisher", "steward", "staff"):
        page = _items(client, marks[holder].headers)
        assert {f["id"] for f in page["features"]} == set(ids.values()), holder
        mine = client.get(f"/ogc/collections/places/items/{ids['private']}", headers=marks[holder].headers)
        assert mine.status_code == 200 and mine.get_json()["geometry"]["coordinates"] == MARK
        assert _items(client, marks[holder].headers, bbox=near)["numberReturned"] == 1


def test_places_items_page_by_cursor_and_refuse_what_they_do_not_know(client, marks, make, dataset, steward):
    for i in range(5):
        _post(client, place(dataset.slug, "rock", [LECQ[0] + i * 0.001, LECQ[1]], (f"Rock {i}", "en")), steward)
    seen, url, pages = [], "/ogc/collections/places/items?limit=3", 0
    while url:
        body = client.get(url).get_json()
        seen += [f["id"] for f in body["features"]]
        pages += 1
        following = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = following[0].replace("http://localhost", "") if following else None
        assert body["numberMatched"] == 7
    assert len(seen) == len(set(seen)) == 7 and pages == 3
    for query, parameter in (("datetime=2020-01-01", "datetime"), ("limit=0", "limit"), ("bbox=1,2", "bbox")):
        refused = client.get(f"/ogc/collections/places/items?{query}")
        assert refused.status_code == 400 and parameter in refused.get_json()["description"], query
    for bad in ("abc", "-1", "1.5", "99999999999999999999", "٣"):
        assert client.get(f"/ogc/collections/places/items/{bad}").status_code == 404, bad
    assert client.get("/ogc/collections/places/items?cursor=czk5OTk5OTk5OTk5OTk5OTk5OTk5").status_code == 200


def test_no_dataset_may_take_the_name_of_an_ogc_collection(client, steward):
    body = {"slug": "places", "title": "Places", "knowledge_kind": "volunteer", "licence": "CC-BY-4.0"}
    refused = client.post("/api/v1/datasets", json=body, headers=steward.headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["details"][0]["path"] == "slug"


# --- GDAL against a live server: real commits, removed afterwards ---------------------------------------------


@pytest.fixture
def committed_marks(app):
    """Seven public places, a private and a generalised fishing mark, committed for real, then removed."""
    database = app.extensions["fieldapp.db"]
    session = database.sessionmaker()
    make = Factory(session)
    steward, fisher = make.account("steward"), make.account(name="Live fisher")
    dataset = make.dataset(steward, slug=f"ogc-places-{uuid.uuid4().hex[:6]}")
    client = app.test_client()
    for i in range(7):
        _post(client, place(dataset.slug, "rock", [LECQ[0] + i * 0.002, LECQ[1]], (f"Live rock {i}", "en")), steward)
    _post(client, place(dataset.slug, "fishing_mark", MARK, (SECRET, "nrf"), visibility="private"), fisher)
    _post(
        client,
        place(dataset.slug, "fishing_mark", CELL_MARK, ("The Tongs", "en"), visibility="generalised"),
        fisher,
    )
    yield {"fisher": fisher, "dataset": dataset}
    session.execute(text("DELETE FROM place WHERE dataset_id = :d"), {"d": dataset.id})
    session.execute(text("DELETE FROM dataset WHERE id = :d"), {"d": dataset.id})
    session.commit()
    session.close()


@pytest.fixture
def live(app, committed_marks):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/ogc"
    server.shutdown()
    thread.join(timeout=10)


def _gdal(tool: str, *args: str, token: str | None = None) -> str:
    env = dict(os.environ)
    if token:
        env["GDAL_HTTP_HEADERS"] = f"Authorization: Bearer {token}"
    result = subprocess.run([tool, *args], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs gdal-bin (scripts/setup.sh test)")
def test_gdal_reads_the_places_collection_as_each_viewer_may_see_it(app, live, committed_marks, tmp_path):
    assert "places" in _gdal("ogrinfo", "-ro", f"OAPIF:{live}")
    anonymous = _gdal("ogrinfo", "-ro", "-oo", "PAGE_SIZE=3", "-al", f"OAPIF:{live}", "places")
    assert "Feature Count: 8" in _gdal("ogrinfo", "-ro", "-so", f"OAPIF:{live}", "places")
    assert anonymous.count("OGRFeature(") == 8  # followed every next link
    assert "Congres" not in anonymous and str(MARK[0]) not in anonymous and str(MARK[1]) not in anonymous
    assert "POLYGON" in anonymous and str(CELL_MARK[0]) not in anonymous
    token = committed_marks["fisher"].token
    held = _gdal("ogrinfo", "-ro", "-oo", "PAGE_SIZE=3", "-al", f"OAPIF:{live}", "places", token=token)
    assert held.count("OGRFeature(") == 9 and SECRET in held and f"POINT ({MARK[0]} {MARK[1]})" in held
    # ogr2ogr copies the collection into a file a GIS opens, with the same gate.
    out = tmp_path / "places.gpkg"
    _gdal("ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{live}", "places")
    copied = _gdal("ogrinfo", "-ro", "-al", str(out))
    assert copied.count("OGRFeature(") == 8 and "Congres" not in copied


# --- the places as files ----------------------------------------------------------------------------------------


def _export(client, fmt: str, headers=None, **args):
    response = client.get("/api/v1/places/export", query_string={"format": fmt, **args}, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert f".{fmt}" in response.headers["Content-Disposition"]
    return response


def test_places_download_as_geojson_and_csv_through_the_gate(client, marks, tmp_path, db, dataset):
    ids = marks["ids"]
    db.execute(
        text(
            "INSERT INTO dataset_agreement (dataset_id, purpose, uses, commercial, audience, labels)"
            " VALUES (:d, :p, '{}', false, 'everyone', '[]')"
        ),
        {"d": dataset.id, "p": "Mapping the north coast"},
    )
    db.commit()
    for who in (None, "other"):
        headers = marks[who].headers if who else {}
        geojson = _export(client, "geojson", headers)
        assert geojson.mimetype == "application/geo+json"
        body = geojson.get_data(as_text=True)
        features = json.loads(body)["features"]
        assert {f["id"] for f in features} == {ids["bay"], ids["generalised"]}, who
        assert all(f["properties"]["licence"] for f in features)
        assert all("Purpose: Mapping the north coast" in f["properties"]["terms"] for f in features)
        assert next(f for f in features if f["id"] == ids["generalised"])["geometry"]["type"] == "Polygon"
        table = _export(client, "csv", headers).get_data(as_text=True)
        for text_ in (body, table):
            assert (
                "Congres" not in text_
                and not _coordinates_near(text_, MARK)
                and not _coordinates_near(text_, CELL_MARK)
            )
        rows = list(csv.DictReader(io.StringIO(table)))
        assert {int(r["id"]) for r in rows} == {ids["bay"], ids["generalised"]}
        assert {r["wkt"].split("(")[0] for r in rows} == {"POINT", "POLYGON"}
        assert all(r["terms"].startswith("Data agreement. Purpose: Mapping the north coast") for r in rows)
    held = _export(client, "csv", marks["fisher"].headers).get_data(as_text=True)
    private = next(r for r in csv.DictReader(io.StringIO(held)) if int(r["id"]) == ids["private"])
    assert private["wkt"] == f"POINT({MARK[0]} {MARK[1]})" and private["names"] == f"{SECRET} [nrf]"
    # Filters as the list's; a bad one is named.
    only = json.loads(_export(client, "geojson", marks["fisher"].headers, q="congres").get_data(as_text=True))
    assert [f["id"] for f in only["features"]] == [ids["private"]]
    refused = client.get("/api/v1/places/export?format=shp")
    assert refused.status_code == 400 and "format" in refused.get_json()["error"]["message"]
    # A real reader opens the file.
    path = tmp_path / "places.geojson"
    path.write_bytes(_export(client, "geojson").get_data())
    if shutil.which("ogrinfo"):
        assert _gdal("ogrinfo", "-ro", "-al", str(path)).count("OGRFeature(") == 2


def test_a_place_name_that_starts_a_formula_is_text_in_the_csv(client, dataset, steward):
    _post(client, place(dataset.slug, "rock", LECQ, ('=HYPERLINK("http://x.example","Lecq")', "en")), steward)
    rows = list(csv.DictReader(io.StringIO(_export(client, "csv").get_data(as_text=True))))
    assert rows[0]["name"].startswith("'=HYPERLINK(") and rows[0]["names"].startswith("'=HYPERLINK(")
