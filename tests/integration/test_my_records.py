"""My records: what I recorded or entered, with its review; and moving my record's dataset, place and time."""

from __future__ import annotations

from sqlalchemy import text

from fieldapp.datasets.models import DatasetRecorder
from tests.factories import feature
from tests.integration.test_accounts import PASSWORD, SCRIPT, csrf_token, login


def _create(client, account, dataset, **props) -> str:
    answer = client.post("/api/v1/observations", json=feature(dataset.slug, **props), headers=account.headers)
    assert answer.status_code == 201, answer.text
    return answer.json["id"]


def test_my_records_lists_mine_and_my_pseudonyms_with_their_review(client, make, dataset):
    me, other = make.account(name="Me"), make.account()
    pseudonym = client.post("/api/v1/contributors/pseudonyms", json={"display_name": "Curlew"}, headers=me.headers)
    mine = _create(client, me, dataset, subject_text=SCRIPT)
    masked = _create(client, me, dataset, subject_text="dogfish", contributor_id=pseudonym.json["id"])
    theirs = _create(client, other, dataset, subject_text="ormer")
    asked = client.post(
        f"/api/v1/observations/{mine}/annotations", json={"kind": "question", "body": "Sure?"}, headers=other.headers
    )
    assert asked.status_code == 201
    page = client.get("/account/records", headers=me.headers)
    assert page.status_code == 200
    assert mine in page.text and masked in page.text and theirs not in page.text
    assert SCRIPT not in page.text and "&lt;script&gt;" in page.text
    assert "open question" in page.text and "on the server since" in page.text
    assert client.get("/account/records").status_code == 302


def test_the_recorder_moves_their_record_in_dataset_place_and_time(client, make, db, dataset):
    me = make.account(password=PASSWORD)
    oid = _create(client, me, dataset)
    closed = make.dataset(make.account(role="steward"), recording="invited", title="Closed")
    assert login(client, me.user.email, PASSWORD).status_code == 302
    path = f"/observations/{oid}/edit"
    form = client.get(path).text
    assert 'name="latitude"' in form and 'name="dataset"' in form and closed.slug not in form
    base = {
        "csrf_token": csrf_token(client, path),
        "subject_text": "spider crab",
        "occurrence_status": "present",
        "visibility": "public",
        "licence": "CC-BY-4.0",
        "dataset": dataset.slug,
        "observed_start": "2024-05-01T10:00",
        "latitude": "49.1900",
        "longitude": "-2.1600",
    }
    refused = client.post(path, data=base | {"dataset": closed.slug})
    assert refused.status_code == 403 and "only people its stewards chose" in refused.text
    bad = client.post(path, data=base | {"latitude": "north"})
    assert bad.status_code == 422 and 'data-error-for="geometry"' in bad.text
    db.add(DatasetRecorder(dataset_id=closed.id, user_id=me.user.id))
    db.commit()
    moved = client.post(path, data=base | {"dataset": closed.slug})
    assert moved.status_code == 302, moved.text
    row = db.execute(
        text(
            "SELECT d.slug, o.observed_start::date AS day, round(ST_Y(o.geom)::numeric, 4) AS lat"
            " FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE o.id = :id"
        ),
        {"id": oid},
    ).one()
    assert (row.slug, str(row.day), float(row.lat)) == (closed.slug, "2024-05-01", 49.19)
    changes = db.execute(text("SELECT count(*) FROM observation_history WHERE observation_id = :id"), {"id": oid})
    assert changes.scalar() >= 2


def test_nobody_else_edits_my_record(client, make, dataset):
    me, other = make.account(), make.account()
    oid = _create(client, me, dataset)
    assert client.get(f"/observations/{oid}/edit", headers=other.headers).status_code == 403


# --- My records by API (issue 13) ------------------------------------------------------------------


def test_my_records_api_lists_only_mine_with_review_state_paged_by_cursor(client, make, dataset):
    me, other = make.account(name="Me"), make.account()
    pseudonym = client.post("/api/v1/contributors/pseudonyms", json={"display_name": "Curlew"}, headers=me.headers)
    first = _create(client, me, dataset, subject_text="limpet")
    masked = _create(client, me, dataset, subject_text="dogfish", contributor_id=pseudonym.json["id"])
    newest = _create(client, me, dataset, subject_text="ormer")
    theirs = _create(client, other, dataset, subject_text="bass")
    asked = client.post(
        f"/api/v1/observations/{first}/annotations", json={"kind": "question", "body": "Sure?"}, headers=other.headers
    )
    assert asked.status_code == 201
    whole = client.get("/api/v1/me/records", headers=me.headers)
    assert whole.status_code == 200, whole.text
    records = whole.json["records"]
    assert [r["id"] for r in records] == [newest, masked, first]
    by_id = {r["id"]: r for r in records}
    assert by_id[first]["open_questions"] is True and by_id[first]["tally"] == {"question": 1}
    assert by_id[newest]["open_questions"] is False and by_id[newest]["created_at"]
    assert by_id[masked]["credited"] == "Curlew" and by_id[masked]["entered"] is True
    assert [link["rel"] for link in whole.json["links"]] == ["self"]
    # Paged: two, then the rest by the 'next' link.
    page = client.get("/api/v1/me/records?limit=2", headers=me.headers).json
    assert [r["id"] for r in page["records"]] == [newest, masked]
    following = next(link["href"] for link in page["links"] if link["rel"] == "next")
    rest = client.get(following, headers=me.headers).json
    assert [r["id"] for r in rest["records"]] == [first]
    assert [link["rel"] for link in rest["links"]] == ["self"]
    # Another person never sees mine, nor I theirs.
    their_list = client.get("/api/v1/me/records", headers=other.headers).json["records"]
    assert [r["id"] for r in their_list] == [theirs]


def test_my_records_api_needs_a_token_and_names_bad_arguments(client, make):
    assert client.get("/api/v1/me/records").status_code == 401
    me = make.account()
    for query, name in (("limit=0", "limit"), ("limit=many", "limit"), ("cursor=%25%25", "cursor"), ("x=1", "x")):
        answer = client.get(f"/api/v1/me/records?{query}", headers=me.headers)
        assert answer.status_code == 400 and name in answer.text, (query, answer.text)
