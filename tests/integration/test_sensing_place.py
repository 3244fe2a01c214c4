"""Sensing's places and seasons on hand-built data: a drawn area (GeoJSON or WKT), a grid cell, season months."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text

from tests.factories import JERSEY_POINT
from tests.integration.test_sensing import BIN5, World, sensing, source

LON, LAT = JERSEY_POINT
# A second place about 5 km east of the first.
EAST = (-2.085, 49.1869)


def square(lon: float, lat: float, half: float = 0.004) -> dict:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def wkt(polygon: dict) -> str:
    return "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in polygon["coordinates"][0]) + "))"


@pytest.fixture
def two_places(client, make):
    """A survey with 3 records of eelgrass at the first place and 5 of sand at the second, in 2021."""
    w = World(client, make)
    for i in range(3):
        w.post(w.scientist, w.survey, "eelgrass", 2021, month=i + 5)
    for _ in range(5):
        w.post(w.scientist, w.survey, "sand", 2021, geometry={"type": "Point", "coordinates": list(EAST)})
    return w


def last_bin(body, w) -> dict:
    return source(body, w.survey.slug)["bins"][-1]


def test_a_drawn_area_counts_only_the_records_inside_it(client, two_places):
    w = two_places
    park = last_bin(sensing(client, subject="eelgrass", **BIN5), w)
    assert (park["effort"], park["present"]) == (8, 3)
    area = square(LON, LAT)
    drawn = sensing(client, subject="eelgrass", area=json.dumps(area), **BIN5)
    assert (last_bin(drawn, w)["effort"], last_bin(drawn, w)["present"]) == (3, 3)
    assert drawn["area"]["type"] == "Polygon" and drawn["whole_park"] is False
    # The same area as WKT, and the other place alone: its records, none of the subject.
    assert last_bin(sensing(client, subject="eelgrass", area=wkt(area), **BIN5), w)["effort"] == 3
    east = last_bin(sensing(client, subject="eelgrass", area=json.dumps(square(*EAST)), **BIN5), w)
    assert (east["effort"], east["present"], east["reporting_rate"]) == (5, 0, 0)


def test_a_generalised_record_counts_in_a_drawn_area_only_where_others_see_it(client, make, db):
    w = World(client, make)
    hidden = make.dataset(
        w.scientist, knowledge_kind="local", title="Nests", default_visibility="generalised", generalise_m=1000
    )
    w.post(w.scientist, hidden, "puffin", 2020)
    minx, miny, maxx, maxy = db.execute(
        text(
            "SELECT ST_XMin(public_geom), ST_YMin(public_geom), ST_XMax(public_geom), ST_YMax(public_geom)"
            " FROM observation WHERE dataset_id = :d"
        ),
        {"d": hidden.id},
    ).one()
    # A triangle inside the record's cell, away from its precise point: others see the record there.
    corner = {
        "type": "Polygon",
        "coordinates": [[[minx, miny], [minx + 0.001, miny], [minx, miny + 0.001], [minx, miny]]],
    }
    anonymous = sensing(client, subject="puffin", area=json.dumps(corner), **BIN5)
    assert source(anonymous, hidden.slug)["bins"][4]["present"] == 1
    # Its steward sees the precise point, which is not in the triangle.
    steward = sensing(client, headers=w.scientist.headers, subject="puffin", area=json.dumps(corner), **BIN5)
    assert all(s["dataset"] != hidden.slug for s in steward["sources"])
    # A square beside the cell, sharing only its edge, is a neighbour's: the record does not count there.
    beside = {
        "type": "Polygon",
        "coordinates": [[[maxx, miny], [maxx + 0.01, miny], [maxx + 0.01, maxy], [maxx, maxy], [maxx, miny]]],
    }
    assert all(
        s["dataset"] != hidden.slug
        for s in sensing(client, subject="puffin", area=json.dumps(beside), **BIN5)["sources"]
    )


def test_a_grid_cell_is_the_generalisation_grids_cell_holding_the_point(client, two_places, db):
    w = two_places
    body = sensing(client, subject="eelgrass", cell=f"{LON},{LAT}", **BIN5)
    assert (last_bin(body, w)["effort"], last_bin(body, w)["present"]) == (3, 3)
    # The cell is a 1,000 m square of the metric grid (EPSG:3109) holding the point.
    size = db.execute(
        text(
            "SELECT ST_XMax(g) - ST_XMin(g), ST_YMax(g) - ST_YMin(g),"
            " ST_Contains(g, ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 4326), 3109))"
            " FROM (SELECT ST_Transform(ST_GeomFromGeoJSON(:a), 3109) AS g) s"
        ),
        {"a": json.dumps(body["area"]), "x": LON, "y": LAT},
    ).one()
    assert round(size[0]) == 1000 and round(size[1]) == 1000 and size[2]
    east = sensing(client, subject="eelgrass", cell=f"{EAST[0]},{EAST[1]}", **BIN5)
    assert (last_bin(east, w)["effort"], last_bin(east, w)["present"]) == (5, 0)


@pytest.mark.parametrize(
    "area",
    [
        "not a shape",
        '{"type": "Point", "coordinates": [-2.15, 49.19]}',
        "POINT (-2.15 49.19)",
        '{"type": "Polygon", "coordinates": [[[-2.1, 49.1], [-2.0, 49.1], [-2.0, 49.2]]]}',
        '{"type": "Polygon", "coordinates": [[[-200, 49.1], [-2.0, 49.1], [-2.0, 49.2], [-200, 49.1]]]}',
        '{"type": "Polygon", "coordinates": [[[-2.1, 49.1], [-2.0, 49.1], [-2.05, 49.1], [-2.1, 49.1]]]}',
        "POLYGON ((-2.1 49.1, -2.0 49.1",
        '{"type": "Polygon"',
    ],
)
def test_a_bad_area_is_a_422_naming_it(client, area):
    for path in ("/api/v1/sensing", "/sensing"):
        response = client.get(path, query_string={"subject": "eelgrass", "area": area})
        assert response.status_code == 422, (path, area)
    assert response.get_data(as_text=True).count("area") >= 1
    body = client.get("/api/v1/sensing", query_string={"subject": "eelgrass", "area": area}).get_json()
    assert body["error"]["details"][0]["path"] == "area"


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ({"bbox": "-2.3,49.1,-2.0,49.3", "area": json.dumps(square(LON, LAT))}, "area"),
        ({"area": json.dumps(square(LON, LAT)), "cell": "-2.15,49.19"}, "cell"),
        ({"cell": "-2.15"}, "cell"),
        ({"cell": "-2.15,95"}, "cell"),
        ({"season": "13"}, "season"),
        ({"season": "june"}, "season"),
    ],
)
def test_bad_places_and_seasons_are_refused_naming_the_parameter(client, args, path):
    response = client.get("/api/v1/sensing", query_string={"subject": "eelgrass", **args})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == path


@pytest.fixture
def seasons(client, make):
    """Wardens' records in June, July and December 2021; a decade's notebook; fishers' seasonal statements."""
    w = World(client, make)
    for month in (6, 7, 12):
        w.post(w.warden, w.counts, "spider crab", 2021, month=month, count=month)
    w.post(
        w.scientist,
        w.notebooks,
        "spider crab",
        None,
        time_precision="decade",
        observed_start="2010-01-01T00:00:00Z",
        observed_end="2019-12-31T23:59:59Z",
    )
    for months, trend in (([6, 7, 8], "increasing"), ([1, 2], "decreasing")):
        w.post(
            w.fisher,
            w.grounds,
            "spider crab",
            None,
            trend=trend,
            time_precision="year",
            season_months=months,
            observed_start="2000-01-01T00:00:00Z",
            observed_end="2020-12-31T23:59:59Z",
        )
    # A record spanning May to September: it does not claim to lie within June to August.
    w.post(
        w.warden,
        w.counts,
        "spider crab",
        None,
        observed_start="2022-05-01T00:00:00Z",
        observed_end="2022-09-30T00:00:00Z",
    )
    return w


