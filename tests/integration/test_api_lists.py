"""Lists of observations (JSON API and OGC items): lean features, the datasets lookup and a bounded numberMatched."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import text

from fieldapp.db import Database, in_autocommit, read_in_autocommit
from fieldapp.observations.columns import DATASET_PROPERTIES, PROPERTY_NAMES
from fieldapp.observations.queries import Counting, count_matches
from tests.factories import feature

URL = "/api/v1/observations"


def listing(client, headers=None, **params) -> dict:
    response = client.get(URL, query_string=params, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def insert_many(db, dataset, contributor_id: int, n: int) -> None:
    db.execute(
        text("""
        INSERT INTO observation (id, dataset_id, contributor_id, subject_text, occurrence_status,
                                 observed_start, time_precision, geom, visibility, attributes, licence)
        SELECT gen_random_uuid(), :dataset, :contributor, 'limpet', 'present',
               now() - make_interval(mins => g), 'instant',
               ST_SetSRID(ST_MakePoint(-2.2 + g * 1e-6, 49.2), 4326), 'public', '{}', 'CC-BY-4.0'
        FROM generate_series(1, :n) AS g
    """),
        {"dataset": dataset.id, "contributor": contributor_id, "n": n},
    )
    db.execute(text("ANALYZE observation"))  # the planner's estimate then knows these rows
    db.commit()


@pytest.fixture
def owner(make):
    return make.account(name="Anne Warden")


@pytest.fixture
def records(client, make, owner):
    """Records of two datasets: one with every optional property empty, one generalised with imported attributes."""
    first = make.dataset(owner, title="Shore walks", knowledge_kind="volunteer", licence="CC-BY-4.0")
    second = make.dataset(owner, title="Fishers' grounds", knowledge_kind="local", licence="CC-BY-NC-4.0")
    bodies = [
        feature(first.slug),
        feature(second.slug, count=4, notes="by the slipway", visibility="generalised", licence="CC0-1.0"),
        feature(first.slug, visibility="private", notes="a private note"),
    ]
    ids = []
    for body in bodies:
        created = client.post(URL, json=body, headers=owner.headers)
        assert created.status_code == 201, created.get_json()
        ids.append(created.get_json()["id"])
    return {"datasets": (first, second), "ids": ids}


def record_page_feature(client, oid: str, headers=None) -> dict:
    response = client.get(f"{URL}/{oid}", headers=headers or {})
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("who", ["anonymous", "owner", "staff"])
def test_a_listed_feature_is_the_record_without_its_nulls_and_its_dataset_text(client, make, owner, records, who):
    """Whoever asks, a listed feature holds exactly the record's non-null properties (as that viewer
    may see them, so the geoprivacy gate is the record's own) but for the dataset's title, kind and credit."""
    headers = {"anonymous": {}, "owner": owner.headers, "staff": make.account("staff").headers}[who]
    slugs = ",".join(d.slug for d in records["datasets"])
    body = listing(client, headers, dataset=slugs)
    assert {f["id"] for f in body["features"]} == set(records["ids"])
    for item in body["features"]:
        full = record_page_feature(client, item["id"], headers)
        assert item["geometry"] == full["geometry"]
        expected = {k: v for k, v in full["properties"].items() if v is not None and k not in DATASET_PROPERTIES}
        assert item["properties"] == expected
        assert None not in item["properties"].values()
        assert "notes" not in item["properties"] or item["properties"]["notes"]
    by_id = {f["id"]: f for f in body["features"]}
    plain = by_id[records["ids"][0]]["properties"]
    assert "count" not in plain and "notes" not in plain and "recorded_by" in plain
    if who == "anonymous":  # the generalised record's imported and precise fields stay hidden: absent
        assert "attributes" not in by_id[records["ids"][1]]["properties"]


def test_the_datasets_member_names_every_dataset_of_the_page_once(client, owner, records):
    first, second = records["datasets"]
    body = listing(client, owner.headers, dataset=f"{first.slug},{second.slug}")
    assert body["datasets"] == {
        first.slug: {"title": "Shore walks", "knowledge_kind": "volunteer", "licence": "CC-BY-4.0"},
        second.slug: {"title": "Fishers' grounds", "knowledge_kind": "local", "licence": "CC-BY-NC-4.0"},
    }
    for item in body["features"]:
        props = item["properties"]
        dataset = body["datasets"][props["dataset"]]
        full = record_page_feature(client, item["id"], owner.headers)["properties"]
        # Everything the record's feature said of its dataset can be had from the lookup.
        assert (dataset["title"], dataset["knowledge_kind"]) == (full["dataset_title"], full["knowledge_kind"])
        assert " · ".join([props["recorded_by"], dataset["title"], props["licence"]]) == full["attribution"]
    only_first = listing(client, owner.headers, dataset=first.slug)
    assert list(only_first["datasets"]) == [first.slug]
    assert listing(client, dataset="no-such-dataset")["datasets"] == {}


def test_properties_chooses_what_each_feature_carries(client, owner, records):
    chosen = "dataset,attribution,count,attributes"
    body = listing(client, owner.headers, dataset=records["datasets"][1].slug, properties=chosen)
    [item] = body["features"]
    assert item["properties"] == {
        "dataset": records["datasets"][1].slug,
        "attribution": "Anne Warden · Fishers' grounds · CC0-1.0",
        "count": 4,
        "attributes": {},
    }
    # Asking by name shows no more than the record's page would: hidden fields stay out.
    [anonymous] = listing(client, dataset=records["datasets"][1].slug, properties=chosen)["features"]
    assert "attributes" not in anonymous["properties"]
    refused = client.get(URL, query_string={"properties": "count,colour"})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["details"][0]["path"] == "properties"
    assert set(PROPERTY_NAMES) >= set(DATASET_PROPERTIES)


def test_number_matched_is_exact_when_cheap_and_flagged_when_estimated(client, app, db, owner, records, monkeypatch):
    first = records["datasets"][0]
    insert_many(db, first, owner.user.contributor_id, 30)
    cheap = listing(client, dataset=first.slug, limit="5")
    assert (cheap["numberMatched"], cheap["numberMatchedIsEstimate"]) == (32, False)
    # A deployment that allows no exact count but the free one gets the planner's estimate, flagged.
    settings = replace(app.extensions["fieldapp.settings"], count_exact_max=0)  # planner estimates are >= 1
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    estimated = listing(client, dataset=first.slug, limit="5")
    assert estimated["numberMatchedIsEstimate"] is True
    assert isinstance(estimated["numberMatched"], int) and estimated["numberMatched"] >= 0
    exact = listing(client, dataset=first.slug, limit="5", count="exact")
    assert (exact["numberMatched"], exact["numberMatchedIsEstimate"]) == (32, False)
    # A first page that holds every match is its own exact count.
    whole = listing(client, dataset=first.slug, limit="100")
    assert (whole["numberMatched"], whole["numberMatchedIsEstimate"]) == (32, False)
    assert client.get(URL, query_string={"count": "roughly"}).status_code == 400


def test_a_count_that_runs_out_of_time_gives_the_estimate_and_leaves_the_session_as_it_was(db, owner, records):
    before = db.execute(text("SHOW statement_timeout")).scalar()
    slow = "pg_sleep(0.02) IS NOT NULL"  # every row costs 20 ms: the count cannot finish within 5 ms
    matched, estimated = count_matches(db, slow, {}, Counting("auto", exact_max=100_000, timeout_ms=5))
    assert estimated is True and matched >= 0
    assert db.execute(text("SHOW statement_timeout")).scalar() == before
    assert db.execute(text("SELECT count(*) FROM observation")).scalar() == 3  # the transaction is usable
    assert count_matches(db, "true", {}, Counting("exact")) == (3, False)


def test_the_document_describes_counts_and_properties(client):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p for p in document["paths"]["/observations"]["get"]["parameters"]}
    assert parameters["count"]["schema"]["enum"] == ["auto", "exact"]
    assert "estimate" in parameters["count"]["description"]
    assert set(parameters["properties"]["schema"]["items"]["enum"]) == set(PROPERTY_NAMES)
    collection = document["components"]["schemas"]["FeatureCollection"]
    assert "numberMatchedIsEstimate" in collection["required"] and "datasets" in collection["required"]
    assert "count=exact" in collection["properties"]["numberMatched"]["description"]
    ogc = client.get("/ogc/api").get_json()
    items = {p["name"]: p for p in ogc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]}
    assert items["count"]["schema"]["enum"] == ["auto", "exact"]
    assert "numberMatchedEstimate" in items["count"]["description"]
    assert "properties" in items


# --- OGC items ------------------------------------------------------------------------------------------------


def test_ogc_items_keep_every_property_but_nulls_and_omit_an_estimated_count(
    client, app, db, owner, records, monkeypatch
):
    first = records["datasets"][0]
    body = client.get(f"/ogc/collections/{first.slug}/items", headers=owner.headers).get_json()
    assert body["numberMatched"] == 2 and "numberMatchedEstimate" not in body
    for item in body["features"]:
        full = record_page_feature(client, item["id"], owner.headers)["properties"]
        # GIS clients read feature properties only: the dataset's text stays on each feature here.
        assert item["properties"] == {k: v for k, v in full.items() if v is not None}
        assert item["properties"]["attribution"].endswith(" · Shore walks · CC-BY-4.0")
    assert body["datasets"][first.slug]["title"] == "Shore walks"
    insert_many(db, first, owner.user.contributor_id, 30)
    settings = replace(app.extensions["fieldapp.settings"], count_exact_max=0)  # planner estimates are >= 1
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    estimated = client.get(f"/ogc/collections/{first.slug}/items?limit=5").get_json()
    assert "numberMatched" not in estimated, "OGC API Features: numberMatched, when given, is exact"
    assert isinstance(estimated["numberMatchedEstimate"], int)
    exact = client.get(f"/ogc/collections/{first.slug}/items?limit=5&count=exact").get_json()
    assert exact["numberMatched"] == 32 and "numberMatchedEstimate" not in exact
    lean = client.get(f"/ogc/collections/{first.slug}/items?limit=1&properties=subject_text").get_json()
    assert lean["features"][0]["properties"] == {"subject_text": "spider crab"}  # the first record, by seq
    assert client.get(f"/ogc/collections/{first.slug}/items?properties=colour").status_code == 400
    assert client.get(f"/ogc/collections/{first.slug}/items?count=roughly").status_code == 400


# --- what lists do not change: the record's own feature and exports keep every property -------------------------


def test_record_pages_and_exports_keep_every_property_with_their_nulls(client, owner, records):
    first = records["datasets"][0]
    full = record_page_feature(client, records["ids"][0], owner.headers)["properties"]
    assert list(full) == list(PROPERTY_NAMES) and full["count"] is None
    export = client.get(f"/api/v1/datasets/{first.slug}/export?format=geojson", headers=owner.headers)
    assert export.status_code == 200
    exported = json.loads(export.get_data(as_text=True))
    for item in exported["features"]:
        assert set(PROPERTY_NAMES) <= set(item["properties"]), "an export keeps every column"
    assert any(item["properties"]["count"] is None for item in exported["features"])


def test_lists_read_in_autocommit_and_a_count_out_of_time_there_restores_the_timeout(settings, migrated):
    """Served for real (no outer test transaction), a list's statements run in autocommit; the bounded
    count then sets the connection's own timeout and puts it back, and the pool gets a transactional
    connection back."""
    database = Database(settings)
    try:
        with database.sessionmaker() as session:
            read_in_autocommit(session)
            assert in_autocommit(session)
            before = session.execute(text("SHOW statement_timeout")).scalar()
            first, second = (session.execute(text("SELECT clock_timestamp(), now()")).one() for _ in range(2))
            assert first[1] != second[1], "each statement is its own transaction"
            slow = "(SELECT pg_sleep(0.2)) IS NOT NULL"  # evaluated once, before any row: 200 ms
            assert count_matches(session, slow, {}, Counting("auto", exact_max=100_000, timeout_ms=5))[1] is True
            assert session.execute(text("SHOW statement_timeout")).scalar() == before
            total = session.execute(text("SELECT count(*) FROM observation")).scalar()
            assert count_matches(session, "true", {}, Counting("auto", exact_max=100_000, timeout_ms=5000)) == (
                total,
                False,
            )
        with database.sessionmaker() as session:
            session.execute(text("SELECT 1"))
            assert not in_autocommit(session)
            assert session.connection().connection.dbapi_connection.autocommit is False
    finally:
        database.engine.dispose()
