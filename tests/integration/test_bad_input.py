"""Bad input to the write API gets a clear JSON error naming what is wrong, and nothing is written."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from fieldapp import create_app
from tests.factories import JERSEY_POINT, feature

URL = "/api/v1/observations"
SQUARE = [[-2.16, 49.18], [-2.15, 49.18], [-2.15, 49.19], [-2.16, 49.19], [-2.16, 49.18]]
BOW_TIE = [[-2.16, 49.18], [-2.15, 49.19], [-2.15, 49.18], [-2.16, 49.19], [-2.16, 49.18]]


def rows(db, table: str = "observation") -> int:
    return db.scalar(text(f"SELECT count(*) FROM {table}"))


def assert_error(response, status: int, path: str | None = None, words: str | None = None) -> dict:
    """The response is the API's JSON error, naming `path` among its details and saying `words`."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"message", "details"}
    assert isinstance(error["message"], str) and error["message"]
    assert error["details"], "every error says where the problem is"
    for detail in error["details"]:
        assert set(detail) == {"path", "message"}
        assert isinstance(detail["path"], str) and detail["path"]
        assert isinstance(detail["message"], str) and detail["message"]
    if path is not None:
        assert path in [d["path"] for d in error["details"]], error
    if words is not None:
        said = " ".join([error["message"], *(d["message"] for d in error["details"])])
        assert words.lower() in said.lower(), error
    return error


@pytest.fixture
def warden(make):
    return make.account()


@pytest.fixture
def slug(make, warden) -> str:
    return make.dataset(warden).slug


@pytest.fixture
def post(client, db, warden):
    """POST a body (an object, or raw text) and check that no observation was written."""

    def send(body, headers=None, url=URL, method="post"):
        before = rows(db), rows(db, "observation_history")
        raw = body if isinstance(body, str | bytes) else json.dumps(body)
        response = client.open(
            url,
            method=method,
            data=raw,
            content_type="application/json",
            headers=warden.headers if headers is None else headers,
        )
        assert (rows(db), rows(db, "observation_history")) == before, "nothing may be written"
        return response

    return send


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def without(body: dict, name: str) -> dict:
    return {k: v for k, v in body.items() if k != name}


