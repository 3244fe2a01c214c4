"""Two-way review: anyone signed in annotates any record of any kind; corrections go through history."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.factories import feature


@pytest.fixture
def records(client, make):
    """A scientist's survey polygon and a fisher's sighting, each in its own dataset."""
    scientist, fisher = make.account(name="Dr Survey"), make.account(name="Fisher Jo")
    survey = make.dataset(scientist, knowledge_kind="scientific", title="Seagrass survey")
    local = make.dataset(fisher, knowledge_kind="local", title="Fishers' knowledge")
    polygon = {
        "type": "Polygon",
        "coordinates": [[[-2.16, 49.18], [-2.15, 49.18], [-2.15, 49.19], [-2.16, 49.19], [-2.16, 49.18]]],
    }
    ids = {}
    for name, account, dataset, geometry, props in (
        ("polygon", scientist, survey, polygon, {"subject_text": "eelgrass bed"}),
        ("sighting", fisher, local, None, {"subject_text": "spider crab", "count": 40}),
    ):
        response = client.post(
            "/api/v1/observations", json=feature(dataset.slug, geometry, **props), headers=account.headers
        )
        assert response.status_code == 201
        ids[name] = response.get_json()["id"]
    return {"scientist": scientist, "fisher": fisher, **ids}


def annotate(client, account, observation_id, **body):
    return client.post(f"/api/v1/observations/{observation_id}/annotations", json=body, headers=account.headers)


def test_a_fisher_questions_a_survey_polygon_as_a_scientist_questions_a_sighting(client, records):
    one = annotate(
        client,
        records["fisher"],
        records["polygon"],
        kind="question",
        body="The bed ends at the slipway, not the harbour wall.",
    )
    other = annotate(
        client, records["scientist"], records["sighting"], kind="question", body="Forty seems a lot for March."
    )
    assert one.status_code == other.status_code == 201
    listed = client.get(f"/api/v1/observations/{records['polygon']}/annotations").get_json()["annotations"]
    assert [(a["kind"], a["author"]["display_name"], a["status"]) for a in listed] == [
        ("question", "Fisher Jo", "open")
    ]


def test_tally_counts_people_per_kind(client, make, records):
    for _ in range(3):
        assert annotate(client, make.account(), records["sighting"], kind="corroborate").status_code == 201
    assert (
        annotate(client, records["scientist"], records["sighting"], kind="question", body="Which month?").status_code
        == 201
    )
    annotations = client.get(f"/api/v1/observations/{records['sighting']}/annotations").get_json()["annotations"]
    assert [a["kind"] for a in annotations] == ["corroborate"] * 3 + ["question"]


def test_accepting_a_correction_changes_the_record_through_history_and_credits_both(client, db, records):
    proposed = annotate(
        client,
        records["scientist"],
        records["sighting"],
        kind="correction",
        field="quantity",
        proposed_value={"count": 14},
        body="I counted 14 on the same tide.",
    )
    assert proposed.status_code == 201
    annotation_id = proposed.get_json()["id"]
    # Only the record's contributor (or its stewards, staff) may accept.
    url = f"/api/v1/observations/{records['sighting']}/annotations/{annotation_id}/response"
    assert client.post(url, json={"action": "accept"}, headers=records["scientist"].headers).status_code == 403
    accepted = client.post(
        url, json={"action": "accept", "response": "Fair, thanks."}, headers=records["fisher"].headers
    )
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "accepted"
    record = client.get(f"/api/v1/observations/{records['sighting']}").get_json()
    assert record["properties"]["count"] == 14
    history = db.execute(
        text(
            "SELECT h.actor_id, h.proposed_by, h.annotation_id, h.changes FROM observation_history h"
            " WHERE h.observation_id = :id AND h.action = 'update'"
        ),
        {"id": records["sighting"]},
    ).one()
    assert history.actor_id == records["fisher"].user.id
    assert history.proposed_by == records["scientist"].user.contributor_id
    assert history.annotation_id == annotation_id
    assert history.changes["count"] == {"from": 40, "to": 14}
    # The annotation stays, now accepted, with the answer.
    listed = client.get(f"/api/v1/observations/{records['sighting']}/annotations").get_json()["annotations"]
    assert listed[0]["status"] == "accepted"
    assert listed[0]["response"] == "Fair, thanks."
    assert client.post(url, json={"action": "accept"}, headers=records["fisher"].headers).status_code == 409


def test_answering_keeps_the_annotation_and_changes_nothing(client, records):
    asked = annotate(
        client,
        records["fisher"],
        records["polygon"],
        kind="correction",
        field="subject",
        proposed_value={"subject_text": "wrack"},
    )
    url = f"/api/v1/observations/{records['polygon']}/annotations/{asked.get_json()['id']}/response"
    answered = client.post(
        url,
        json={"action": "answer", "response": "Checked the photos: it is eelgrass."},
        headers=records["scientist"].headers,
    )
    assert answered.status_code == 200
    record = client.get(f"/api/v1/observations/{records['polygon']}").get_json()
    assert record["properties"]["subject_text"] == "eelgrass bed"
    listed = client.get(f"/api/v1/observations/{records['polygon']}/annotations").get_json()["annotations"]
    assert (listed[0]["status"], listed[0]["proposed_value"]) == ("answered", {"subject_text": "wrack"})


def test_private_records_are_annotated_and_read_only_by_those_who_see_them(client, make, records):
    owner = records["fisher"]
    dataset_slug = client.get(f"/api/v1/observations/{records['sighting']}").get_json()["properties"]["dataset"]
    private = client.post(
        "/api/v1/observations", json=feature(dataset_slug, visibility="private"), headers=owner.headers
    ).get_json()["id"]
    stranger = make.account()
    assert annotate(client, stranger, private, kind="corroborate").status_code == 403
    assert annotate(client, owner, private, kind="context", body="My own note.").status_code == 201
    assert client.get(f"/api/v1/observations/{private}/annotations", headers=stranger.headers).status_code == 403
    assert client.get(f"/api/v1/observations/{private}/annotations").status_code == 403
    mine = client.get(f"/api/v1/observations/{private}/annotations", headers=owner.headers)
    assert len(mine.get_json()["annotations"]) == 1


def test_a_proposed_place_is_withheld_from_others(client, make, records):
    place = {"type": "Point", "coordinates": [-2.1, 49.2]}
    assert (
        annotate(
            client,
            records["scientist"],
            records["sighting"],
            kind="correction",
            field="place",
            proposed_value={"geometry": place},
        ).status_code
        == 201
    )
    public = client.get(f"/api/v1/observations/{records['sighting']}/annotations").get_json()["annotations"]
    assert public[0]["proposed_value"] == {"withheld": True}
    owner_view = client.get(
        f"/api/v1/observations/{records['sighting']}/annotations", headers=records["fisher"].headers
    ).get_json()["annotations"]
    assert owner_view[0]["proposed_value"]["geometry"] == place


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"kind": "praise"}, "kind"),
        ({"kind": "question"}, "body"),
        ({"kind": "correction", "proposed_value": {"count": 3}}, "field"),
        ({"kind": "correction", "field": "quantity", "proposed_value": {"count": -3}}, "count"),
        ({"kind": "correction", "field": "quantity", "proposed_value": {"notes": "x"}}, "proposed_value"),
        (
            {
                "kind": "correction",
                "field": "place",
                "proposed_value": {"geometry": {"type": "Point", "coordinates": [200, 0]}},
            },
            "geometry",
        ),
        ({"kind": "context", "body": "x", "field": "date"}, "field"),
        ({"kind": "corroborate", "colour": "red"}, "colour"),
    ],
)
def test_bad_annotations_are_rejected_with_the_field(client, db, records, body, path):
    before = db.execute(text("SELECT count(*) FROM annotation")).scalar()
    response = annotate(client, records["fisher"], records["polygon"], **body)
    assert response.status_code == 422
    assert any(path in d["path"] for d in response.get_json()["error"]["details"])
    assert db.execute(text("SELECT count(*) FROM annotation")).scalar() == before


def test_anonymous_cannot_annotate(client, records):
    response = client.post(f"/api/v1/observations/{records['polygon']}/annotations", json={"kind": "corroborate"})
    assert response.status_code == 401


def test_features_carry_the_tally_and_the_list_filters_by_review_state(client, make, records):
    for _ in range(2):
        annotate(client, make.account(), records["sighting"], kind="corroborate")
    annotate(client, records["fisher"], records["polygon"], kind="question", body="Where does it end?")
    sighting = client.get(f"/api/v1/observations/{records['sighting']}").get_json()
    assert sighting["properties"]["annotations"] == {"corroborate": 2}

    def ids(review):
        body = client.get("/api/v1/observations", query_string={"review": review}).get_json()
        return {f["id"] for f in body["features"]}

    assert ids("open_questions") == {records["polygon"]}
    assert ids("corroborated") == {records["sighting"]}
    assert ids("open_questions,corroborated") == set()
    bad = client.get("/api/v1/observations", query_string={"review": "disputed"})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["details"][0]["path"] == "review"


def test_time_spent_is_recorded_and_returned(client, make):
    warden = make.account()
    dataset = make.dataset(warden)
    created = client.post("/api/v1/observations", json=feature(dataset.slug, time_spent_min=45), headers=warden.headers)
    assert created.status_code == 201
    assert created.get_json()["properties"]["time_spent_min"] == 45
    refused = client.post("/api/v1/observations", json=feature(dataset.slug, time_spent_min=-5), headers=warden.headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["path"] == "properties.time_spent_min"


def test_tally_sentence_uses_the_same_words_for_everyone():
    from fieldapp.annotations.queries import tally_sentence

    assert tally_sentence({}) == "No annotations yet."
    assert tally_sentence({"corroborate": 3, "question": 1}) == "Corroborated by 3 people, questioned by 1 person."


def test_a_private_records_page_shows_its_annotations_only_to_those_who_see_it(client, make, records):
    owner = records["fisher"]
    dataset_slug = client.get(f"/api/v1/observations/{records['sighting']}").get_json()["properties"]["dataset"]
    private = client.post(
        "/api/v1/observations", json=feature(dataset_slug, visibility="private"), headers=owner.headers
    ).get_json()["id"]
    note = "The nest is under the third groyne."
    assert annotate(client, owner, private, kind="context", body=note).status_code == 201
    for viewer in ({}, make.account().headers):
        page = client.get(f"/observations/{private}", headers=viewer)
        assert page.status_code == 200
        section = page.text.split('id="annotations"')[1].split("</section>")[0]
        assert note not in page.text and "Fisher Jo" not in section
        assert 'class="stack annotate"' not in page.text  # no form that could only be refused
    assert note in client.get(f"/observations/{private}", headers=owner.headers).text


def test_a_recorder_corroborating_their_own_record_is_not_counted(client, db, make, records):
    """Under their own name or a pseudonym of theirs: the tally, the review filter, the map's tiles
    and the participation figures leave it out; another person's corroboration counts."""
    from fieldapp.access import ANONYMOUS
    from fieldapp.maps import tiles
    from fieldapp.participation import queries as participation

    fisher, sighting = records["fisher"], records["sighting"]
    pseudonym = client.post(
        "/api/v1/contributors/pseudonyms", json={"display_name": "Old Gorey hand"}, headers=fisher.headers
    ).get_json()["id"]
    assert annotate(client, fisher, sighting, kind="corroborate", body="Seen again").status_code == 201
    assert annotate(client, fisher, sighting, kind="corroborate", contributor_id=pseudonym).status_code == 201

    def state():
        tally = client.get(f"/api/v1/observations/{sighting}").get_json()["properties"]["annotations"]
        listed = client.get("/api/v1/observations", query_string={"review": "corroborated"}).get_json()
        shares = {r["kind"]: r["corroborated"] for r in participation.corroborated_share(db, ANONYMOUS)}
        tile_sql = tiles.ATTRIBUTES_SQL["corroborated"]
        in_tile = db.execute(
            text(f"SELECT {tile_sql} FROM observation o {tiles.REVIEW_JOIN_SQL} WHERE o.id = :id"), {"id": sighting}
        ).scalar()
        return tally.get("corroborate"), sighting in {f["id"] for f in listed["features"]}, shares.get("local"), in_tile

    assert state() == (None, False, 0, None)
    assert annotate(client, records["scientist"], sighting, kind="corroborate").status_code == 201
    assert state() == (1, True, 1, 1)
