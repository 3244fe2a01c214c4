"""Vector tiles decoded with mapbox-vector-tile: features, attributes, public geometry, caching."""

from __future__ import annotations

import math

import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape
from sqlalchemy import event, text

from fieldapp import create_app
from fieldapp.maps import tiles
from fieldapp.observations.queries import ObservationFilter
from tests.factories import JERSEY_POINT, feature

HALF = 20037508.342789244


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The XYZ tile holding a point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def decode(body: bytes, z: int, x: int, y: int) -> dict[str, list[tuple[object, dict]]]:
    """Each layer's features as (shapely geometry in lon/lat, properties)."""
    size = 2 * HALF / 2**z
    minx, maxy = -HALF + x * size, HALF - y * size

    def to_lonlat(coords: np.ndarray) -> np.ndarray:
        mx, my = minx + coords[:, 0] / 4096 * size, maxy - coords[:, 1] / 4096 * size
        lat = np.degrees(2 * np.arctan(np.exp(my / HALF * np.pi)) - np.pi / 2)
        return np.column_stack([mx / HALF * 180, lat])

    layers = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})
    return {
        name: [(shapely.transform(shape(f["geometry"]), to_lonlat), f["properties"]) for f in layer["features"]]
        for name, layer in layers.items()
    }


def get_tile(client, lon, lat, z, **args):
    tz, tx, ty = tile_of(lon, lat, z)
    return client.get(f"/tiles/observations/{tz}/{tx}/{ty}.pbf", query_string=args), (tz, tx, ty)