def soon(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


# (case id, body built from the dataset slug, status, path named, words said)
FEATURE_CASES = [
    ("a list", lambda s: [feature(s)], 422, "(body)", "GeoJSON Feature"),
    ("a number", lambda s: 42, 422, "(body)", "GeoJSON Feature"),
    ("a Point geometry alone", lambda s: point(*JERSEY_POINT), 422, "type", "'Point'"),
    ("no type", lambda s: without(feature(s), "type"), 422, "type", None),
    ("unknown property", lambda s: feature(s, colour="red"), 422, "properties.colour", "Unknown field"),
    ("unknown top-level member", lambda s: feature(s) | {"crs": "EPSG:4326"}, 422, "crs", "Unknown field"),
    ("properties missing", lambda s: without(feature(s), "properties"), 422, "properties", None),
    ("properties not an object", lambda s: feature(s) | {"properties": ["spider crab"]}, 422, "properties", None),
    (
        "dataset missing",
        lambda s: feature(s) | {"properties": {"subject_text": "crab"}},
        422,
        "properties.dataset",
        None,
    ),
    (
        "no subject",
        lambda s: feature(s) | {"properties": {"dataset": s}},
        422,
        "properties.subject_text",
        "what was observed",
    ),
    ("id not a UUID", lambda s: feature(s, feature_id="crab-1"), 422, "id", "UUID"),
    ("missing geometry", lambda s: without(feature(s), "geometry"), 422, "geometry", "needs a geometry"),
    ("null geometry", lambda s: feature(s) | {"geometry": None}, 422, "geometry", "needs a geometry"),
    (
        "geometry as WKT",
        lambda s: feature(s) | {"geometry": "POINT (-2.15 49.19)"},
        422,
        "geometry",
        "GeoJSON geometry object",
    ),
    ("longitude out of range", lambda s: feature(s, point(-182.15, 49.19)), 422, "geometry", "Longitude -182.15"),
    ("latitude out of range", lambda s: feature(s, point(-2.15, 91)), 422, "geometry", "Latitude 91"),
    ("lat/lon swapped", lambda s: feature(s, point(49.19, -182.15)), 422, "geometry", "out of range"),
    ("coordinate as text", lambda s: feature(s, point("-2.15", 49.19)), 422, "geometry", "finite numbers"),
    ("ring of 3 points", lambda s: feature(s, polygon(SQUARE[:2] + SQUARE[:1])), 422, "geometry", "fewer than 4"),
    ("unclosed ring", lambda s: feature(s, polygon(SQUARE[:4])), 422, "geometry", "not closed"),
    (
        "zero-area ring",
        lambda s: feature(s, polygon([[-2.16, 49.18], [-2.15, 49.18], [-2.14, 49.18], [-2.16, 49.18]])),
        422,
        "geometry",
        "cannot be repaired without changing its kind",
    ),
    (
        "over 100,000 vertices",
        lambda s: feature(s, {"type": "LineString", "coordinates": [[-2.2 + i * 1e-6, 49.2] for i in range(100_001)]}),
        422,
        "geometry",
        "more than 100,000 vertices",
    ),
    (
        "empty GeometryCollection",
        lambda s: feature(s, {"type": "GeometryCollection", "geometries": []}),
        422,
        "geometry",
        "at least one geometry",
    ),
    ("empty MultiPoint", lambda s: feature(s, {"type": "MultiPoint", "coordinates": []}), 422, "geometry", "non-empty"),
    (
        "2D and 3D positions mixed",
        lambda s: feature(s, {"type": "LineString", "coordinates": [[-2.16, 49.18], [-2.15, 49.19, 3]]}),
        422,
        "geometry",
        "same number of values",
    ),
    (
        "interval ends before it starts",
        lambda s: feature(s, observed_start="2024-05-02T10:00:00Z", observed_end="2024-05-01T10:00:00Z"),
        422,
        "properties.observed_end",
        "ends before it starts",
    ),
    (
        "end without a start",
        lambda s: feature(s, observed_end="2001-05-01"),
        422,
        "properties.observed_end",
        "needs its start",
    ),
    ("start 2 days ahead", lambda s: feature(s, observed_start=soon(48)), 422, "properties.observed_start", "future"),
    (
        "end 3 days ahead",
        lambda s: feature(s, observed_start=soon(-1), observed_end=soon(72)),
        422,
        "properties.observed_end",
        "future",
    ),
    (
        "date not a date",
        lambda s: feature(s, observed_start="2024-13-45"),
        422,
        "properties.observed_start",
        "not a date",
    ),
    ("date as a number", lambda s: feature(s, observed_start=20240501), 422, "properties.observed_start", None),
    (
        "SACFOR X",
        lambda s: feature(s, abundance_scale="SACFOR", abundance_value="X"),
        422,
        "properties.abundance_value",
        "not on the SACFOR scale",
    ),
    (
        "DAFOR C",
        lambda s: feature(s, abundance_scale="DAFOR", abundance_value="C"),
        422,
        "properties.abundance_value",
        "not on the DAFOR scale",
    ),
    (
        "DOMIN 11",
        lambda s: feature(s, abundance_scale="DOMIN", abundance_value="11"),
        422,
        "properties.abundance_value",
        "not on the DOMIN scale",
    ),
    (
        "percent_cover 150",
        lambda s: feature(s, abundance_scale="percent_cover", abundance_value=150),
        422,
        "properties.abundance_value",
        "outside 0 to 100",
    ),
    (
        "verbatim value too long to keep",
        lambda s: feature(s, abundance_scale="percent_cover", abundance_value=" " * 200 + "50"),
        422,
        "properties.abundance_value",
        None,
    ),
    ("value without scale", lambda s: feature(s, abundance_value="C"), 422, "properties.abundance_value", "together"),
    (
        "scale without value",
        lambda s: feature(s, abundance_scale="SACFOR"),
        422,
        "properties.abundance_value",
        "together",
    ),
    (
        "unknown scale",
        lambda s: feature(s, abundance_scale="Braun-Blanquet", abundance_value="3"),
        422,
        "properties.abundance_scale",
        None,
    ),
    ("count below zero", lambda s: feature(s, count=-1), 422, "properties.count", "below zero"),
    ("count not a number", lambda s: feature(s, count="many"), 422, "properties.count", None),
    ("count too large to store", lambda s: feature(s, count=10**12), 422, "properties.count", None),
    ("unknown dataset", lambda s: feature("no-such-dataset"), 422, "properties.dataset", "no-such-dataset"),
    ("unknown licence", lambda s: feature(s, licence="GPL-3.0"), 422, "properties.licence", "Unknown licence"),
    ("unknown visibility", lambda s: feature(s, visibility="secret"), 422, "properties.visibility", None),
    ("month 13", lambda s: feature(s, season_months=[3, 13]), 422, "properties.season_months.1", None),
    (
        "negative uncertainty",
        lambda s: feature(s, coordinate_uncertainty_m=-5),
        422,
        "properties.coordinate_uncertainty_m",
        None,
    ),
]


@pytest.mark.parametrize(
    ("build", "status", "path", "words"), [c[1:] for c in FEATURE_CASES], ids=[c[0] for c in FEATURE_CASES]
)
def test_bad_feature_is_rejected_naming_the_field(post, slug, build, status, path, words):
    assert_error(post(build(slug)), status, path, words)


# Text that is not JSON as the API reads it (Python's json would accept NaN and Infinity).
TEXT_CASES = [
    ("truncated", '{"type": "Feature", "geometry": ', "line 1, column"),
    ("trailing comma", '{"type": "Feature",}', "Malformed JSON"),
    ("single quotes", "{'type': 'Feature'}", "Malformed JSON"),
    ("NaN", '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 49.19]}}', "NaN"),
    ("Infinity", '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [Infinity, 49.19]}}', "Infinity"),
    ("-Infinity", '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.15, -Infinity]}}', "Infinity"),
    ("a number too large for a float", '{"type": "Feature", "properties": {"count": 1e999}}', "1e999"),
    ("empty body", "", "empty"),
    ("not UTF-8", b'{"type": "Feature", "properties": {"subject_text": "\xff"}}', "UTF-8"),
]


@pytest.mark.parametrize(("raw", "words"), [c[1:] for c in TEXT_CASES], ids=[c[0] for c in TEXT_CASES])
def test_text_that_is_not_strict_json_is_a_bad_request(post, raw, words):
    assert_error(post(raw), 400, "(body)", words)


def test_nan_in_a_property_is_rejected(post, slug):
    raw = json.dumps(feature(slug)).replace('"spider crab"', '"spider crab", "coordinate_uncertainty_m": NaN')
    assert_error(post(raw), 400, "(body)", "NaN")


def stored(db, observation_id: str) -> dict:
    return (
        db.execute(
            text(
                "SELECT repair_note, ST_GeometryType(geom) AS kind, ST_IsValid(geom) AS valid, abundance_scale,"
                " abundance_value, abundance_verbatim, observed_start FROM observation WHERE id = :id"
            ),
            {"id": observation_id},
        )
        .mappings()
        .one()
    )


def test_bow_tie_polygon_is_repaired_and_the_repair_is_noted(client, db, warden, slug):
    before = rows(db)
    response = client.post(URL, json=feature(slug, polygon(BOW_TIE)), headers=warden.headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["geometry"]["type"] == "MultiPolygon"
    assert len(body["geometry"]["coordinates"]) == 2
    assert "make_valid" in body["properties"]["repair_note"]
    row = stored(db, body["id"])
    assert rows(db) == before + 1
    assert row["kind"] == "ST_MultiPolygon" and row["valid"]
    assert "Self-intersection" in row["repair_note"] and "MultiPolygon" in row["repair_note"]


def test_valid_polygon_has_no_repair_note(client, db, warden, slug):
    response = client.post(URL, json=feature(slug, polygon(SQUARE)), headers=warden.headers)
    assert response.status_code == 201, response.get_json()
    row = stored(db, response.get_json()["id"])
    assert row["kind"] == "ST_Polygon" and row["repair_note"] is None


def test_date_twelve_hours_ahead_is_accepted(client, db, warden, slug):
    ahead = datetime.now(UTC) + timedelta(hours=12)
    response = client.post(URL, json=feature(slug, observed_start=ahead.isoformat()), headers=warden.headers)
    assert response.status_code == 201, response.get_json()
    assert stored(db, response.get_json()["id"])["observed_start"] == ahead


@pytest.mark.parametrize(
    ("scale", "value", "canonical"),
    [
        ("SACFOR", "Common", "C"),
        ("DAFOR", "f", "F"),
        ("DOMIN", "+", "+"),
        ("percent_cover", 37.5, "37.5"),
    ],
)
def test_abundance_on_its_scale_is_stored_canonical_with_the_verbatim_value(
    client, db, warden, slug, scale, value, canonical
):
    body = feature(slug, abundance_scale=scale, abundance_value=value)
    response = client.post(URL, json=body, headers=warden.headers)
    assert response.status_code == 201, response.get_json()
    row = stored(db, response.get_json()["id"])
    assert (row["abundance_scale"], row["abundance_value"], row["abundance_verbatim"]) == (scale, canonical, str(value))


def test_count_of_zero_is_accepted(client, warden, slug):
    response = client.post(URL, json=feature(slug, count=0, occurrence_status="absent"), headers=warden.headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["properties"]["count"] == 0


# --- batches: all or nothing -------------------------------------------------------------------


def test_batch_lists_each_bad_feature_by_index_and_writes_nothing(post, slug):
    batch = {
        "type": "FeatureCollection",
        "features": [
            feature(slug, point(-200, 49.19)),
            feature(slug, count=3),
            feature(slug, count=-2),
        ],
    }
    error = assert_error(post(batch), 422, "features.0.geometry", "out of range")
    paths = [d["path"] for d in error["details"]]
    assert "features.2.properties.count" in paths
    assert not [p for p in paths if p.startswith("features.1")], paths


def test_batch_with_an_unknown_dataset_names_the_feature(post, slug):
    batch = {"type": "FeatureCollection", "features": [feature(slug), feature("no-such-dataset")]}
    assert_error(post(batch), 422, "features.1.properties.dataset", "no-such-dataset")


def test_batch_over_1000_features_is_rejected(post, slug):
    batch = {"type": "FeatureCollection", "features": [feature(slug) for _ in range(1001)]}
    assert_error(post(batch), 422, "features", "at most 1000")


def test_batch_with_duplicate_ids_is_rejected(post, slug):
    same = str(uuid.uuid4())
    batch = {
        "type": "FeatureCollection",
        "features": [
            feature(slug, feature_id=same),
            feature(slug, feature_id=str(uuid.uuid4())),
            feature(slug, feature_id=same),
        ],
    }
    assert_error(post(batch), 422, "features", "more than once")


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"type": "FeatureCollection", "features": []}, "features"),
        ({"type": "FeatureCollection"}, "features"),
        ({"type": "FeatureCollection", "features": {"0": {}}}, "features"),
        ({"type": "FeatureCollection", "features": [1]}, "features.0"),
    ],
)
def test_empty_or_malformed_batch_is_rejected(post, body, path):
    assert_error(post(body), 422, path)


