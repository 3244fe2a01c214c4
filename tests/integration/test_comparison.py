"""Symmetric comparison on hand-built datasets where every cell's class is known."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from fieldapp.comparison.queries import CLASSES, SWAP
from tests.factories import feature

CELL = 1000


def lonlat(db, x: float, y: float) -> list[float]:
    """EPSG:3109 metres to [lon, lat], at full precision."""
    row = db.execute(
        text("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 3109), 4326) p"),
        {"x": x, "y": y},
    ).one()
    return [row[0], row[1]]


def point(db, x, y):
    return {"type": "Point", "coordinates": lonlat(db, x, y)}


def square(db, x0, y0, x1, y1):
    ring = [lonlat(db, x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def line(db, x0, y0, x1, y1):
    return {"type": "LineString", "coordinates": [lonlat(db, x0, y0), lonlat(db, x1, y1)]}


def cell_centre(i, j):
    return i * CELL + 500, j * CELL + 500


@pytest.fixture
def sides(client, make, db):
    """Dataset A (local) and B (scientific), records placed in known 1 km cells of EPSG:3109."""
    fisher, scientist = make.account(), make.account()
    a = make.dataset(fisher, knowledge_kind="local", title="Fishers' ormer grounds", generalise_m=1000)
    b = make.dataset(scientist, knowledge_kind="scientific", title="Ormer survey 2023")

    def post(account, dataset, geometry, **props):
        body = feature(dataset.slug, geometry, subject_text="ormer", **props)
        response = client.post("/api/v1/observations", json=body, headers=account.headers)
        assert response.status_code == 201, response.get_json()

    absent = {"occurrence_status": "absent"}
    post(fisher, a, point(db, *cell_centre(35, 65)))
    post(scientist, b, point(db, 35300, 65300))
    post(fisher, a, point(db, *cell_centre(36, 65)))
    post(scientist, b, square(db, 37200, 65200, 37800, 65800))
    post(fisher, a, point(db, *cell_centre(38, 65)))
    post(scientist, b, point(db, *cell_centre(38, 65)), **absent)
    post(scientist, b, line(db, 39100, 65100, 39900, 65900))
    post(fisher, a, point(db, *cell_centre(39, 65)), **absent)
    post(fisher, a, point(db, *cell_centre(40, 65)), **absent)
    post(scientist, b, point(db, 40200, 65700), **absent)
    post(fisher, a, point(db, *cell_centre(41, 65)), **absent)
    # Generalised: its public geometry is its whole 1 km cell, which must count in that cell only.
    post(fisher, a, point(db, 45100, 65900), visibility="generalised")
    # On the edge between cells 49 and 50: counted in both.
    post(scientist, b, point(db, 50000, 65500))
    # Private: left out of the comparison, and said so.
    post(scientist, b, point(db, *cell_centre(35, 65)), visibility="private")
    return a, b


def compare(client, a, b, **params):
    response = client.get("/api/v1/comparisons", query_string={"a": a, "b": b, "cell_m": CELL, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def cells_by_index(body):
    return {(f["properties"]["i"], f["properties"]["j"]): f["properties"]["class"] for f in body["cells"]["features"]}


def test_every_class_has_its_known_cells(client, sides):
    a, b = sides
    body = compare(client, f"dataset:{a.slug}", f"dataset:{b.slug}")
    assert cells_by_index(body) == {
        (35, 65): "both_present",
        (36, 65): "only_a",
        (37, 65): "only_b",
        (38, 65): "a_present_b_absent",
        (39, 65): "b_present_a_absent",
        (40, 65): "both_absent",
        (41, 65): "only_a_absent",
        (45, 65): "only_a",
        (49, 65): "only_b",
        (50, 65): "only_b",
    }
    summary = body["summary"]
    assert summary["classes"] == {
        "both_present": 1,
        "only_a": 2,
        "only_b": 3,
        "a_present_b_absent": 1,
        "b_present_a_absent": 1,
        "both_absent": 1,
        "only_a_absent": 1,
        "only_b_absent": 0,
    }
    # Presence cells: A in 35, 36, 38, 45; B in 35, 37, 39, 49, 50 -> 1 shared of 8.
    assert summary["jaccard"] == pytest.approx(1 / 8, abs=1e-4)
    assert summary["overlap_coefficient"] == pytest.approx(1 / 4, abs=1e-4)
    assert summary["coverage"] == {"a": 7, "b": 7}
    assert body["sides"]["a"]["generalised"] == 1
    assert body["sides"]["b"]["left_out_private"] == 1
    assert body["sides"]["a"]["datasets"][0]["licence"] == "CC-BY-4.0"
    assert "Fishers' ormer grounds and Ormer survey 2023 both report presence in 1 cell" in summary["sentences"][0]


def test_cells_are_grid_squares_in_the_metric_crs(client, db, sides):
    a, b = sides
    body = compare(client, f"dataset:{a.slug}", f"dataset:{b.slug}")
    some = next(f for f in body["cells"]["features"] if f["properties"]["i"] == 36)
    row = db.execute(
        text(
            "SELECT ST_XMin(g), ST_YMin(g), ST_Area(g)"
            " FROM ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:g), 4326), 3109) g"
        ),
        {"g": __import__("json").dumps(some["geometry"])},
    ).one()
    assert row[0] == pytest.approx(36000, abs=0.5)
    assert row[1] == pytest.approx(65000, abs=0.5)
    assert row[2] == pytest.approx(CELL * CELL, rel=1e-3)


def test_swapping_sides_swaps_the_result(client, sides):
    a, b = sides
    ab = compare(client, f"dataset:{a.slug}", f"dataset:{b.slug}")
    ba = compare(client, f"dataset:{b.slug}", f"dataset:{a.slug}")
    assert {k: SWAP[v] for k, v in cells_by_index(ab).items()} == cells_by_index(ba)
    assert {SWAP[k]: v for k, v in ab["summary"]["classes"].items()} == ba["summary"]["classes"]
    assert ab["summary"]["jaccard"] == ba["summary"]["jaccard"]
    assert ab["sides"]["a"] == ba["sides"]["b"]


def test_symmetry_over_random_selections(client, make, db):
    rng = random.Random(20261126)
    owner = make.account()
    datasets = [make.dataset(owner, knowledge_kind=kind) for kind in ("local", "volunteer", "scientific")]
    for _ in range(60):
        dataset = rng.choice(datasets)
        x, y = rng.uniform(30000, 36000), rng.uniform(62000, 66000)
        status = rng.choice(["present", "present", "absent"])
        body = feature(dataset.slug, point(db, x, y), subject_text="ormer", occurrence_status=status)
        assert client.post("/api/v1/observations", json=body, headers=owner.headers).status_code == 201
    for _ in range(5):
        left, right = rng.sample(datasets, 2)
        shape = rng.choice(["square", "hex"])
        cell = rng.choice([250, 500, 1000, 2500])
        ab = compare(client, left.slug, right.slug, shape=shape, cell_m=cell)
        ba = compare(client, right.slug, left.slug, shape=shape, cell_m=cell)
        assert {k: SWAP[v] for k, v in cells_by_index(ab).items()} == cells_by_index(ba)
        assert set(ab["summary"]["classes"]) == set(CLASSES)


def test_kind_and_subject_selections(client, db, sides):
    body = compare(client, "kind:local", "kind:scientific", subject="ORMER")
    assert body["summary"]["classes"]["both_present"] == 1
    assert body["sides"]["a"]["label"] == "Local knowledge (ORMER)"
    response = client.get(
        "/api/v1/comparisons", query_string={"a": "kind:local", "b": "kind:scientific", "subject": "lobster"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "a"


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"a": "dataset:no-such-thing", "b": "kind:local"}, "a"),
        ({"a": "kind:local", "b": "kind:local"}, "b"),
        ({"a": "kind:local", "b": "kind:scientific", "cell_m": "50"}, "cell_m"),
        ({"a": "kind:local", "b": "kind:scientific", "cell_m": "20000"}, "cell_m"),
        ({"a": "kind:local", "b": "kind:scientific", "cell_m": "wide"}, "cell_m"),
        ({"a": "kind:local", "b": "kind:scientific", "shape": "triangle"}, "shape"),
        ({"a": "kind:gossip", "b": "kind:scientific"}, "a"),
        ({"b": "kind:scientific"}, "a"),
        ({"a": "kind:local", "b": "kind:scientific", "colour": "red"}, "colour"),
        ({"a": "kind:local", "b": "kind:scientific", "datetime": "2020-13-01"}, "datetime"),
    ],
)
def test_bad_parameters_name_the_parameter(client, sides, params, path):
    response = client.get("/api/v1/comparisons", query_string=params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["details"][0]["path"] == path
    assert error["message"]


def test_each_run_is_logged_with_the_datasets_it_drew_on(client, db, sides):
    a, b = sides
    compare(client, f"dataset:{a.slug}", f"dataset:{b.slug}")
    rows = db.execute(
        text(
            "SELECT e.kind, e.parameters, u.dataset_id, u.observations FROM usage_event e"
            " JOIN usage_dataset u ON u.event_id = e.id ORDER BY u.dataset_id"
        )
    ).all()
    assert [(r.kind, r.dataset_id, r.observations) for r in rows] == [("comparison", a.id, 7), ("comparison", b.id, 6)]
    assert rows[0].parameters["a"]["datasets"] == [a.slug]
    assert rows[0].parameters["cell_m"] == CELL
