"""Groups run by their admins; members choose to be listed; facilitators add people without accounts."""

from __future__ import annotations

from sqlalchemy import select, text

from fieldapp import access
from fieldapp.access import ANONYMOUS, viewer_of
from fieldapp.contributors.models import Contributor, Membership
from tests.integration.test_accounts import PASSWORD, SCRIPT, csrf_token, login


def signed_in(client, make, role="member", name=None):
    account = make.account(role=role, password=PASSWORD, name=name)
    assert login(client, account.user.email, PASSWORD).status_code == 302
    return account


def post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **(data or {})})


def test_a_member_starts_a_group_and_its_admin_adds_and_removes_members(app, client, make, db):
    founder = signed_in(client, make, name="Founder")
    started = post(client, "/groups", {"display_name": "Gorey Fishers"})
    assert started.status_code == 303
    group = db.scalar(select(Contributor).where(Contributor.display_name == "Gorey Fishers"))
    assert group.kind == "group"
    assert db.get(Membership, (group.id, founder.user.contributor_id)).role == "admin"
    fisher = make.account(name="Fisher")
    added = post(client, f"/groups/{group.id}/members", {"email": fisher.user.email})
    assert added.status_code == 303
    assert post(client, f"/groups/{group.id}/members", {"email": fisher.user.email}).status_code == 409
    unknown = post(client, f"/groups/{group.id}/members", {"email": "nobody@example.org"})
    assert unknown.status_code == 422 and "email:" in unknown.text
    assert "Fisher" in client.get(f"/groups/{group.id}/members").text
    # The fisher (not an admin) cannot run the group.
    other = app.test_client()
    fisher_password = make.account(password=PASSWORD)
    assert login(other, fisher_password.user.email, PASSWORD).status_code == 302
    assert other.get(f"/groups/{group.id}/members").status_code == 403
    assert post(other, f"/groups/{group.id}/members/{fisher.user.contributor_id}/remove").status_code == 403
    # The last admin stays.
    assert post(client, f"/groups/{group.id}/members/{founder.user.contributor_id}/remove").status_code == 409
    assert post(client, f"/groups/{group.id}/members/{fisher.user.contributor_id}/remove").status_code == 303
    db.expire_all()
    assert db.get(Membership, (group.id, fisher.user.contributor_id)) is None


def test_group_forms_need_csrf_and_a_name(client, make):
    signed_in(client, make)
    assert client.post("/groups", data={"display_name": "No token"}).status_code == 400
    empty = post(client, "/groups", {"display_name": "  "})
    assert empty.status_code == 422 and "display_name:" in empty.text


def test_a_member_chooses_whether_they_are_listed(client, make, db):
    member = signed_in(client, make, name="Shy Member")
    group = make.group("Survey Team", [member])
    assert "Shy Member" in client.get(f"/contributors/{group.id}").text
    assert post(client, f"/contributors/{group.id}/membership", {"shown": "0"}).status_code == 302
    assert "Shy Member" not in client.get(f"/contributors/{group.id}").text.split("Members who chose")[-1][:500]


def test_a_facilitator_adds_an_interviewee_with_their_consent_and_finds_people(client, make, db):
    steward = signed_in(client, make, role="steward")
    make.dataset(steward)
    missing = post(client, "/groups/people", {"display_name": "Old Jack", "consent_note": ""})
    assert missing.status_code == 422 and "consent_note:" in missing.text
    added = post(client, "/groups/people", {"display_name": SCRIPT, "consent_note": "Agreed aloud, 3 May, at Gorey"})
    assert added.status_code == 200 and SCRIPT not in added.text
    person = db.scalar(select(Contributor).where(Contributor.display_name == SCRIPT))
    assert (person.added_by, person.consent_note) == (steward.user.id, "Agreed aloud, 3 May, at Gorey")
    found = client.get("/groups", query_string={"q": "script"})
    assert f"/contributors/{person.id}" in found.text
    # The record form offers them to credit.
    assert f'value="{person.id}"' in client.get("/record").text


def test_only_facilitators_add_people(client, make):
    signed_in(client, make)
    assert "Add a person without an account" not in client.get("/groups").text
    assert post(client, "/groups/people", {"display_name": "X", "consent_note": "yes"}).status_code == 403


def test_may_admin_group_agrees_with_its_sql(db, make):
    admin, member, staff = make.account(), make.account(), make.account(role="staff")
    group = make.group("Team", [admin, member])
    db.get(Membership, (group.id, admin.user.contributor_id)).role = "admin"
    db.commit()
    for viewer in [ANONYMOUS, viewer_of(admin.user), viewer_of(member.user), viewer_of(staff.user)]:
        sql = f"SELECT {access.admin_group_sql(viewer, ':g')}"
        twin = bool(db.execute(text(sql), access.viewer_params(viewer) | {"g": group.id}).scalar())
        assert access.may_admin_group(db, viewer, group.id) == twin
    assert access.may_admin_group(db, viewer_of(admin.user), group.id)
    assert not access.may_admin_group(db, viewer_of(member.user), group.id)


# --- groups by API (issue 13) ----------------------------------------------------------------------