def test_a_season_keeps_only_records_that_claim_to_lie_within_it(client, seasons):
    w = seasons
    year = {"bin": "year", "from": "2010", "to": "2022"}
    whole = sensing(client, subject="spider crab", **year)
    assert source(whole, w.counts.slug)["bins"][-2]["effort"] == 3
    summer = sensing(client, subject="spider crab", season="6-8", **year)
    counts = source(summer, w.counts.slug)["bins"]
    assert counts[-2]["effort"] == 2 and counts[-1]["effort"] == 0
    assert summer["season"] == [6, 7, 8] and summer["season_words"] == "June to August"
    # The decade's notebook says nothing of the season; only the summer statement speaks of it.
    assert all(s["dataset"] != w.notebooks.slug for s in summer["sources"])
    statements = source(summer, w.grounds.slug)["statements"]
    assert [(s["trend"], s["season"]) for s in statements] == [("increasing", "June to August")]
    winter = sensing(client, subject="spider crab", season="12,1", **year)
    assert source(winter, w.counts.slug)["bins"][-2]["effort"] == 1
    assert [s["season"] for s in source(winter, w.grounds.slug)["statements"]] == ["January to February"]


def test_the_page_shows_the_season_and_each_statements_season_months(client, seasons):
    html = client.get("/sensing", query_string={"subject": "spider crab", "season": "6-8", "from": "2000"}).get_data(
        as_text=True
    )
    assert "Season: June to August (months 6, 7, 8)" in html
    assert "Increasing from 2000 to 2020, season: June to August" in html
    assert "January to February" not in html


