"""Geoprivacy from every viewpoint: who gets the precise geometry, the grid cell, or nothing."""

from __future__ import annotations

import json
import math

import pytest
from sqlalchemy import text

from fieldapp.observations.columns import DATASET_PROPERTIES
from fieldapp.subjects.models import Subject
from tests.factories import JERSEY_POINT, feature

URL = "/api/v1/observations"
METRIC_SRID = 3109
POINT = {"type": "Point", "coordinates": list(JERSEY_POINT)}
SECRET_ATTRIBUTES = {"gps_fix": "49.18690,-2.15420", "boat": "Marie-Louise"}
# Viewers that may see precise locations of the record below, and those that may not.
PRIVILEGED = ["contributor", "steward", "group_steward", "staff", "admin"]
OTHERS = ["anonymous", "member", "steward_elsewhere"]


@pytest.fixture
def people(make):
    """Every kind of viewer, and a dataset stewarded by 'steward' and by a group 'group_steward' is in."""
    accounts = {
        "contributor": make.account(name="Contributor"),
        "steward": make.account(role="steward", name="Steward"),
        "group_steward": make.account(name="Group Steward"),
        "staff": make.account(role="staff"),
        "admin": make.account(role="admin"),
        "member": make.account(),
        "steward_elsewhere": make.account(role="steward"),
    }
    make.dataset(accounts["steward_elsewhere"])
    return accounts


@pytest.fixture
def dataset(make, people):
    dataset = make.dataset(people["steward"], knowledge_kind="local")
    group = make.group("Dataset co-stewards", members=[people["group_steward"]])
    # A second steward through a group: the dataset's steward is one contributor, so a twin
    # dataset of the group holds the group-steward's records.
    return dataset, make.dataset(group, knowledge_kind="local")


def headers_of(people, who) -> dict[str, str]:
    return {} if who == "anonymous" else people[who].headers


def dataset_for(dataset, who):
    """The group steward stewards the twin dataset; everyone else is judged on the first."""
    return dataset[1] if who == "group_steward" else dataset[0]


