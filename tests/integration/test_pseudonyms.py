"""Pseudonyms: a user credits records and annotations to names of their own, and nothing leads back."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from fieldapp.access import actor_credit_sql
from fieldapp.contributors.attribution import acting_credit
from fieldapp.contributors.models import Contributor
from tests.factories import feature
from tests.integration.test_accounts import PASSWORD, csrf_token, login


def _main(html: str) -> str:
    return html.split("<main>")[1].split("</main>")[0]


def _pseudonym(client, account, name: str, status: int = 201) -> int:
    response = client.post("/api/v1/contributors/pseudonyms", json={"display_name": name}, headers=account.headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()["id"]


def test_creating_a_pseudonym_is_idempotent_on_its_name(client, make, db):
    fisher = make.account(name="Jean Le Brocq")
    first = client.post(
        "/api/v1/contributors/pseudonyms", json={"display_name": "  Old  Gorey hand "}, headers=fisher.headers
    )
    assert first.status_code == 201
    body = first.get_json()
    assert body["display_name"] == "Old Gorey hand" and body["kind"] == "person"
    assert first.headers["Location"].endswith(f"/contributors/{body['id']}")
    # A retry from an offline phone, in other capitals: the same pseudonym, not a second one.
    assert _pseudonym(client, fisher, "old gorey HAND", status=200) == body["id"]
    stored = db.get(Contributor, body["id"])
    assert stored.owner_user_id == fisher.user.id
    # Another user may have a pseudonym of the same name: it is theirs, another contributor.
    other = make.account()
    assert _pseudonym(client, other, "Old Gorey hand") != body["id"]


def test_bad_pseudonyms_are_refused_with_the_field(client, make):
    fisher = make.account(name="Jean Le Brocq")
    for body, path in (
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 201}, "display_name"),
        ({"display_name": "jean le brocq"}, "display_name"),
        ({"name": "A"}, "name"),
    ):
        response = client.post("/api/v1/contributors/pseudonyms", json=body, headers=fisher.headers)
        assert response.status_code == 422, body
        assert path in {d["path"] for d in response.get_json()["error"]["details"]}
    assert client.post("/api/v1/contributors/pseudonyms", json={"display_name": "A"}).status_code == 401


def test_cookie_writes_need_the_csrf_token(client, make):
    fisher = make.account(name="Jean Le Brocq", password=PASSWORD)
    assert login(client, fisher.user.email, PASSWORD).status_code == 302
    without = client.post("/api/v1/contributors/pseudonyms", json={"display_name": "Shore walker"})
    assert without.status_code == 400
    token = csrf_token(client, "/record")
    with_token = client.post(
        "/api/v1/contributors/pseudonyms", json={"display_name": "Shore walker"}, headers={"X-CSRFToken": token}
    )
    assert with_token.status_code == 201


def test_a_record_credited_to_an_own_pseudonym_only(client, make):
    fisher, stranger, steward = make.account(name="Jean Le Brocq"), make.account(), make.account()
    dataset = make.dataset(steward)
    mine = _pseudonym(client, fisher, "Shore walker")
    theirs = _pseudonym(client, stranger, "Night fisher")
    created = client.post(
        "/api/v1/observations", json=feature(dataset.slug, contributor_id=mine), headers=fisher.headers
    )
    assert created.status_code == 201, created.get_json()
    props = created.get_json()["properties"]
    assert props["contributor_id"] == mine and props["attribution"].startswith("Shore walker")
    refused = client.post(
        "/api/v1/observations", json=feature(dataset.slug, contributor_id=theirs), headers=fisher.headers
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["path"] == "properties.contributor_id"
    # The owner manages a record credited to their pseudonym.
    oid = created.get_json()["id"]
    patched = client.patch(f"/api/v1/observations/{oid}", json={"properties": {"count": 4}}, headers=fisher.headers)
    assert patched.status_code == 200


def test_annotations_may_be_credited_to_an_own_pseudonym_only(client, make):
    fisher, stranger = make.account(name="Jean Le Brocq"), make.account()
    dataset = make.dataset(stranger)
    oid = client.post("/api/v1/observations", json=feature(dataset.slug), headers=stranger.headers).get_json()["id"]
    mine, theirs = _pseudonym(client, fisher, "Shore walker"), _pseudonym(client, stranger, "Night fisher")
    url = f"/api/v1/observations/{oid}/annotations"
    ok = client.post(url, json={"kind": "corroborate", "contributor_id": mine}, headers=fisher.headers)
    assert ok.status_code == 201, ok.get_json()
    refused = client.post(url, json={"kind": "corroborate", "contributor_id": theirs}, headers=fisher.headers)
    assert refused.status_code == 422
    listed = client.get(url).get_json()["annotations"]
    assert [a["author"]["display_name"] for a in listed] == ["Shore walker"]


def test_a_pseudonyms_pages_never_reveal_the_account(client, make, db):
    fisher = make.account(name="Jean Le Brocq")
    dataset = make.dataset(make.account())
    mine = _pseudonym(client, fisher, "Shore walker")
    oid = client.post(
        "/api/v1/observations",
        json=feature(dataset.slug, contributor_id=mine, visibility="private"),
        headers=fisher.headers,
    ).get_json()["id"]
    client.patch(f"/api/v1/observations/{oid}", json={"properties": {"count": 2}}, headers=fisher.headers)
    secrets = ("Jean Le Brocq", fisher.user.email, f'/contributors/{fisher.user.contributor_id}"')
    for viewer in ({}, make.account().headers, fisher.headers):
        page = client.get(f"/contributors/{mine}", headers=viewer)
        assert page.status_code == 200 and "<h1>Shore walker</h1>" in page.text
        # The header names whoever is signed in (the owner themself); the page's content never does.
        assert not [s for s in secrets if s in _main(page.text)]
    # The owner sees the private record listed on the pseudonym's page; others do not.
    assert oid in client.get(f"/contributors/{mine}", headers=fisher.headers).text
    assert oid not in client.get(f"/contributors/{mine}").text
    # The record's page credits and shows the history under the pseudonym, never the account's name.
    assert (
        client.patch(
            f"/api/v1/observations/{oid}", json={"properties": {"visibility": "generalised"}}, headers=fisher.headers
        ).status_code
        == 200
    )
    for owner, viewer in ((False, {}), (False, make.account().headers), (True, fisher.headers)):
        record = client.get(f"/observations/{oid}", headers=viewer)
        assert record.status_code == 200
        history = record.text.split('<ol class="history">')[1].split("</ol>")[0]
        assert "by Shore walker" in history and "Jean Le Brocq" not in history
        assert fisher.user.email not in record.text
        if not owner:  # the owner's own annotation form offers their name
            assert "Jean Le Brocq" not in _main(record.text)


def test_the_recording_form_offers_name_pseudonyms_a_new_one_and_groups(client, make):
    fisher, stranger = make.account(name="Jean Le Brocq"), make.account()
    make.group("Gorey fishers", [fisher])
    _pseudonym(client, fisher, "Shore walker")
    _pseudonym(client, stranger, "Night fisher")
    page = client.get("/record", headers=fisher.headers)
    assert page.status_code == 200
    credit = page.text.split('id="credit"')[1].split("</select>")[0]
    labels = re.findall(r">([^<]+)</option>", credit)
    assert labels[0] == "Jean Le Brocq (you)"
    assert "Shore walker (your pseudonym)" in labels and "A new pseudonym…" in labels
    assert "Gorey fishers (your group)" in labels and not [x for x in labels if "Night fisher" in x]
    assert 'id="pseudonym"' in page.text


def test_facilitators_never_credit_someone_elses_pseudonym(client, make):
    fisher, steward, staff = make.account(name="Jean Le Brocq"), make.account(), make.account(role="staff")
    dataset = make.dataset(steward)
    theirs = _pseudonym(client, fisher, "Shore walker")
    for facilitator in (steward, staff):
        refused = client.post(
            "/api/v1/observations", json=feature(dataset.slug, contributor_id=theirs), headers=facilitator.headers
        )
        assert refused.status_code == 422
        assert refused.get_json()["error"]["details"][0]["path"] == "properties.contributor_id"
    # Entering on behalf of the person under their own name stays possible.
    on_behalf = client.post(
        "/api/v1/observations",
        json=feature(dataset.slug, contributor_id=fisher.user.contributor_id),
        headers=steward.headers,
    )
    assert on_behalf.status_code == 201


def _record_page_parts(client, oid: str, headers=None) -> tuple[str, str]:
    """The annotations section and the history list of a record's page."""
    page = client.get(f"/observations/{oid}", headers=headers or {})
    assert page.status_code == 200
    annotations = page.text.split('id="annotations"')[1].split("</section>")[0]
    history = page.text.split('<ol class="history">')[1].split("</ol>")[0]
    return annotations, history


