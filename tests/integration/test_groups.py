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