def post(client, account, dataset, **kw):
    response = client.post("/api/v1/observations", json=feature(dataset.slug, **kw), headers=account.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def annotate(client, account, observation_id, kind, body="seen it too"):
    response = client.post(
        f"/api/v1/observations/{observation_id}/annotations", json={"kind": kind, "body": body}, headers=account.headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def warden(make):
    return make.account(name="Warden Ana")


def test_point_tile_carries_the_popup_attributes(client, make, warden):
    dataset = make.dataset(warden, title="Shore sightings", knowledge_kind="volunteer")
    created = post(
        client,
        warden,
        dataset,
        count=3,
        notes="by the slipway",
        observed_start="2024-05-02T10:30:00Z",
        time_precision="day",
    )
    response, address = get_tile(client, *JERSEY_POINT, 15, dataset=dataset.slug)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    layers = decode(response.data, *address)
    [(geometry, props)] = layers["observations"]
    assert props["id"] == created["id"]
    assert props["dataset"] == dataset.slug and props["kind"] == "volunteer"
    assert props["subject"] == "spider crab"
    assert props["when"] == "2024-05-02" and props["quantity"] == "3"
    assert props["attribution"] == "Warden Ana · Shore sightings · CC-BY-4.0"
    assert props["note"] == "by the slipway" and props["generalised"] is False
    # A z15 tile keeps a point to within a few metres.
    assert geometry.distance(Point(JERSEY_POINT)) < 0.0001


def test_generalised_record_is_its_cell_never_its_point(client, db, make, warden):
    dataset = make.dataset(warden, generalise_m=1000)
    staff = make.account(role="staff")
    created = post(client, warden, dataset, visibility="generalised")
    public = shapely.from_wkt(
        db.execute(
            text("SELECT ST_AsText(public_geom) FROM observation WHERE id = :id"), {"id": created["id"]}
        ).scalar_one()
    )
    # Even a viewer allowed the precise location gets the public cell: tiles are shared caches.
    response, address = get_tile(client, *JERSEY_POINT, 14, dataset=dataset.slug)
    response_staff = client.get(
        f"/tiles/observations/{'/'.join(map(str, address))}.pbf",
        query_string={"dataset": dataset.slug},
        headers=staff.headers,
    )
    assert response_staff.data == response.data
    [(cell, props)] = decode(response.data, *address)["observations"]
    assert props["generalised"] is True
    assert cell.geom_type == "Polygon"
    point = Point(JERSEY_POINT)
    assert cell.contains(point)
    # No vertex of the cell is the precise point: the tile holds the stored 1 km cell (clipped
    # to the tile's edge), which the precise point merely lies in.
    assert min(Point(c).distance(point) for c in cell.exterior.coords) > 0.001
    assert cell.difference(public).area < 0.02 * cell.area
    assert public.area > 0.0001  # about 1 km by 1 km in degrees at this latitude


def test_private_records_are_not_in_tiles(client, make, warden):
    dataset = make.dataset(warden)
    post(client, warden, dataset, visibility="private")
    response, address = get_tile(client, *JERSEY_POINT, 15, dataset=dataset.slug)
    assert response.status_code == 200
    assert decode(response.data, *address).get("observations", []) == []


def test_tiles_honour_the_list_filters(client, make, warden):
    local = make.dataset(warden, knowledge_kind="local")
    survey = make.dataset(warden, knowledge_kind="scientific")
    post(client, warden, local, subject_text="ormer", observed_start="2020-06-01", time_precision="day")
    post(client, warden, survey, subject_text="vraic", observed_start="2023-06-01", time_precision="day")

    def subjects(**args):
        response, address = get_tile(client, *JERSEY_POINT, 15, **args)
        assert response.status_code == 200
        return sorted(p["subject"] for _, p in decode(response.data, *address).get("observations", []))

    both = f"{local.slug},{survey.slug}"
    assert subjects(dataset=both) == ["ormer", "vraic"]
    assert subjects(dataset=both, kind="local") == ["ormer"]
    assert subjects(dataset=both, subject="VRAIC") == ["vraic"]
    assert subjects(dataset=both, datetime="2022-01-01/..") == ["vraic"]
    assert subjects(dataset=survey.slug) == ["vraic"]


def test_features_carry_the_review_tally_as_people_per_kind(client, make, warden):
    dataset = make.dataset(warden, knowledge_kind="scientific")
    quiet = post(client, warden, dataset, subject_text="ormer")
    reviewed = post(
        client,
        warden,
        dataset,
        subject_text="vraic",
        geometry={"type": "Point", "coordinates": [JERSEY_POINT[0] + 1e-4, JERSEY_POINT[1]]},
    )
    fisher, diver = make.account(name="Fisher Jo"), make.account(name="Diver Sam")
    annotate(client, fisher, reviewed["id"], "corroborate")
    annotate(client, fisher, reviewed["id"], "corroborate", "and again last week")  # one person, counted once
    annotate(client, diver, reviewed["id"], "corroborate")
    annotate(client, diver, reviewed["id"], "question", "was it not a spider crab?")
    annotate(client, diver, reviewed["id"], "context", "the bed shrank after 2014")
    response, address = get_tile(client, *JERSEY_POINT, 15, dataset=dataset.slug)
    props = {p["id"]: p for _, p in decode(response.data, *address)["observations"]}
    assert props[reviewed["id"]]["corroborated"] == 2
    assert props[reviewed["id"]]["questioned"] == 1
    # A record nobody has reviewed carries no tally attributes at all (tiles stay small).
    assert "corroborated" not in props[quiet["id"]] and "questioned" not in props[quiet["id"]]


def test_tiles_honour_the_review_filter_and_an_annotation_moves_the_etag(client, make, warden):
    dataset = make.dataset(warden)
    questioned = post(client, warden, dataset, subject_text="ormer")
    corroborated = post(client, warden, dataset, subject_text="vraic")
    post(client, warden, dataset, subject_text="limpet")
    other = make.account(name="Fisher Jo")
    annotate(client, other, questioned["id"], "question", "too early in the year?")
    annotate(client, other, corroborated["id"], "corroborate")

    def subjects(z=15, **args):
        response, address = get_tile(client, *JERSEY_POINT, z, dataset=dataset.slug, **args)
        assert response.status_code == 200
        return sorted(p["subject"] for _, p in decode(response.data, *address).get("observations", []))

    assert subjects() == ["limpet", "ormer", "vraic"]
    assert subjects(review="open_questions") == ["ormer"]
    assert subjects(review="corroborated") == ["vraic"]
    assert subjects(review="open_questions,corroborated") == []
    # At low zoom a review filter counts the matching raw rows (the aggregate knows no reviews).
    low = tiles.TileRequest(*tile_of(*JERSEY_POINT, 10), ObservationFilter(review=["corroborated"]))
    assert not tiles.uses_aggregate(low)
    response, address = get_tile(client, *JERSEY_POINT, 10, dataset=dataset.slug, review="corroborated")
    assert sum(p["count"] for _, p in decode(response.data, *address)["counts"]) == 1
    # A new annotation changes what the tile shows, so a cached copy no longer validates.
    first, address = get_tile(client, *JERSEY_POINT, 15, dataset=dataset.slug)
    path = "/tiles/observations/{}/{}/{}.pbf".format(*address)
    etag = first.headers["ETag"]
    annotate(client, other, questioned["id"], "corroborate")
    again = client.get(path, query_string={"dataset": dataset.slug}, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert subjects(review="corroborated") == ["ormer", "vraic"]


def test_low_zoom_points_come_as_counts_from_the_aggregate(client, make, warden):
    dataset = make.dataset(warden)
    for i in range(3):
        post(client, warden, dataset, geometry={"type": "Point", "coordinates": [-2.1542 + i * 1e-4, 49.1869]})
    response, address = get_tile(client, *JERSEY_POINT, 10, dataset=dataset.slug)
    layers = decode(response.data, *address)
    assert "observations" not in layers
    assert sum(p["count"] for _, p in layers["counts"]) == 3
    # One more record moves the count at once: the aggregate is kept on write.
    post(client, warden, dataset)
    again, _ = get_tile(client, *JERSEY_POINT, 10, dataset=dataset.slug)
    assert sum(p["count"] for _, p in decode(again.data, *address)["counts"]) == 4


def test_low_zoom_counts_with_a_subject_filter_are_counted_on_the_fly(client, make, warden):
    dataset = make.dataset(warden)
    post(client, warden, dataset, subject_text="ormer")
    post(client, warden, dataset, subject_text="vraic")
    response, address = get_tile(client, *JERSEY_POINT, 9, dataset=dataset.slug, subject="ormer")
    assert sum(p["count"] for _, p in decode(response.data, *address)["counts"]) == 1


def test_aggregate_tile_query_never_reads_observations(db):
    tile = tiles.TileRequest(*tile_of(*JERSEY_POINT, 12), ObservationFilter(kinds=["local"]))
    assert tiles.uses_aggregate(tile)
    sql, params = tiles.count_layer_sql(tile)
    plan = "\n".join(db.execute(text("EXPLAIN " + sql), params).scalars())
    assert "map_cell" in plan
    assert " observation " not in plan and "on observation" not in plan.lower()


def test_low_zoom_areas_and_lines_keep_their_shapes(client, make, warden):
    dataset = make.dataset(warden, knowledge_kind="local")
    ground = {
        "type": "Polygon",
        "coordinates": [[[-2.16, 49.18], [-2.14, 49.18], [-2.14, 49.195], [-2.16, 49.195], [-2.16, 49.18]]],
    }
    transect = {"type": "LineString", "coordinates": [[-2.16, 49.17], [-2.14, 49.175]]}
    post(client, warden, dataset, geometry=ground, subject_text="fishing ground")
    post(client, warden, dataset, geometry=transect, subject_text="transect")
    response, address = get_tile(client, -2.15, 49.185, 11, dataset=dataset.slug)
    shapes = {p["subject"]: g for g, p in decode(response.data, *address)["observations"]}
    assert shapes["fishing ground"].geom_type == "Polygon"
    assert shapes["fishing ground"].area == pytest.approx(shape(ground).area, rel=0.05)
    assert shapes["transect"].geom_type == "LineString"
    only_areas, _ = get_tile(client, -2.15, 49.185, 11, dataset=dataset.slug, shape="area")
    assert [p["subject"] for _, p in decode(only_areas.data, *address)["observations"]] == ["fishing ground"]


def test_tiles_are_cacheable_and_revalidate_with_304(client, make, warden):
    dataset = make.dataset(warden)
    post(client, warden, dataset)
    first, address = get_tile(client, *JERSEY_POINT, 15, dataset=dataset.slug)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in first.headers and "Cookie" not in first.headers.get("Vary", "")
    path = "/tiles/observations/{}/{}/{}.pbf".format(*address)
    cached = client.get(path, query_string={"dataset": dataset.slug}, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""
    post(client, warden, dataset, subject_text="ormer")
    changed = client.get(path, query_string={"dataset": dataset.slug}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # Renaming the dataset changes every popup's attribution, so the validator moves too.
    dataset.title = "Renamed"
    make.session.commit()
    renamed = client.get(
        path, query_string={"dataset": dataset.slug}, headers={"If-None-Match": changed.headers["ETag"]}
    )
    assert renamed.status_code == 200


def test_outside_a_test_transaction_a_tile_is_one_statement_in_autocommit(settings, migrated):
    # The app as deployed: sessions own their connections (no outer test transaction).
    app = create_app(settings)
    engine = app.extensions["fieldapp.db"].engine
    seen: list[tuple[bool, str]] = []

    def note(_conn, cursor, statement, *_args):
        seen.append((cursor.connection.autocommit, statement))

    event.listen(engine, "before_cursor_execute", note)
    try:
        client = app.test_client()
        first = client.get("/tiles/observations/14/0/0.pbf")
        again = client.get("/tiles/observations/14/0/0.pbf", headers={"If-None-Match": first.headers["ETag"]})
    finally:
        event.remove(engine, "before_cursor_execute", note)
        engine.dispose()
    assert first.status_code == 200 and again.status_code == 304
    # No BEGIN or ROLLBACK around it: one statement per request, outside a transaction.
    assert [autocommit for autocommit, _ in seen] == [True, True]


@pytest.mark.parametrize(
    "path, args",
    [
        ("/tiles/observations/3/8/1.pbf", {}),
        ("/tiles/observations/23/0/0.pbf", {}),
        ("/tiles/observations/10/1/1.pbf", {"colour": "red"}),
        ("/tiles/observations/10/1/1.pbf", {"kind": "expert"}),
        ("/tiles/observations/10/1/1.pbf", {"shape": "blob"}),
        ("/tiles/observations/10/1/1.pbf", {"review": "disputed"}),
    ],
)
def test_bad_tile_requests_are_400_json(client, path, args):
    response = client.get(path, query_string=args)
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]


@pytest.mark.parametrize("zoom", [15, 10])
def test_the_shape_filter_reads_the_public_geometry_not_the_hidden_one(client, make, warden, zoom):
    """A generalised point is shown as its cell: shape=point must not tell it from a generalised area."""
    dataset = make.dataset(warden, generalise_m=1000, force_generalised=True)
    spot = {"type": "Point", "coordinates": list(JERSEY_POINT)}
    lon, lat = JERSEY_POINT
    patch = [[lon - 1e-4, lat - 1e-4], [lon + 1e-4, lat - 1e-4], [lon + 1e-4, lat + 1e-4], [lon - 1e-4, lat - 1e-4]]
    post(client, warden, dataset, geometry=spot, subject_text="hidden point")
    post(client, warden, dataset, geometry={"type": "Polygon", "coordinates": [patch]}, subject_text="hidden area")

    def seen(shape_name: str) -> list[str]:
        response, address = get_tile(client, lon, lat, zoom, dataset=dataset.slug, shape=shape_name)
        layers = decode(response.data, *address)
        counted = sum(p["count"] for _, p in layers.get("counts", []))
        return sorted(p["subject"] for _, p in layers.get("observations", [])) + ["counted"] * counted

    as_points, as_areas = seen("point"), seen("area")
    assert as_points == []
    if zoom > tiles.AGGREGATE_MAX_ZOOM:
        assert as_areas == ["hidden area", "hidden point"]


@pytest.mark.parametrize("zoom", [10, 12])
def test_low_zoom_layers_hold_generalised_records_by_their_cells_not_their_hidden_kind(client, db, make, warden, zoom):
    """Without a shape filter too, the layer a record is in must not tell a hidden point from a hidden area."""
    dataset = make.dataset(warden, generalise_m=1000, force_generalised=True)
    lon, lat = JERSEY_POINT
    patch = [[lon - 1e-4, lat - 1e-4], [lon + 1e-4, lat - 1e-4], [lon + 1e-4, lat + 1e-4], [lon - 1e-4, lat - 1e-4]]
    post(client, warden, dataset, geometry={"type": "Point", "coordinates": [lon, lat]}, subject_text="hidden point")
    post(client, warden, dataset, geometry={"type": "Polygon", "coordinates": [patch]}, subject_text="hidden area")
    response, address = get_tile(client, lon, lat, zoom, dataset=dataset.slug)
    layers = decode(response.data, *address)
    assert "counts" not in layers
    shapes = {p["subject"]: g.geom_type for g, p in layers["observations"]}
    assert shapes == {"hidden point": "Polygon", "hidden area": "Polygon"}
    # The dataset's shape counts (the map page's layer list) count what is shown as well.
    assert tiles.dataset_shapes(db)[dataset.slug] == {"point": 0, "line": 0, "area": 2}
