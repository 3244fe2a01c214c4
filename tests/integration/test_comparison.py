"""Symmetric comparison on hand-built datasets where every cell's class is known."""

from __future__ import annotations

import math
import random
import re

import mapbox_vector_tile
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


def _run_id(page: str) -> str:
    found = re.search(r"/compare/cells/([0-9a-f-]{36})/\{z\}/\{x\}/\{y\}\.pbf", page)
    assert found, "the page's map reads its cells from vector tiles"
    return found.group(1)


def _tile_range(bounds: list[float], z: int) -> tuple[range, range]:
    """The XYZ tiles covering a lon/lat box at zoom z."""

    def tile(lon: float, lat: float) -> tuple[int, int]:
        n = 2**z
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return int((lon + 180) / 360 * n), int(y)

    (x0, y0), (x1, y1) = tile(bounds[0], bounds[3]), tile(bounds[2], bounds[1])
    return range(x0, x1 + 1), range(y0, y1 + 1)


def tile_cells(client, run_id: str, bounds: list[float], z: int = 12) -> dict[tuple[int, int], dict]:
    """Every cell the run's tiles hold over the box, by (i, j), with its properties."""
    xs, ys = _tile_range(bounds, z)
    cells = {}
    for x in xs:
        for y in ys:
            response = client.get(f"/compare/cells/{run_id}/{z}/{x}/{y}.pbf")
            assert response.status_code == 200
            assert response.mimetype == "application/vnd.mapbox-vector-tile"
            for f in mapbox_vector_tile.decode(response.data).get("cells", {}).get("features", []):
                i, j = (int(n) for n in f["properties"]["id"].split("_"))
                cells[(i, j)] = f["properties"]
    return cells


def test_the_page_draws_the_same_cells_as_the_api_from_vector_tiles(client, sides):
    a, b = sides
    body = compare(client, f"dataset:{a.slug}", f"dataset:{b.slug}")
    page = client.get("/compare", query_string={"a": f"dataset:{a.slug}", "b": f"dataset:{b.slug}", "cell_m": CELL})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    run_id = _run_id(html)
    lons = [c[0] for f in body["cells"]["features"] for c in f["geometry"]["coordinates"][0]]
    lats = [c[1] for f in body["cells"]["features"] for c in f["geometry"]["coordinates"][0]]
    drawn = tile_cells(client, run_id, [min(lons), min(lats), max(lons), max(lats)])
    assert {k: v["class"] for k, v in drawn.items()} == cells_by_index(body)
    counts = {(f["properties"]["i"], f["properties"]["j"]): f["properties"] for f in body["cells"]["features"]}
    for key, props in drawn.items():
        assert [props[n] for n in ("a_present", "a_absent", "b_present", "b_absent")] == [
            counts[key][n] for n in ("a_present", "a_absent", "b_present", "b_absent")
        ]
    # No cell is written into the page itself.
    assert '"class"' not in html and 'both_present"' not in html.split("fieldappCompare.gridOptions")[0]


def test_a_page_with_thousands_of_cells_stays_small(client, make, db):
    """The page's size does not grow with its cells (a 17.5 MB page before, when folium inlined them)."""
    owner = make.account()
    dense = make.dataset(owner, knowledge_kind="volunteer", title="Dense sightings")
    sparse = make.dataset(owner, knowledge_kind="scientific", title="Sparse survey")
    # 6,000 points, one in each 100 m cell of a 12 km x 5 km block, and one survey record.
    db.execute(
        text(
            "INSERT INTO observation (id, dataset_id, contributor_id, subject_text, occurrence_status,"
            " observed_start, time_precision, geom, public_geom, visibility, licence, attributes)"
            " SELECT gen_random_uuid(), :d, :c, 'ormer', 'present', now() - interval '1 day', 'day', g, g,"
            " 'public', 'CC-BY-4.0', '{}'"
            " FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(30050 + 100 * (n % 120),"
            " 62050 + 100 * (n / 120)), 3109), 4326) AS g FROM generate_series(0, 5999) n) s"
        ),
        {"d": dense.id, "c": owner.user.contributor_id},
    )
    response = client.post(
        "/api/v1/observations",
        json=feature(sparse.slug, point(db, 30050, 62050), subject_text="ormer"),
        headers=owner.headers,
    )
    assert response.status_code == 201
    args = {"a": f"dataset:{dense.slug}", "b": f"dataset:{sparse.slug}", "cell_m": 100}
    inline = client.get("/api/v1/comparisons", query_string={**args, "format": "geojson"})
    assert len(inline.get_json()["features"]) == 6000
    page = client.get("/compare", query_string=args)
    assert page.status_code == 200
    assert len(page.data) < 300_000 < len(inline.data)
    # The cells are all there, in the tiles.
    run_id = _run_id(page.get_data(as_text=True))
    bounds = db.execute(
        text(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT ST_Transform(ST_SetSRID("
            "ST_Extent(geom)::geometry, 3857), 4326) AS b FROM comparison_cell WHERE run_id = :r) e"
        ),
        {"r": run_id},
    ).one()
    drawn = tile_cells(client, run_id, list(bounds))
    assert len(drawn) == 6000
    assert sorted({p["class"] for p in drawn.values()}) == ["both_present", "only_a"]


def test_cell_tiles_answer_clearly_for_unknown_expired_and_bad_addresses(client, sides, db, app):
    a, b = sides
    args = {"a": f"dataset:{a.slug}", "b": f"dataset:{b.slug}", "cell_m": CELL}
    run_id = _run_id(client.get("/compare", query_string=args).get_data(as_text=True))
    assert client.get(f"/compare/cells/{run_id}/12/2023/1400.pbf").status_code == 200
    assert client.get(f"/compare/cells/{run_id}/23/0/0.pbf").status_code == 400
    assert client.get(f"/compare/cells/{run_id}/2/4/0.pbf").status_code == 400
    unknown = client.get("/compare/cells/00000000-0000-4000-8000-000000000000/12/2023/1400.pbf")
    assert unknown.status_code == 404
    assert "run the comparison again" in unknown.get_data(as_text=True)
    # A run older than the keep time goes when the next page is drawn.
    keep_h = app.extensions["fieldapp.settings"].comparison_keep_h
    db.execute(
        text("UPDATE comparison_run SET created_at = now() - make_interval(hours => :h + 1) WHERE id = :r"),
        {"h": keep_h, "r": run_id},
    )
    client.get("/compare", query_string=args)
    assert client.get(f"/compare/cells/{run_id}/12/2023/1400.pbf").status_code == 404
    assert db.execute(text("SELECT count(*) FROM comparison_cell WHERE run_id = :r"), {"r": run_id}).scalar() == 0
