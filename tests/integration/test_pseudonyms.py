"""Pseudonyms: a user credits records and annotations to names of their own, and nothing leads back."""

from __future__ import annotations

import re

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