def test_the_groups_api_starts_a_group_and_only_its_admins_add_and_remove_members(client, make):
    founder, fisher, outsider = make.account(name="Founder"), make.account(name="Fisher"), make.account()
    started = client.post("/api/v1/groups", json={"display_name": "Gorey Fishers"}, headers=founder.headers)
    assert started.status_code == 201, started.text
    group_id = started.json["id"]
    assert started.headers["Location"].endswith(f"/api/v1/groups/{group_id}")
    assert started.json["members"] == [
        {"id": founder.user.contributor_id, "display_name": "Founder", "admin": True, "shown": True}
    ]
    mine = client.get("/api/v1/groups", headers=founder.headers).json["groups"]
    assert mine == [{"id": group_id, "display_name": "Gorey Fishers", "runs": True, "shown": True}]
    members = f"/api/v1/groups/{group_id}/members"
    added = client.post(members, json={"email": fisher.user.email}, headers=founder.headers)
    assert added.status_code == 201, added.text
    assert {m["display_name"]: m["admin"] for m in added.json["members"]} == {"Founder": True, "Fisher": False}
    again = client.post(members, json={"email": fisher.user.email}, headers=founder.headers)
    assert again.status_code == 409
    # A plain member and an outsider may neither read the member list nor add nor remove.
    for account in (fisher, outsider):
        assert client.get(f"/api/v1/groups/{group_id}", headers=account.headers).status_code == 403
        refused = client.post(members, json={"email": outsider.user.email}, headers=account.headers)
        assert refused.status_code == 403
        removal = client.delete(f"{members}/{founder.user.contributor_id}", headers=account.headers)
        assert removal.status_code == 403
    assert client.get(f"/api/v1/groups/{group_id}", headers=founder.headers).json["members"] == added.json["members"]
    # The last admin stays; the fisher can be removed, once.
    last = client.delete(f"{members}/{founder.user.contributor_id}", headers=founder.headers)
    assert last.status_code == 409 and "member_id" in last.text
    assert client.delete(f"{members}/{fisher.user.contributor_id}", headers=founder.headers).status_code == 204
    assert client.delete(f"{members}/{fisher.user.contributor_id}", headers=founder.headers).status_code == 404
    assert client.get("/api/v1/groups", headers=fisher.headers).json == {"groups": []}


def test_a_member_chooses_to_be_unlisted_by_api_and_only_a_member_may(client, make, db):
    founder, outsider = make.account(), make.account()
    group_id = client.post("/api/v1/groups", json={"display_name": "Crew"}, headers=founder.headers).json["id"]
    listing = f"/api/v1/groups/{group_id}/membership"
    unlisted = client.put(listing, json={"shown": False}, headers=founder.headers)
    assert unlisted.status_code == 200 and unlisted.json == {"shown": False}
    assert db.get(Membership, (group_id, founder.user.contributor_id)).shown is False
    assert client.get("/api/v1/groups", headers=founder.headers).json["groups"][0]["shown"] is False
    assert client.put(listing, json={"shown": True}, headers=outsider.headers).status_code == 404
    bad = client.put(listing, json={"shown": "perhaps"}, headers=founder.headers)
    assert bad.status_code == 422 and "shown" in bad.text


def test_the_groups_api_needs_a_token_and_names_bad_fields(client, make):
    assert client.get("/api/v1/groups").status_code == 401
    assert client.get("/api/v1/groups/1").status_code == 401
    founder = make.account()
    for body, name in (({}, "display_name"), ({"display_name": "  "}, "display_name"), ({"x": 1}, "x")):
        answer = client.post("/api/v1/groups", json=body, headers=founder.headers)
        assert answer.status_code == 422 and name in answer.text, (body, answer.text)
    group_id = client.post("/api/v1/groups", json={"display_name": "Crew"}, headers=founder.headers).json["id"]
    for body, name in (({"email": "not-an-email"}, "email"), ({"email": "nobody@example.org"}, "email"), ({}, "email")):
        answer = client.post(f"/api/v1/groups/{group_id}/members", json=body, headers=founder.headers)
        assert answer.status_code == 422 and name in answer.text, (body, answer.text)
    assert client.get(f"/api/v1/groups/{2**31}", headers=founder.headers).status_code in (400, 404)
    assert client.get("/api/v1/groups/999999", headers=founder.headers).status_code == 404


def test_a_facilitator_adds_and_finds_people_to_credit_by_api_and_a_member_may_not(client, make, db):
    steward, member = make.account(role="steward"), make.account()
    make.dataset(steward)  # a facilitator stewards a dataset
    body = {"display_name": "Old Jack Renouf", "consent_note": "Agreed aloud, 3 May, at Gorey"}
    refused = client.post("/api/v1/contributors/people", json=body, headers=member.headers)
    assert refused.status_code == 403
    assert client.get("/api/v1/contributors/to-credit?q=Renouf", headers=member.headers).status_code == 403
    missing = client.post("/api/v1/contributors/people", json=body | {"consent_note": " "}, headers=steward.headers)
    assert missing.status_code == 422 and "consent_note" in missing.text
    added = client.post("/api/v1/contributors/people", json=body, headers=steward.headers)
    assert added.status_code == 201, added.text
    person = db.get(Contributor, added.json["id"])
    assert (person.kind, person.added_by, person.consent_note) == ("person", steward.user.id, body["consent_note"])
    found = client.get("/api/v1/contributors/to-credit?q=Renouf", headers=steward.headers)
    assert found.status_code == 200 and found.json["people"] == [
        {"id": person.id, "display_name": "Old Jack Renouf", "kind": "person"}
    ]
    empty = client.get("/api/v1/contributors/to-credit?q=", headers=steward.headers)
    assert empty.status_code == 400 and "q" in empty.text
    assert client.get("/api/v1/contributors/to-credit?q=Renouf").status_code == 401
