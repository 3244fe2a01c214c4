"""Names of living things as contributed knowledge: search in every language, credit, review, preference."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from fieldapp.subjects.models import Subject, SubjectName
from tests.factories import feature


@pytest.fixture
def crab(db) -> Subject:
    """Cancer pagurus with the names the issue lists, and a spider crab beside it."""
    subject = Subject(
        kind="taxon",
        scientific_name="Cancer pagurus",
        names=[
            SubjectName(name="edible crab", language="en"),
            SubjectName(name="tourteau", language="fr"),
            SubjectName(name="crabe dormeur", language="fr"),
            SubjectName(name="sapateira", language="pt"),
            SubjectName(name="chancre", language="nrf", community="fishers"),
        ],
    )
    spider = Subject(
        kind="taxon", scientific_name="Maja brachydactyla", names=[SubjectName(name="araignée de mer", language="fr")]
    )
    db.add_all([subject, spider])
    db.commit()
    return subject


def search(client, q: str, **args) -> dict:
    response = client.get("/api/v1/subjects", query_string={"q": q, **args})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("query", "matched"),
    [
        ("crab", "crabe dormeur"),  # a name that starts so comes before one with a word that does ("edible crab")
        ("edibl", "edible crab"),  # English
        ("crabe", "crabe dormeur"),  # French
        ("chancre", "chancre"),  # Jèrriais
        ("tourteau", "tourteau"),
        ("TOURT", "tourteau"),  # prefix, any case
        ("sapat", "sapateira"),  # Portuguese, prefix
        ("dorm", "crabe dormeur"),  # the start of a later word
        ("agurus", "Cancer pagurus"),  # inside a word
        ("tourtau", "tourteau"),  # a typo: pg_trgm's likeness
    ],
)
def test_every_language_and_any_part_of_a_name_reaches_cancer_pagurus(client, crab, query, matched):
    found = search(client, query)["subjects"]
    assert found, query
    assert found[0]["id"] == crab.id
    assert found[0]["matched"]["name"] == matched


def test_accents_are_ignored_both_ways(client, crab, db):
    spider = db.scalar(text("SELECT id FROM subject WHERE scientific_name = 'Maja brachydactyla'"))
    assert [s["id"] for s in search(client, "araignee")["subjects"]] == [spider]
    assert [s["id"] for s in search(client, "ARAIGNÉE DE")["subjects"]] == [spider]
    db.add(SubjectName(subject_id=crab.id, name="crabe à poids", language="fr"))
    db.commit()
    assert search(client, "a poids")["subjects"][0]["matched"]["name"] == "crabe à poids"


def test_nothing_found_is_said(client, crab):
    body = search(client, "zzyzx")
    assert body["subjects"] == []
    assert "No name matches “zzyzx”" in body["message"]
    page = client.get("/subjects?q=zzyzx")
    assert page.status_code == 200 and "No name matches “zzyzx”" in page.get_data(as_text=True)


def test_a_bad_query_is_a_400_naming_the_field(client):
    for query in ({}, {"q": ""}, {"q": "x" * 201}, {"q": "a\x00b"}, {"q": "crab", "limit": "0"}):
        response = client.get("/api/v1/subjects", query_string=query)
        assert response.status_code == 400, query
        paths = {d["path"] for d in response.get_json()["error"]["details"]}
        assert paths & {"q", "limit"}, response.get_json()


def test_a_member_adds_a_jerriais_name_credited_to_them_and_it_is_found(client, make, crab):
    member = make.account(name="Marie Le Brocq")
    response = client.post(
        f"/api/v1/subjects/{crab.id}/names", json={"name": "Crabe d'Èrbé", "language": "nrf"}, headers=member.headers
    )
    assert response.status_code == 201, response.get_json()
    name_id = response.get_json()["id"]
    detail = client.get(f"/api/v1/subjects/{crab.id}").get_json()
    added = next(n for n in detail["names"] if n["id"] == name_id)
    assert (added["language"], added["credit"]["display_name"], added["scientific"]) == ("nrf", "Marie Le Brocq", False)
    assert search(client, "erbe")["subjects"][0]["matched"]["name"] == "Crabe d'Èrbé"
    # The same name in the same language twice is a conflict; the words are kept once.
    again = client.post(
        f"/api/v1/subjects/{crab.id}/names", json={"name": "Crabe d'Èrbé", "language": "nrf"}, headers=member.headers
    )
    assert again.status_code == 409


def test_a_name_is_credited_to_a_group_only_by_its_members(client, make, crab):
    member, outsider = make.account(), make.account()
    group = make.group("Demo Fishers' Association", [member])
    body = {"name": "chancre", "language": "nrf", "community": "Demo Fishers' Association", "contributor_id": group.id}
    refused = client.post(f"/api/v1/subjects/{crab.id}/names", json=body, headers=outsider.headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["path"] == "contributor_id"
    added = client.post(f"/api/v1/subjects/{crab.id}/names", json=body, headers=member.headers)
    assert added.status_code == 201
    names = client.get(f"/api/v1/subjects/{crab.id}").get_json()["names"]
    assert any(n["credit"] and n["credit"]["id"] == group.id for n in names)


def test_adding_a_name_needs_an_account_and_valid_fields(client, make, crab):
    anonymous = client.post(f"/api/v1/subjects/{crab.id}/names", json={"name": "x", "language": "en"})
    assert anonymous.status_code == 401
    member = make.account()
    for body, path in (
        ({"name": "", "language": "en"}, "name"),
        ({"name": "crab", "language": "English"}, "language"),
        ({"name": "crab"}, "language"),
        ({"name": "crab", "language": "en", "rank": 1}, "rank"),
    ):
        response = client.post(f"/api/v1/subjects/{crab.id}/names", json=body, headers=member.headers)
        assert response.status_code == 422, body
        assert path in {d["path"] for d in response.get_json()["error"]["details"]}
    missing = client.post("/api/v1/subjects/999999/names", json={"name": "x", "language": "en"}, headers=member.headers)
    assert missing.status_code == 404


def test_names_are_questioned_and_corroborated_like_records(client, make, crab, db):
    name_id = db.scalar(text("SELECT id FROM subject_name WHERE name = 'chancre'"))
    a, b, c = make.account(name="A"), make.account(name="B"), make.account(name="C")
    for account, body in ((a, {"kind": "corroborate"}), (b, {"kind": "corroborate"})):
        assert (
            client.post(f"/api/v1/names/{name_id}/annotations", json=body, headers=account.headers).status_code == 201
        )
    question = {"kind": "question", "body": "In Trinity we say it of the spider crab."}
    assert client.post(f"/api/v1/names/{name_id}/annotations", json=question, headers=c.headers).status_code == 201
    # A name is not corrected (another name is added); a question needs words; strangers to the API get 401.
    bad = client.post(
        f"/api/v1/names/{name_id}/annotations",
        json={"kind": "correction", "field": "subject", "proposed_value": {"subject_text": "x"}},
        headers=a.headers,
    )
    assert bad.status_code == 422
    assert (
        client.post(f"/api/v1/names/{name_id}/annotations", json={"kind": "question"}, headers=a.headers).status_code
        == 422
    )
    assert client.post(f"/api/v1/names/{name_id}/annotations", json={"kind": "corroborate"}).status_code == 401
    listed = client.get(f"/api/v1/names/{name_id}/annotations").get_json()["annotations"]
    assert [(x["kind"], x["author"]["display_name"]) for x in listed] == [
        ("corroborate", "A"),
        ("corroborate", "B"),
        ("question", "C"),
    ]
    names = client.get(f"/api/v1/subjects/{crab.id}", query_string={"sort": "corroborated"}).get_json()["names"]
    assert (names[0]["name"], names[0]["corroborated"], names[0]["questioned"]) == ("chancre", 2, 1)
    # The same review rows: the annotation table, one target each.
    assert db.scalar(text("SELECT count(*) FROM annotation WHERE subject_name_id = :n"), {"n": name_id}) == 3


def test_the_scientific_name_is_one_name_among_the_others_in_the_order_chosen(client, crab):
    by_name = [n["name"] for n in client.get(f"/api/v1/subjects/{crab.id}").get_json()["names"]]
    assert by_name == sorted(by_name, key=lambda n: n.lower())
    assert "Cancer pagurus" in by_name  # placed by its letters, like any other name
    by_language = client.get(f"/api/v1/subjects/{crab.id}", query_string={"sort": "language"}).get_json()["names"]
    assert [n["language"] for n in by_language] == sorted(n["language"] for n in by_language)
    assert [n["name"] for n in by_language].index("Cancer pagurus") > 0  # "la" after "en" and "fr"
    newest = client.get(f"/api/v1/subjects/{crab.id}", query_string={"sort": "recent"}).get_json()["names"]
    assert newest[-1]["scientific"] is True
    assert client.get(f"/api/v1/subjects/{crab.id}", query_string={"sort": "rank"}).status_code == 400


def test_stewards_mark_their_dataset_s_preferred_name(client, make, crab, db, steward, dataset):
    chancre = db.scalar(text("SELECT id FROM subject_name WHERE name = 'chancre'"))
    tourteau = db.scalar(text("SELECT id FROM subject_name WHERE name = 'tourteau'"))
    member = make.account()
    refused = client.post(f"/api/v1/names/{chancre}/preferred", json={"dataset": dataset.slug}, headers=member.headers)
    assert refused.status_code == 403
    unknown = client.post(f"/api/v1/names/{chancre}/preferred", json={"dataset": "nope"}, headers=steward.headers)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["details"][0]["path"] == "dataset"
    for name_id in (tourteau, chancre):  # a later choice replaces the dataset's earlier one
        chosen = client.post(
            f"/api/v1/names/{name_id}/preferred", json={"dataset": dataset.slug}, headers=steward.headers
        )
        assert chosen.status_code == 200
    names = {n["name"]: n for n in client.get(f"/api/v1/subjects/{crab.id}").get_json()["names"]}
    assert [d["slug"] for d in names["chancre"]["preferred_in"]] == [dataset.slug]
    assert names["tourteau"]["preferred_in"] == []


def test_the_subject_page_shows_every_name_and_asks_visitors_to_sign_in(client, crab):
    page = client.get(f"/subjects/{crab.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("chancre", "tourteau", "sapateira", "Jèrriais", "Cancer pagurus"):
        assert name in html
    assert "to add a name you know" in html
    assert client.get("/subjects/999999").status_code == 404
    listing = client.get("/subjects?q=CHANCRE").get_data(as_text=True)
    assert f"/subjects/{crab.id}" in listing


def test_filters_match_any_name_in_any_language(client, make, crab, dataset, steward):
    for words in ("chancre", "tourteau", "sapateira"):
        response = client.post(
            "/api/v1/observations",
            json=feature(dataset.slug, subject_text=words, subject_id=crab.id),
            headers=steward.headers,
        )
        assert response.status_code == 201, response.get_json()
    for query in ("crab", "crabe", "chancre", "tourteau", "CANCER", "greve-free"):
        listed = client.get("/api/v1/observations", query_string={"subject": query}).get_json()
        assert listed["numberMatched"] == (0 if query == "greve-free" else 3), query
    page = client.get("/map", query_string={"subject": "crabe"}).get_data(as_text=True)
    assert "Cancer pagurus" in page and "Showing:" in page
    none = client.get("/map", query_string={"subject": "zzyzx"}).get_data(as_text=True)
    assert "No name matches “zzyzx”" in none


def test_darwin_core_states_the_language_of_the_contributor_s_words(client, make, crab, dataset, steward, tmp_path):
    from dwca.read import DwCAReader

    for words in ("chancre", "Tourteau", "edible crab"):
        client.post(
            "/api/v1/observations",
            json=feature(dataset.slug, subject_text=words, subject_id=crab.id),
            headers=steward.headers,
        )
    archive = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=dwca", headers=steward.headers)
    assert archive.status_code == 200
    path = tmp_path / "dwca.zip"
    path.write_bytes(archive.data)
    with DwCAReader(str(path)) as reader:
        rows = [row.data for row in reader]
    dwc, dc = "http://rs.tdwg.org/dwc/terms/", "http://purl.org/dc/terms/"
    found = {(r[dwc + "vernacularName"], r[dc + "language"], r[dwc + "scientificName"]) for r in rows}
    assert found == {
        ("chancre", "nrf", "Cancer pagurus"),
        ("Tourteau", "fr", "Cancer pagurus"),
        ("edible crab", "en", "Cancer pagurus"),
    }


def test_the_subject_page_forms_add_annotate_and_prefer_and_refuse_with_the_field(client, make, crab, db):
    from tests.integration.test_accounts import csrf_token, login

    steward = make.account(role="steward", name="Page Steward", password="a long enough passphrase")
    dataset = make.dataset(steward, title="Crab pots")
    assert login(client, steward.user.email, "a long enough passphrase").status_code == 302
    token = csrf_token(client, f"/subjects/{crab.id}")
    added = client.post(
        f"/subjects/{crab.id}/names", data={"name": "Crabe dé Lecq", "language": "nrf", "csrf_token": token}
    )
    assert added.status_code == 302
    name_id = db.scalar(text("SELECT id FROM subject_name WHERE name = 'Crabe dé Lecq'"))
    refused = client.post(f"/subjects/{crab.id}/names", data={"name": "x", "language": "Jersey", "csrf_token": token})
    assert refused.status_code == 422 and "language" in refused.get_data(as_text=True)
    question = {"kind": "question", "body": "Only in St Ouen?", "csrf_token": token}
    assert client.post(f"/names/{name_id}/annotate", data=question).status_code == 302
    empty = client.post(f"/names/{name_id}/annotate", data={"kind": "question", "csrf_token": token})
    assert empty.status_code == 422 and "body" in empty.get_data(as_text=True)
    assert (
        client.post(f"/names/{name_id}/prefer", data={"dataset": dataset.slug, "csrf_token": token}).status_code == 302
    )
    page = client.get(f"/subjects/{crab.id}").get_data(as_text=True)
    assert "Crabe dé Lecq" in page and "preferred in Crab pots" in page and "questioned by 1" in page
    assert client.post(f"/subjects/{crab.id}/names", data={"name": "y", "language": "en"}).status_code == 400


def test_ids_past_the_integer_range_are_not_found_not_errors(client, make):
    member = make.account()
    big = 2**31
    assert (
        client.post(
            f"/api/v1/names/{big}/annotations", json={"kind": "corroborate"}, headers=member.headers
        ).status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/names/{big}/preferred", json={"dataset": "x"}, headers=member.headers).status_code == 404
    )
    assert (
        client.post(
            f"/api/v1/subjects/{big}/names", json={"name": "x", "language": "en"}, headers=member.headers
        ).status_code
        == 404
    )
    assert client.get(f"/names/{big}").status_code == 404
    assert client.get(f"/api/v1/places/{big}").status_code == 404
