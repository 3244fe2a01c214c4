"""GET/POST/PATCH/DELETE /api/v1/observations: GeoJSON lists, filters, paging, creation and permissions."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from fieldapp.observations.models import Observation
from fieldapp.subjects.models import Subject, SubjectName
from tests.factories import JERSEY_POINT, feature

URL = "/api/v1/observations"


def post(client, account, body):
    return client.post(URL, json=body, headers=account.headers)


def listing(client, headers=None, **params):
    response = client.get(URL, query_string=params, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids_of(collection) -> list[str]:
    return [f["id"] for f in collection["features"]]


def insert_many(db, dataset, contributor_id: int, n: int, subject_text: str = "limpet") -> None:
    """Insert n public points straight in SQL (the triggers still run), for paging and limits."""
    db.execute(
        text("""
        INSERT INTO observation (id, dataset_id, contributor_id, subject_text, occurrence_status,
                                 observed_start, time_precision, geom, visibility, attributes, licence)
        SELECT gen_random_uuid(), :dataset, :contributor, :subject, 'present',
               now() - make_interval(mins => g), 'instant',
               ST_SetSRID(ST_MakePoint(-2.2 + g * 1e-6, 49.2), 4326), 'public', '{}', 'CC-BY-4.0'
        FROM generate_series(1, :n) AS g
    """),
        {"dataset": dataset.id, "contributor": contributor_id, "subject": subject_text, "n": n},
    )
    db.commit()


def credit_line(collection, item) -> str:
    """A listed feature's credit line, as a client builds it from the collection's datasets member."""
    props = item["properties"]
    return " · ".join([props["recorded_by"], collection["datasets"][props["dataset"]]["title"], props["licence"]])


def seq_order(db, ids) -> list[str]:
    """The given ids in storage (insertion) order."""
    rows = db.execute(
        text("SELECT id::text FROM observation WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY seq"), {"ids": list(ids)}
    )
    return [r[0] for r in rows]


@pytest.fixture
def warden(make):
    return make.account(name="Anne Warden")


@pytest.fixture
def dataset(make, warden):
    return make.dataset(warden, title="Wardens' sightings", knowledge_kind="volunteer", licence="CC-BY-4.0")


# --- GET: the FeatureCollection -------------------------------------------------------------


def test_list_is_a_geojson_feature_collection_with_attribution(client, warden, dataset):
    created = post(client, warden, feature(dataset.slug, count=3))
    assert created.status_code == 201
    response = client.get(URL, query_string={"dataset": dataset.slug})
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 1 and body["numberReturned"] == 1
    rels = {link["rel"]: link for link in body["links"]}
    assert "self" in rels and "next" not in rels
    assert rels["self"]["type"] == "application/geo+json"
    assert f"dataset={dataset.slug}" in rels["self"]["href"]
    [item] = body["features"]
    assert item["type"] == "Feature"
    assert item["geometry"] == {"type": "Point", "coordinates": list(JERSEY_POINT)}
    props = item["properties"]
    assert props["recorded_by"] == "Anne Warden"
    assert props["dataset"] == dataset.slug
    assert props["licence"] == "CC-BY-4.0"
    assert props["count"] == 3
    # The dataset's title, kind and licence come once, in the collection's datasets member.
    assert body["datasets"] == {
        dataset.slug: {"title": "Wardens' sightings", "knowledge_kind": "volunteer", "licence": "CC-BY-4.0"}
    }
    assert credit_line(body, item) == "Anne Warden · Wardens' sightings · CC-BY-4.0"


def test_attribution_falls_back_to_names_as_imported_and_licence_of_the_record(client, db, make, warden, dataset):
    fisher_group = make.group("Gorey Fishers", members=[warden])
    local = make.dataset(fisher_group, title="Fishers' grounds", knowledge_kind="local", licence="CC-BY-NC-4.0")
    body = feature(local.slug, contributor_id=fisher_group.id, licence="CC0-1.0")
    assert post(client, warden, body).status_code == 201
    # Asked for by name, the credit line and the kind come on the feature itself; by default, from datasets.
    chosen = {"properties": "recorded_by,knowledge_kind,attribution,licence,dataset"}
    body = listing(client, dataset=local.slug, **chosen)
    [item] = body["features"]
    assert item["properties"]["recorded_by"] == "Gorey Fishers"
    assert item["properties"]["knowledge_kind"] == "local"
    assert item["properties"]["attribution"] == "Gorey Fishers · Fishers' grounds · CC0-1.0"
    assert credit_line(body, item) == item["properties"]["attribution"]
    db.execute(
        text("UPDATE observation SET contributor_id = NULL, recorded_by_text = 'J. Le Sueur (1898)' WHERE id = :id"),
        {"id": item["id"]},
    )
    db.commit()
    body = listing(client, dataset=local.slug, **chosen)
    [item] = body["features"]
    assert item["properties"]["recorded_by"] == "J. Le Sueur (1898)"
    assert item["properties"]["attribution"].startswith("J. Le Sueur (1898) · Fishers' grounds")
    assert credit_line(body, item) == item["properties"]["attribution"]


# --- GET: filters ----------------------------------------------------------------------------


def test_bbox_filter(client, warden, dataset):
    inside = post(client, warden, feature(dataset.slug, {"type": "Point", "coordinates": [-2.10, 49.20]}))
    outside = post(client, warden, feature(dataset.slug, {"type": "Point", "coordinates": [-2.02, 49.25]}))
    line = post(
        client, warden, feature(dataset.slug, {"type": "LineString", "coordinates": [[-2.20, 49.17], [-2.11, 49.17]]})
    )
    found = listing(client, dataset=dataset.slug, bbox="-2.12,49.15,-2.05,49.21")
    assert sorted(ids_of(found)) == sorted([inside.get_json()["id"], line.get_json()["id"]])
    assert outside.get_json()["id"] not in ids_of(found)
    assert found["numberMatched"] == 2


def test_bad_bbox_answers_400(client):
    response = client.get(URL, query_string={"bbox": "-2.1,49.3,-2.0,49.2"})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "bbox"


@pytest.fixture
def dated(client, warden, dataset):
    """Three records: one in 2020, one over June 2021, one in 2023."""
    bodies = {
        "2020": feature(dataset.slug, observed_start="2020-01-01T10:00:00Z"),
        "june2021": feature(
            dataset.slug, observed_start="2021-06-01", observed_end="2021-06-30", time_precision="month"
        ),
        "2023": feature(dataset.slug, observed_start="2023-03-03T08:30:00Z"),
    }
    return {name: post(client, warden, body).get_json()["id"] for name, body in bodies.items()}


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("2021-06-15T12:00:00Z", ["june2021"]),
        ("2020-01-01T10:00:00Z", ["2020"]),
        ("2019-01-01/2020-12-31", ["2020"]),
        ("2021-06-20/2022-01-01", ["june2021"]),
        ("2019-01-01T00:00:00Z/2023-12-31T00:00:00Z", ["2020", "june2021", "2023"]),
        ("../2020-06-01", ["2020"]),
        ("../2021-06-10", ["2020", "june2021"]),
        ("2022-01-01/..", ["2023"]),
        ("2021-06-29T12:00:00Z/..", ["june2021", "2023"]),
        ("2021-06-30T12:00:00Z/..", ["2023"]),
        ("2024-01-01/..", []),
    ],
)
def test_datetime_filter(client, dataset, dated, window, expected):
    found = listing(client, dataset=dataset.slug, datetime=window)
    assert sorted(ids_of(found)) == sorted(dated[name] for name in expected)
    assert found["numberMatched"] == len(expected)


def test_datetime_interval_ending_before_it_starts_answers_400(client):
    assert client.get(URL, query_string={"datetime": "2022-01-01/2021-01-01"}).status_code == 400


def test_dataset_and_kind_filters(client, make, warden, dataset):
    scientific = make.dataset(warden, knowledge_kind="scientific")
    historical = make.dataset(warden, knowledge_kind="historical")
    ids = {d.slug: post(client, warden, feature(d.slug)).get_json()["id"] for d in (dataset, scientific, historical)}
    mine = f"{dataset.slug},{scientific.slug},{historical.slug}"
    assert ids_of(listing(client, dataset=scientific.slug)) == [ids[scientific.slug]]
    assert sorted(ids_of(listing(client, dataset=f"{dataset.slug},{historical.slug}"))) == sorted(
        [ids[dataset.slug], ids[historical.slug]]
    )
    assert ids_of(listing(client, dataset=mine, kind="historical")) == [ids[historical.slug]]
    assert sorted(ids_of(listing(client, dataset=mine, kind="volunteer,scientific"))) == sorted(
        [ids[dataset.slug], ids[scientific.slug]]
    )
    assert listing(client, dataset=mine, kind="local")["numberMatched"] == 0
    assert client.get(URL, query_string={"kind": "expert"}).status_code == 400


def test_subject_filter_matches_words_scientific_name_and_names_in_other_languages(client, db, warden, dataset):
    crab = Subject(kind="taxon", scientific_name="Maja brachydactyla", aphia_id=107334)
    crab.names = [SubjectName(name="spider crab", language="en"), SubjectName(name="araignée de mer", language="fr")]
    lobster = Subject(kind="taxon", scientific_name="Homarus gammarus")
    db.add_all([crab, lobster])
    db.commit()
    linked = post(client, warden, feature(dataset.slug, subject_id=crab.id, subject_text=None)).get_json()["id"]
    words = post(client, warden, feature(dataset.slug, subject_text="Ormer")).get_json()["id"]
    other = post(client, warden, feature(dataset.slug, subject_id=lobster.id)).get_json()["id"]

    def matching(subject):
        return ids_of(listing(client, dataset=dataset.slug, subject=subject))

    assert matching("Maja brachydactyla") == [linked]
    assert matching("maja BRACHYDACTYLA") == [linked]
    assert matching("araignée de mer") == [linked]
    assert matching("ormer") == [words]
    assert matching("Homarus gammarus") == [other]
    assert matching("sea bass") == []


# --- GET: limit and paging -------------------------------------------------------------------


def test_limit_defaults_to_100(client, db, warden, dataset):
    insert_many(db, dataset, warden.user.contributor_id, 101)
    page = listing(client, dataset=dataset.slug)
    assert page["numberMatched"] == 101
    assert page["numberReturned"] == 100 == len(page["features"])
    next_link = next(link for link in page["links"] if link["rel"] == "next")
    assert parse_qs(urlsplit(next_link["href"]).query)["limit"] == ["100"]


def test_limit_is_clamped_to_10000(client, db, warden, dataset):
    insert_many(db, dataset, warden.user.contributor_id, 10_001)
    # count=exact: by default a count of 10,001 may run out of its time on a busy machine and be estimated.
    page = listing(client, dataset=dataset.slug, limit="50000", count="exact")
    assert page["numberMatched"] == 10_001 and page["numberMatchedIsEstimate"] is False
    assert page["numberReturned"] == 10_000 == len(page["features"])
    next_link = next(link for link in page["links"] if link["rel"] == "next")
    assert parse_qs(urlsplit(next_link["href"]).query)["limit"] == ["10000"]
    rest = client.get(next_link["href"]).get_json()
    assert rest["numberReturned"] == 1
    assert not set(ids_of(rest)) & set(ids_of(page))


@pytest.mark.parametrize("limit", ["0", "-5", "ten"])
def test_bad_limit_answers_400(client, limit):
    assert client.get(URL, query_string={"limit": limit}).status_code == 400


def test_forged_cursor_and_unknown_parameter_answer_400(client):
    assert client.get(URL, query_string={"cursor": "not-a-cursor"}).status_code == 400
    assert client.get(URL, query_string={"colour": "red"}).status_code == 400


def walk(client, first_url, between_pages=None) -> list[str]:
    """Follow next links to the end; call between_pages(page_number) after each page."""
    seen, url, pages = [], first_url, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_json()
        assert body["numberReturned"] == len(body["features"])
        seen.extend(ids_of(body))
        pages += 1
        if between_pages:
            between_pages(pages)
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        assert pages < 100, "paging does not end"
    return seen


def test_cursor_paging_returns_every_feature_once_in_a_stable_order(client, db, warden, dataset):
    insert_many(db, dataset, warden.user.contributor_id, 23)
    first = f"{URL}?dataset={dataset.slug}&limit=5"
    seen = walk(client, first)
    assert len(seen) == 23 == len(set(seen))
    assert seen == seq_order(db, seen)
    assert walk(client, first) == seen


def test_cursor_paging_is_stable_when_records_arrive_between_pages(client, db, warden, dataset):
    insert_many(db, dataset, warden.user.contributor_id, 12)
    before = ids_of(listing(client, dataset=dataset.slug, limit="100"))
    arrived: list[str] = []

    def add_records(page_number):
        if page_number in (1, 2):
            for _ in range(2):
                arrived.append(post(client, warden, feature(dataset.slug)).get_json()["id"])

    seen = walk(client, f"{URL}?dataset={dataset.slug}&limit=5", add_records)
    assert len(seen) == len(set(seen)), "a feature was returned twice"
    assert set(seen) == set(before) | set(arrived)
    assert seen[:12] == before
    assert seen == seq_order(db, seen)


# --- POST ------------------------------------------------------------------------------------


def test_post_single_answers_201_with_location_and_the_stored_feature(client, db, warden, dataset):
    oid = str(uuid.uuid4())
    body = feature(
        dataset.slug,
        feature_id=oid,
        count=4,
        confidence="probable",
        notes="under the pier",
        observed_start="2024-05-01T09:15:00Z",
    )
    response = post(client, warden, body)
    assert response.status_code == 201
    assert response.mimetype == "application/geo+json"
    assert response.headers["Location"].endswith(f"{URL}/{oid}")
    created = response.get_json()
    assert created["id"] == oid
    assert created["properties"]["count"] == 4
    assert created["properties"]["confidence"] == "probable"
    assert created["properties"]["visibility"] == "public"
    stored = client.get(response.headers["Location"])
    assert stored.status_code == 200
    assert stored.get_json() == created
    row = db.get(Observation, uuid.UUID(oid))
    assert row.notes == "under the pier" and row.entered_by == warden.user.id


def test_post_without_id_gets_a_server_generated_uuid(client, warden, dataset):
    response = post(client, warden, feature(dataset.slug))
    assert response.status_code == 201
    oid = response.get_json()["id"]
    assert str(uuid.UUID(oid)) == oid
    assert response.headers["Location"].endswith(oid)


def test_post_needs_an_account(client, dataset):
    response = client.post(URL, json=feature(dataset.slug))
    assert response.status_code == 401
    assert response.get_json()["error"]["message"]


def test_post_batch_answers_201_with_a_result_per_id(client, db, warden, dataset):
    ids = [str(uuid.uuid4()) for _ in range(3)]
    batch = {
        "type": "FeatureCollection",
        "features": [feature(dataset.slug, feature_id=oid, count=n) for n, oid in enumerate(ids)],
    }
    response = post(client, warden, batch)
    assert response.status_code == 201
    body = response.get_json()
    assert body["created"] == 3 and body["existing"] == 0
    assert body["results"] == [{"id": oid, "status": "created"} for oid in ids]
    stored = db.execute(
        text("SELECT id::text, count FROM observation WHERE dataset_id = :d ORDER BY count"), {"d": dataset.id}
    ).all()
    assert [tuple(r) for r in stored] == [(oid, n) for n, oid in enumerate(ids)]


def test_batch_retry_with_one_new_feature(client, warden, dataset):
    old = [feature(dataset.slug, feature_id=str(uuid.uuid4())) for _ in range(2)]
    assert post(client, warden, {"type": "FeatureCollection", "features": old}).status_code == 201
    new = feature(dataset.slug, feature_id=str(uuid.uuid4()))
    response = post(client, warden, {"type": "FeatureCollection", "features": [*old, new]})
    assert response.status_code == 201
    assert [r["status"] for r in response.get_json()["results"]] == ["existing", "existing", "created"]
    assert listing(client, dataset=dataset.slug)["numberMatched"] == 3


def test_batch_with_a_bad_feature_writes_nothing_and_names_it(client, warden, dataset):
    batch = {
        "type": "FeatureCollection",
        "features": [feature(dataset.slug), feature(dataset.slug, count=-1), feature(dataset.slug)],
    }
    response = post(client, warden, batch)
    assert response.status_code == 422
    paths = [d["path"] for d in response.get_json()["error"]["details"]]
    assert paths == ["features.1.properties.count"]
    assert listing(client, dataset=dataset.slug)["numberMatched"] == 0


# --- PATCH and DELETE ------------------------------------------------------------------------


@pytest.fixture
def record(client, warden, dataset):
    body = feature(dataset.slug, count=2, notes="first note", confidence="possible")
    return post(client, warden, body).get_json()["id"]


def test_patch_changes_only_the_given_fields(client, warden, record):
    before = client.get(f"{URL}/{record}").get_json()
    response = client.patch(f"{URL}/{record}", json={"properties": {"count": 7}}, headers=warden.headers)
    assert response.status_code == 200, response.get_json()
    after = response.get_json()
    assert after["properties"]["count"] == 7
    assert after["geometry"] == before["geometry"]
    changed = {k for k in before["properties"] if before["properties"][k] != after["properties"][k]}
    # updated_at is now(), the transaction's start, which the test's outer transaction freezes.
    assert changed - {"updated_at"} == {"count"}
    assert client.get(f"{URL}/{record}").get_json() == after


def test_patch_geometry_only(client, warden, record):
    line = {"type": "LineString", "coordinates": [[-2.15, 49.18], [-2.14, 49.181]]}
    response = client.patch(f"{URL}/{record}", json={"geometry": line}, headers=warden.headers)
    assert response.status_code == 200
    assert response.get_json()["geometry"] == line
    assert response.get_json()["properties"]["notes"] == "first note"


def test_patch_rejects_bad_values_and_keeps_the_record(client, warden, record):
    response = client.patch(f"{URL}/{record}", json={"properties": {"count": -3}}, headers=warden.headers)
    assert response.status_code == 422
    assert client.get(f"{URL}/{record}").get_json()["properties"]["count"] == 2


def _steward_through_group(make):
    steward = make.account()
    group = make.group("North Coast Survey Team", members=[steward])
    return steward, group


@pytest.mark.parametrize("who", ["contributor", "steward", "group_steward", "staff", "admin"])
def test_who_may_change_and_delete(client, make, warden, who):
    if who == "group_steward":
        actor, group = _steward_through_group(make)
        dataset = make.dataset(group)
    else:
        actor = {"contributor": warden, "steward": None}.get(who) or make.account(
            role="staff" if who == "staff" else "admin" if who == "admin" else "steward"
        )
        dataset = make.dataset(actor if who == "steward" else make.account(role="steward"))
    oid = post(client, warden, feature(dataset.slug, count=1)).get_json()["id"]
    patched = client.patch(f"{URL}/{oid}", json={"properties": {"count": 9}}, headers=actor.headers)
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["properties"]["count"] == 9
    deleted = client.delete(f"{URL}/{oid}", headers=actor.headers)
    assert deleted.status_code == 204
    assert deleted.data == b""
    assert client.get(f"{URL}/{oid}").status_code == 404
    assert client.get(f"{URL}/{oid}", headers=actor.headers).status_code == 404


def test_another_member_gets_403(client, make, warden, record):
    other = make.account()
    steward_elsewhere = make.account(role="steward")
    make.dataset(steward_elsewhere)
    for account in (other, steward_elsewhere):
        patch = client.patch(f"{URL}/{record}", json={"properties": {"count": 9}}, headers=account.headers)
        assert patch.status_code == 403
        assert client.delete(f"{URL}/{record}", headers=account.headers).status_code == 403
    assert client.get(f"{URL}/{record}").get_json()["properties"]["count"] == 2


def test_anonymous_gets_401(client, record):
    assert client.patch(f"{URL}/{record}", json={"properties": {"count": 9}}).status_code == 401
    assert client.delete(f"{URL}/{record}").status_code == 401
    assert client.get(f"{URL}/{record}").get_json()["properties"]["count"] == 2


@pytest.mark.parametrize("missing", [str(uuid.uuid4()), "not-a-uuid"])
def test_unknown_id_gets_404(client, warden, missing):
    assert client.get(f"{URL}/{missing}").status_code == 404
    assert (
        client.patch(f"{URL}/{missing}", json={"properties": {"count": 1}}, headers=warden.headers).status_code == 404
    )
    response = client.delete(f"{URL}/{missing}", headers=warden.headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["message"]


def test_the_page_sizes_and_the_batch_size_come_from_settings(client, app, db, warden, dataset, monkeypatch):
    """Deployment limits (FIELDAPP_API_*): what the API applies, and what its OpenAPI document states."""
    from dataclasses import replace

    settings = replace(app.extensions["fieldapp.settings"], api_page_size=2, api_page_max=3, api_batch_max=2)
    monkeypatch.setitem(app.extensions, "fieldapp.settings", settings)
    insert_many(db, dataset, warden.user.contributor_id, 5)
    assert listing(client, dataset=dataset.slug)["numberReturned"] == 2
    assert listing(client, dataset=dataset.slug, limit="50")["numberReturned"] == 3
    batch = {"type": "FeatureCollection", "features": [feature(dataset.slug) for _ in range(3)]}
    refused = post(client, warden, batch)
    assert refused.status_code == 422 and "at most 2 features" in refused.get_json()["error"]["message"]
    document = client.get("/api/v1/openapi.json").get_json()
    [limit] = [p for p in document["paths"]["/observations"]["get"]["parameters"] if p["name"] == "limit"]
    assert (limit["schema"]["default"], limit["schema"]["maximum"]) == (2, 3)
    assert document["components"]["schemas"]["FeatureCollectionInput"]["properties"]["features"]["maxItems"] == 2