def create(client, people, dataset_row, geometry=POINT, **properties) -> str:
    body = feature(dataset_row.slug, geometry, attributes=SECRET_ATTRIBUTES, **properties)
    response = client.post(URL, json=body, headers=people["contributor"].headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def seen_by(client, people, who, oid, bbox=None):
    """The record as `who` gets it from the single read and from the list (which must agree)."""
    headers = headers_of(people, who)
    single = client.get(f"{URL}/{oid}", headers=headers)
    assert single.status_code == 200
    query = {"bbox": bbox} if bbox else {}
    listed = client.get(URL, query_string=query, headers=headers).get_json()
    matches = [f for f in listed["features"] if f["id"] == oid]
    if bbox is None:
        assert matches == [listed_form(single.get_json())]
    return single.get_json(), matches


def listed_form(record: dict) -> dict:
    """A record as a list gives it: the same, without its null properties and its dataset's own text
    (the list's datasets member gives that once)."""
    props = {k: v for k, v in record["properties"].items() if v is not None and k not in DATASET_PROPERTIES}
    return record | {"properties": props}


def cell_facts(db, geometry: dict, cell_m: int) -> dict:
    """Check a returned polygon against the grid in EPSG:3109, with PostGIS."""
    row = db.execute(
        text("""
        WITH g AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:g), 4326), :srid) AS m,
                          ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :srid) AS p)
        SELECT ST_Area(m) AS area, ST_Contains(m, p) AS contains,
               (SELECT json_agg(json_build_array(ST_X(d.geom), ST_Y(d.geom)))
                FROM ST_DumpPoints(m) AS d) AS corners
        FROM g
    """),
        {"g": json.dumps(geometry), "srid": METRIC_SRID, "lon": JERSEY_POINT[0], "lat": JERSEY_POINT[1]},
    ).one()
    # The API writes 7 decimals of a degree (about 1 cm), so corners are on the grid to within 2 cm.
    on_grid = all(abs(v - cell_m * round(v / cell_m)) < 0.02 for corner in row.corners for v in corner)
    return {"area": row.area, "contains": row.contains, "on_grid": on_grid}


def assert_is_cell(db, geometry, cell_m=1000):
    assert geometry["type"] == "Polygon"
    facts = cell_facts(db, geometry, cell_m)
    assert facts["contains"], "the cell must contain the precise point"
    assert math.isclose(facts["area"], cell_m * cell_m, rel_tol=5e-5)
    assert facts["on_grid"], "the cell's corners must lie on the fixed grid"


# --- generalised ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", OTHERS)
def test_generalised_record_shows_others_the_grid_cell(client, db, people, dataset, who):
    oid = create(client, people, dataset[0], visibility="generalised")
    single, _ = seen_by(client, people, who, oid)
    assert_is_cell(db, single["geometry"])
    assert single["geometry"] != POINT
    assert list(JERSEY_POINT) not in single["geometry"]["coordinates"][0]
    props = single["properties"]
    assert props["visibility"] == "generalised"
    assert props["public_precision_m"] == 1000
    assert props["location_precise"] is False
    assert props["attributes"] is None


@pytest.mark.parametrize("who", PRIVILEGED)
def test_generalised_record_shows_the_precise_point_to_those_allowed(client, db, people, dataset, who):
    oid = create(client, people, dataset_for(dataset, who), visibility="generalised")
    single, _ = seen_by(client, people, who, oid)
    assert single["geometry"] == POINT
    assert single["properties"]["location_precise"] is True
    assert single["properties"]["attributes"] == SECRET_ATTRIBUTES


def test_a_tiny_bbox_around_the_precise_point_still_gives_anonymous_only_the_cell(client, db, people, dataset):
    oid = create(client, people, dataset[0], visibility="generalised")
    lon, lat = JERSEY_POINT
    tiny = f"{lon - 1e-5},{lat - 1e-5},{lon + 1e-5},{lat + 1e-5}"
    _, matches = seen_by(client, people, "anonymous", oid, bbox=tiny)
    [found] = matches
    assert_is_cell(db, found["geometry"])
    # Anywhere else inside the same cell matches just as well, so the bbox narrows nothing.
    corner = db.execute(
        text("""
        SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(
          floor(ST_X(m) / 1000) * 1000 + 5, floor(ST_Y(m) / 1000) * 1000 + 5), :srid), 4326) AS p
        FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :srid) AS m) s) t
    """),
        {"lon": lon, "lat": lat, "srid": METRIC_SRID},
    ).one()
    elsewhere = f"{corner[0] - 1e-5},{corner[1] - 1e-5},{corner[0] + 1e-5},{corner[1] + 1e-5}"
    _, matches = seen_by(client, people, "anonymous", oid, bbox=elsewhere)
    assert [f["id"] for f in matches] == [oid]
    assert_is_cell(db, matches[0]["geometry"])


def test_a_line_crossing_two_cells_generalises_to_both_cells(client, db, people, dataset):
    # A line in EPSG:3109 from the middle of one cell to the middle of its eastern neighbour.
    row = db.execute(
        text("""
        WITH m AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :srid) AS p),
             c AS (SELECT floor(ST_X(p) / 1000) * 1000 AS x0, floor(ST_Y(p) / 1000) * 1000 AS y0 FROM m)
        SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint(x0 + 300, y0 + 500),
                                                                  ST_MakePoint(x0 + 1700, y0 + 500)), :srid),
                                         4326), 9) AS line, x0, y0
        FROM c
    """),
        {"lon": JERSEY_POINT[0], "lat": JERSEY_POINT[1], "srid": METRIC_SRID},
    ).one()
    oid = create(client, people, dataset[0], json.loads(row.line), visibility="generalised")
    anonymous, _ = seen_by(client, people, "anonymous", oid)
    both = db.execute(
        text("""
        SELECT ST_Area(g) AS area,
               ST_HausdorffDistance(g, ST_MakeEnvelope(:x0, :y0, :x0 + 2000, :y0 + 1000, :srid)) AS distance
        FROM (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:g), 4326), :srid) AS g) s
    """),
        {"g": json.dumps(anonymous["geometry"]), "x0": row.x0, "y0": row.y0, "srid": METRIC_SRID},
    ).one()
    assert math.isclose(both.area, 2_000_000, rel_tol=5e-5)
    assert both.distance < 0.02
    contributor, _ = seen_by(client, people, "contributor", oid)
    assert contributor["geometry"]["type"] == "LineString"


def test_a_sensitive_subject_forces_generalisation_of_a_public_record(client, db, people, dataset):
    bat = Subject(kind="taxon", scientific_name="Rhinolophus ferrumequinum", generalise_m=2000)
    db.add(bat)
    db.commit()
    oid = create(client, people, dataset[0], subject_id=bat.id, visibility="public")
    anonymous, _ = seen_by(client, people, "anonymous", oid)
    assert anonymous["properties"]["visibility"] == "generalised"
    assert_is_cell(db, anonymous["geometry"], cell_m=2000)
    assert anonymous["properties"]["attributes"] is None
    steward, _ = seen_by(client, people, "steward", oid)
    assert steward["geometry"] == POINT


def test_a_dataset_may_force_generalisation(client, db, make, people):
    grounds = make.dataset(people["steward"], knowledge_kind="local", force_generalised=True)
    oid = create(client, people, grounds, visibility="public")
    member, _ = seen_by(client, people, "member", oid)
    assert member["properties"]["visibility"] == "generalised"
    assert_is_cell(db, member["geometry"])
    assert seen_by(client, people, "staff", oid)[0]["geometry"] == POINT


def test_a_dataset_cell_size_applies(client, db, make, people):
    coarse = make.dataset(people["steward"], default_visibility="generalised", generalise_m=5000)
    oid = create(client, people, coarse)
    anonymous, _ = seen_by(client, people, "anonymous", oid)
    assert anonymous["properties"]["visibility"] == "generalised"
    assert_is_cell(db, anonymous["geometry"], cell_m=5000)


# --- private -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", OTHERS)
def test_private_record_has_no_geometry_for_others(client, people, dataset, who):
    oid = create(client, people, dataset[0], visibility="private")
    single, _ = seen_by(client, people, who, oid)
    assert single["geometry"] is None
    assert single["properties"]["attributes"] is None
    assert single["properties"]["location_precise"] is False
    lon, lat = JERSEY_POINT
    tiny = f"{lon - 1e-4},{lat - 1e-4},{lon + 1e-4},{lat + 1e-4}"
    _, matches = seen_by(client, people, who, oid, bbox=tiny)
    assert matches == [], "the bbox filter must not find a private record by its location"


@pytest.mark.parametrize("who", PRIVILEGED)
def test_private_record_is_precise_for_those_allowed(client, people, dataset, who):
    oid = create(client, people, dataset_for(dataset, who), visibility="private")
    single, _ = seen_by(client, people, who, oid)
    assert single["geometry"] == POINT
    assert single["properties"]["attributes"] == SECRET_ATTRIBUTES
    lon, lat = JERSEY_POINT
    _, matches = seen_by(client, people, who, oid, bbox=f"{lon - 1e-4},{lat - 1e-4},{lon + 1e-4},{lat + 1e-4}")
    assert [f["geometry"] for f in matches] == [POINT]


def test_visibility_defaults_from_the_dataset(client, make, people):
    private_by_default = make.dataset(people["steward"], default_visibility="private")
    oid = create(client, people, private_by_default)
    anonymous, _ = seen_by(client, people, "anonymous", oid)
    assert anonymous["properties"]["visibility"] == "private"
    assert anonymous["geometry"] is None


def test_making_a_public_record_private_hides_it_at_once(client, people, dataset):
    oid = create(client, people, dataset[0], visibility="public")
    assert seen_by(client, people, "anonymous", oid)[0]["geometry"] == POINT
    assert seen_by(client, people, "anonymous", oid)[0]["properties"]["attributes"] == SECRET_ATTRIBUTES
    response = client.patch(
        f"{URL}/{oid}", json={"properties": {"visibility": "private"}}, headers=people["contributor"].headers
    )
    assert response.status_code == 200
    anonymous, _ = seen_by(client, people, "anonymous", oid)
    assert anonymous["geometry"] is None
    assert anonymous["properties"]["attributes"] is None


def test_public_geometry_is_computed_in_the_database_for_every_write_path(db, people, dataset):
    # A write that bypasses the API (an import, psql) still gets its public geometry.
    row = db.execute(
        text("""
        INSERT INTO observation (id, dataset_id, subject_text, occurrence_status, observed_start, time_precision,
                                 geom, visibility, attributes, licence)
        VALUES (gen_random_uuid(), :d, 'ormer', 'present', now(), 'instant', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326),
                'generalised', '{}', 'CC0-1.0')
        RETURNING ST_AsGeoJSON(public_geom) AS public, public_precision_m
    """),
        {"d": dataset[0].id, "lon": JERSEY_POINT[0], "lat": JERSEY_POINT[1]},
    ).one()
    assert_is_cell(db, json.loads(row.public))
    assert row.public_precision_m == 1000