def test_the_page_draws_the_place_it_looked_in_and_keeps_it_in_the_csv_link(client, two_places):
    area = json.dumps(square(LON, LAT))
    page = client.get("/sensing", query_string={"subject": "eelgrass", "area": area, **BIN5})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-place="{' in html and "sensing-map.js" in html
    link = next(p for p in html.split('"') if "format=csv" in p).replace("&amp;", "&")
    rows = list(csv.DictReader(io.StringIO(client.get(link).get_data(as_text=True))))
    survey = [r for r in rows if r["dataset"] == two_places.survey.slug]
    assert float(survey[-1]["effort"]) == 3


def test_the_season_and_the_map_speak_the_pages_language(client, seasons):
    query = {"subject": "spider crab", "season": "6-8", "from": "2000"}
    html = client.get("/sensing", query_string=query, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Saison : juin à août (mois 6, 7, 8)." in html
    assert "En hausse de 2000 à 2020, saison : juin à août" in html
    assert "Choisir une maille de la grille" in html
    pt = client.get("/sensing", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert "Escolher uma quadrícula da grelha" in pt and "Pick a grid cell" not in pt


def _place(client, account, dataset, kind, geometry, name, **props) -> int:
    body = {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"dataset": dataset.slug, "kind": kind, "names": [{"name": name, "language": "en"}], **props},
    }
    response = client.post("/api/v1/places", json=body, headers=account.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_place_of_the_gazetteer_is_asked_about_as_the_viewer_may_see_it(client, make, two_places):
    w = two_places
    gazetteer = make.dataset(w.scientist, title="Places")
    bay = _place(client, w.scientist, gazetteer, "bay", square(LON, LAT), "Eelgrass Bay")
    rock = _place(client, w.scientist, gazetteer, "rock", {"type": "Point", "coordinates": list(EAST)}, "Sand Rock")
    hidden = _place(
        client,
        w.fisher,
        gazetteer,
        "fishing_mark",
        {"type": "Point", "coordinates": [LON, LAT]},
        "Secret",
        visibility="private",
    )
    in_bay = sensing(client, subject="eelgrass", place=str(bay), **BIN5)
    assert (last_bin(in_bay, w)["effort"], last_bin(in_bay, w)["present"]) == (3, 3)
    assert in_bay["place"] == {"id": bay, "name": "Eelgrass Bay", "widened_m": None}
    # A point is asked about within 500 m of it.
    at_rock = sensing(client, subject="eelgrass", place=str(rock), **BIN5)
    assert (last_bin(at_rock, w)["effort"], last_bin(at_rock, w)["present"]) == (5, 0)
    assert at_rock["place"]["widened_m"] == 500
    # A private mark is no place for anyone but its holders: the same answer as no such place.
    for missing in (str(hidden), "999999999"):
        refused = client.get("/api/v1/sensing", query_string={"subject": "eelgrass", "place": missing})
        assert refused.status_code == 400 and refused.get_json()["error"]["details"][0]["path"] == "place"
    own = sensing(client, headers=w.fisher.headers, subject="eelgrass", place=str(hidden), **BIN5)
    assert last_bin(own, w)["present"] == 3
    bad = client.get("/api/v1/sensing", query_string={"subject": "eelgrass", "place": "bay"})
    assert bad.status_code == 400 and bad.get_json()["error"]["details"][0]["path"] == "place"
    both = client.get("/api/v1/sensing", query_string={"subject": "eelgrass", "place": str(bay), "cell": "-2.1,49.2"})
    assert both.status_code == 400


def test_the_page_offers_the_gazetteers_places_and_draws_the_one_asked_about(client, make, two_places):
    w = two_places
    gazetteer = make.dataset(w.scientist, title="Places")
    bay = _place(client, w.scientist, gazetteer, "bay", square(LON, LAT), "Eelgrass Bay")
    _place(
        client,
        w.fisher,
        gazetteer,
        "fishing_mark",
        {"type": "Point", "coordinates": list(EAST)},
        "Secret",
        visibility="private",
    )
    form = client.get("/sensing").get_data(as_text=True)
    assert f'<option value="{bay}" >Eelgrass Bay</option>' in form and "Secret" not in form
    html = client.get("/sensing", query_string={"subject": "eelgrass", "place": str(bay), **BIN5}).get_data(
        as_text=True
    )
    assert 'data-place="{' in html and "The place looked in: Eelgrass Bay." in html
    assert f'<option value="{bay}" selected>Eelgrass Bay</option>' in html