def test_batch_with_an_unknown_member_is_rejected(post, slug):
    batch = {"type": "FeatureCollection", "features": [feature(slug)], "name": "crabs"}
    assert_error(post(batch), 422, "name", "unknown member")


# --- who may write -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_write_without_a_valid_token_is_unauthorised(post, slug, headers):
    assert_error(post(feature(slug), headers=headers), 401, "Authorization")


def test_dataset_write_without_a_valid_token_is_unauthorised(client, db):
    before = rows(db, "dataset")
    for headers in ({}, {"Authorization": "Bearer not-a-real-token"}):
        response = client.post("/api/v1/datasets", json=dataset_body(), headers=headers)
        assert_error(response, 401, "Authorization")
    assert rows(db, "dataset") == before


# --- PATCH ---------------------------------------------------------------------------------------


@pytest.fixture
def existing(client, warden, slug) -> str:
    body = feature(
        slug,
        polygon(SQUARE),
        count=2,
        abundance_scale="SACFOR",
        abundance_value="C",
        observed_start="2024-05-01T10:00:00Z",
    )
    response = client.post(URL, json=body, headers=warden.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def snapshot(db, observation_id: str) -> dict:
    return db.scalar(text("SELECT to_jsonb(o) FROM observation o WHERE id = :id"), {"id": observation_id})


PATCH_CASES = [
    ("unknown property", {"properties": {"colour": "red"}}, "properties.colour", "Unknown field"),
    ("unknown member", {"properties": {}, "links": []}, "links", "Unknown field"),
    ("not a Feature", {"type": "Point", "coordinates": [0, 0]}, "type", None),
    ("null geometry", {"geometry": None}, "geometry", "needs a geometry"),
    ("longitude out of range", {"geometry": point(181, 49)}, "geometry", "Longitude 181"),
    ("unclosed ring", {"geometry": polygon(SQUARE[:4])}, "geometry", "not closed"),
    ("ring of 3 points", {"geometry": polygon(SQUARE[:2] + SQUARE[:1])}, "geometry", "fewer than 4"),
    (
        "empty GeometryCollection",
        {"geometry": {"type": "GeometryCollection", "geometries": []}},
        "geometry",
        "at least one geometry",
    ),
    ("count below zero", {"properties": {"count": -1}}, "properties.count", "below zero"),
    (
        "SACFOR X",
        {"properties": {"abundance_scale": "SACFOR", "abundance_value": "X"}},
        "properties.abundance_value",
        "SACFOR",
    ),
    (
        "end before the stored start",
        {"properties": {"observed_end": "2024-04-01"}},
        "properties.observed_end",
        "ends before",
    ),
    (
        "start after the stored end",
        {"properties": {"observed_end": "2024-05-03", "observed_start": "2024-06-01"}},
        "properties.observed_end",
        "ends before",
    ),
    ("future start", {"properties": {"observed_start": soon(30)}}, "properties.observed_start", "future"),
    ("unknown licence", {"properties": {"licence": "WTFPL"}}, "properties.licence", "Unknown licence"),
    ("unknown dataset", {"properties": {"dataset": "no-such-dataset"}}, "properties.dataset", "no-such-dataset"),
    ("subject removed", {"properties": {"subject_text": None}}, "properties.subject_text", None),
    ("another id", {"id": str(uuid.uuid4()), "properties": {"count": 3}}, "id", "cannot change"),
]


@pytest.mark.parametrize(("body", "path", "words"), [c[1:] for c in PATCH_CASES], ids=[c[0] for c in PATCH_CASES])
def test_bad_patch_is_rejected_and_changes_nothing(post, db, existing, body, path, words):
    before = snapshot(db, existing)
    assert_error(post(body, url=f"{URL}/{existing}", method="patch"), 422, path, words)
    assert snapshot(db, existing) == before


@pytest.mark.parametrize(("raw", "words"), [("{", "Malformed JSON"), ('{"properties": {"count": NaN}}', "NaN")])
def test_patch_with_bad_json_text_is_a_bad_request(post, db, existing, raw, words):
    before = snapshot(db, existing)
    assert_error(post(raw, url=f"{URL}/{existing}", method="patch"), 400, "(body)", words)
    assert snapshot(db, existing) == before


def test_patch_without_a_token_is_unauthorised(post, db, existing):
    before = snapshot(db, existing)
    assert_error(post({"properties": {"count": 5}}, url=f"{URL}/{existing}", method="patch", headers={}), 401)
    assert snapshot(db, existing) == before


def test_good_patch_after_a_bad_one_still_works(client, db, warden, existing):
    client.patch(f"{URL}/{existing}", json={"properties": {"count": -1}}, headers=warden.headers)
    good = {"properties": {"count": 5, "observed_end": "2024-05-02T10:00:00Z"}}
    response = client.patch(f"{URL}/{existing}", json=good, headers=warden.headers)
    assert response.status_code == 200, response.get_json()
    after = snapshot(db, existing)
    assert after["count"] == 5
    assert after["observed_end"].startswith("2024-05-02T10:00:00")


# --- POST /datasets ------------------------------------------------------------------------------


def dataset_body(**values) -> dict:
    return {"slug": f"crabs-{uuid.uuid4().hex[:8]}", "title": "Crab pots", "knowledge_kind": "local"} | values


DATASET_CASES = [
    ("a list", [dataset_body()], 422, "(body)", None),
    ("unknown field", dataset_body(colour="red"), 422, "colour", "Unknown field"),
    ("unknown licence", dataset_body(licence="GPL-3.0"), 422, "licence", "Unknown licence"),
    ("unknown knowledge kind", dataset_body(knowledge_kind="expert"), 422, "knowledge_kind", None),
    ("bad slug", dataset_body(slug="Crab Pots!"), 422, "slug", "lower-case"),
    ("missing title", {"slug": "crab-pots", "knowledge_kind": "local"}, 422, "title", None),
    ("unknown visibility", dataset_body(default_visibility="secret"), 422, "default_visibility", None),
    ("generalisation too fine", dataset_body(generalise_m=1), 422, "generalise_m", None),
    ("unknown steward", dataset_body(steward_id=10**6), 422, "steward_id", "unknown contributor"),
]


@pytest.mark.parametrize(
    ("body", "status", "path", "words"), [c[1:] for c in DATASET_CASES], ids=[c[0] for c in DATASET_CASES]
)
def test_bad_dataset_is_rejected_naming_the_field(client, db, steward, body, status, path, words):
    before = rows(db, "dataset")
    response = client.post("/api/v1/datasets", json=body, headers=steward.headers)
    assert_error(response, status, path, words)
    assert rows(db, "dataset") == before


@pytest.mark.parametrize(("raw", "words"), [("{", "Malformed JSON"), ('{"generalise_m": Infinity}', "Infinity")])
def test_dataset_with_bad_json_text_is_a_bad_request(client, db, steward, raw, words):
    before = rows(db, "dataset")
    response = client.post("/api/v1/datasets", data=raw, content_type="application/json", headers=steward.headers)
    assert_error(response, 400, "(body)", words)
    assert rows(db, "dataset") == before


# --- the body size limit -------------------------------------------------------------------------

SMALL_LIMIT = 4096


@pytest.fixture(scope="module")
def small_app(settings, migrated):
    from dataclasses import replace

    app = create_app(replace(settings, max_body_bytes=SMALL_LIMIT))
    yield app
    app.extensions["fieldapp.db"].engine.dispose()


@pytest.fixture
def small_client(small_app, connection):
    """A client of an app with a 4 KiB body limit, sharing the test's rolled-back transaction."""
    database = small_app.extensions["fieldapp.db"]
    database.bind_to(connection)
    yield small_app.test_client()
    database.sessionmaker.configure(bind=database.engine, join_transaction_mode="conservative_savepoint")


def padded(body: dict, size: int) -> dict:
    body["properties"]["notes"] = "x" * size
    return body


@pytest.mark.parametrize(("url", "account"), [(URL, "warden"), ("/api/v1/datasets", "steward")])
def test_body_over_the_limit_is_413_json_and_writes_nothing(small_client, db, slug, request, url, account):
    headers = request.getfixturevalue(account).headers
    body = padded(feature(slug), SMALL_LIMIT) if url == URL else dataset_body(description="x" * SMALL_LIMIT)
    before = rows(db), rows(db, "dataset")
    response = small_client.post(url, json=body, headers=headers)
    assert_error(response, 413, "(body)", f"limit of {SMALL_LIMIT} bytes")
    assert (rows(db), rows(db, "dataset")) == before


def test_body_within_the_limit_is_accepted_by_the_small_app(small_client, warden, slug):
    response = small_client.post(URL, json=padded(feature(slug), 100), headers=warden.headers)
    assert response.status_code == 201, response.get_json()


def test_default_limit_is_20_mb(client, warden, slug, db):
    before = rows(db)
    response = client.post(URL, json=padded(feature(slug), 20 * 1024 * 1024), headers=warden.headers)
    assert_error(response, 413, "(body)", "limit")
    assert rows(db) == before


# --- query parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/observations?colour=red",
        "/api/v1/observations?bbox=-3,49,-2,50&limt=5",
        "/api/v1/observations?BBOX=-3,49,-2,50",
        "/api/v1/datasets?colour=red",
        "/api/v1/datasets?limit=5",
    ],
)
def test_unknown_query_parameter_is_400(client, url):
    unknown = url.split("?")[1].split("&")[-1].split("=")[0]
    assert_error(client.get(url), 400, unknown, "unknown")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("bbox=-3,49,-2", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=-2,49,-3,50", "bbox"),
        ("bbox=-3,49,-2,95", "bbox"),
        ("bbox=nan,49,-2,50", "bbox"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2024-06-01/2024-05-01", "datetime"),
        ("datetime=../..", "datetime"),
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("cursor=!!!", "cursor"),
        ("cursor=abc", "cursor"),
        ("kind=expert", "kind"),
    ],
)
def test_bad_query_value_is_400_naming_the_parameter(client, query, parameter):
    error = assert_error(client.get(f"{URL}?{query}"), 400, parameter)
    assert f"'{parameter}'" in error["message"]


def test_limit_above_the_maximum_is_clamped_not_refused(client, db, warden, slug):
    response = client.post(URL, json=feature(slug), headers=warden.headers)
    assert response.status_code == 201
    # 10,001 copies of it, so that a page of the maximum size has a next page.
    db.execute(
        text(
            "INSERT INTO observation (id, dataset_id, contributor_id, subject_text, occurrence_status, observed_start,"
            " time_precision, geom, visibility, licence, attributes)"
            " SELECT gen_random_uuid(), dataset_id, contributor_id, subject_text, occurrence_status, observed_start,"
            " time_precision, geom, visibility, licence, attributes"
            " FROM observation, generate_series(1, 10000) WHERE id = :id"
        ),
        {"id": response.get_json()["id"]},
    )
    db.commit()
    # count=exact: the exact total is asserted, and a default count may fall back to an estimate under load.
    response = client.get(f"{URL}?limit=50000&dataset={slug}&count=exact")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["numberMatched"] == 10_001
    assert body["numberReturned"] == 10_000
    next_link = next(link["href"] for link in body["links"] if link["rel"] == "next")
    assert "limit=10000" in next_link