def _owner_answers_accepts_and_edits(client, owner, annotator, oid: str) -> None:
    url = f"/api/v1/observations/{oid}/annotations"
    question = client.post(url, json={"kind": "question", "body": "Which tide?"}, headers=annotator.headers)
    correction = client.post(
        url,
        json={"kind": "correction", "field": "quantity", "proposed_value": {"count": 3}},
        headers=annotator.headers,
    )
    answer = {"action": "answer", "response": "Low water."}
    for annotation, body in ((question, answer), (correction, {"action": "accept"})):
        response = client.post(f"{url}/{annotation.get_json()['id']}/response", json=body, headers=owner.headers)
        assert response.status_code == 200, response.get_json()
    edited = client.patch(
        f"/api/v1/observations/{oid}", json={"properties": {"notes": "Again."}}, headers=owner.headers
    )
    assert edited.status_code == 200


@pytest.mark.parametrize("credit", ["pseudonym", "group"])
def test_acting_on_a_record_owned_under_a_pseudonym_or_a_group_shows_that_credit(client, make, credit):
    person, annotator, steward = make.account(name="Jean Le Brocq"), make.account(name="Anna"), make.account()
    dataset = make.dataset(steward)
    if credit == "pseudonym":
        credited, name = _pseudonym(client, person, "Shore walker"), "Shore walker"
    else:
        credited, name = make.group("Gorey fishers", [person]).id, "Gorey fishers"
    oid = client.post(
        "/api/v1/observations",
        json=feature(dataset.slug, contributor_id=credited, visibility="generalised"),
        headers=person.headers,
    ).get_json()["id"]
    _owner_answers_accepts_and_edits(client, person, annotator, oid)
    # Their own note on the record, without choosing a credit, is under the record's credit too.
    note = {"kind": "context", "body": "At low water."}
    assert client.post(f"/api/v1/observations/{oid}/annotations", json=note, headers=person.headers).status_code == 201
    for viewer in ({}, make.account().headers):
        listed = client.get(f"/api/v1/observations/{oid}/annotations", headers=viewer).get_json()["annotations"]
        assert [a["responded_by"]["display_name"] for a in listed if a["responded_by"]] == [name, name]
        assert {a["responded_by"]["id"] for a in listed if a["responded_by"]} == {credited}
        assert listed[-1]["author"] == {"id": credited, "display_name": name, "kind": listed[-1]["author"]["kind"]}
        annotations, history = _record_page_parts(client, oid, viewer)
        assert f"Answer from {name}: Low water." in annotations and "Jean Le Brocq" not in annotations
        assert "Jean Le Brocq" not in history
        assert history.count(f"by {name}") == 3  # created, the accepted correction, the edit


def test_acting_credit_and_its_sql_twin_show_the_same_credit(client, db, make):
    owner, member, stranger = make.account(name="Jean Le Brocq"), make.account(), make.account()
    pseudonym = _pseudonym(client, owner, "Shore walker")
    group = make.group("Gorey fishers", [member]).id
    for actor in (owner, member, stranger):
        own = actor.user.contributor_id
        for credited in (pseudonym, group, own, owner.user.contributor_id, None):
            sql = actor_credit_sql(":credited", ":user_id", ":own")
            under = db.execute(text(f"SELECT {sql}"), {"credited": credited, "user_id": actor.user.id, "own": own})
            shown_by_sql = credited if under.scalar() else own
            assert acting_credit(db, own, actor.user.id, credited) == shown_by_sql, (actor.user.email, credited)
