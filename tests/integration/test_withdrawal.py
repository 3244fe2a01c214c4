"""Withdrawal: a contributor (or a group's members for the group) takes records back; they leave every output at
once (list, detail, OGC, tiles and the map aggregate, exports, comparisons), stay in history, and the contributor
sees which exports were made while they were shared."""

from __future__ import annotations

from sqlalchemy import text

from tests.factories import feature

POINT = {"type": "Point", "coordinates": [-2.1542, 49.1869]}


def _post(client, account, slug, **properties):
    response = client.post("/api/v1/observations", json=feature(slug, POINT, **properties), headers=account.headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def _map_cells(db, dataset_id):
    return db.scalar(text("SELECT coalesce(sum(n), 0) FROM map_cell WHERE dataset_id = :d"), {"d": dataset_id})


def test_a_fisher_withdraws_a_datasets_records_and_sees_earlier_exports(client, db, make):
    steward, fisher, other = make.account(role="steward"), make.account(name="Fisher"), make.account(name="Other")
    grounds, shore = make.dataset(steward), make.dataset(steward)
    mine = _post(client, fisher, grounds.slug)
    kept = _post(client, fisher, shore.slug)
    theirs = _post(client, other, grounds.slug)
    cells_before = _map_cells(db, grounds.id)  # two records, a cell each per stored level
    assert cells_before > 0
    export_url = f"/api/v1/datasets/{grounds.slug}/export?format=geojson"
    assert len(client.get(export_url).get_json()["features"]) == 2
    url = f"/api/v1/contributors/{fisher.user.contributor_id}/withdrawal"
    assert client.post(url, json={"dataset": grounds.slug}, headers=other.headers).status_code == 403
    response = client.post(url, json={"dataset": grounds.slug}, headers=fisher.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["withdrawn_now"] == 1
    assert [(w["slug"], w["records"]) for w in body["withdrawn"]] == [(grounds.slug, 1)]
    [earlier] = body["exports"]
    assert earlier["format"] == "geojson" and earlier["records"] == 1 and earlier["viewer"] == "anonymous"
    # Gone from every output for others, at once.
    listed = client.get("/api/v1/observations", query_string={"dataset": grounds.slug}).get_json()
    assert [f["id"] for f in listed["features"]] == [theirs]
    assert client.get(f"/api/v1/observations/{mine}").status_code == 404
    assert client.get(f"/api/v1/observations/{mine}", headers=steward.headers).status_code == 404
    ogc = client.get(f"/ogc/collections/{grounds.slug}/items").get_json()
    assert [f["id"] for f in ogc["features"]] == [theirs]
    assert [f["id"] for f in client.get(export_url).get_json()["features"]] == [theirs]
    assert _map_cells(db, grounds.id) == cells_before // 2
    # The other dataset's record stays; the contributor still sees their own, and its history keeps the withdrawal.
    assert client.get(f"/api/v1/observations/{kept}").status_code == 200
    assert client.get(f"/api/v1/observations/{mine}", headers=fisher.headers).status_code == 200
    changes = db.execute(
        text("SELECT changes FROM observation_history WHERE observation_id = :id ORDER BY id DESC LIMIT 1"),
        {"id": mine},
    ).scalar_one()
    assert "withdrawn_at" in str(changes)
    page = client.get(f"/contributors/{fisher.user.contributor_id}", headers=fisher.headers).get_data(as_text=True)
    assert "Exports made while they were shared" in page and f"Export {earlier['id']}" in page
    assert "Withdraw these records" not in client.get(f"/contributors/{fisher.user.contributor_id}").text


def test_a_groups_admin_withdraws_the_groups_records_and_a_plain_member_may_not(client, db, make):
    steward, member, outsider = make.account(role="steward"), make.account(name="Member"), make.account()
    admin, staff = make.account(name="Admin"), make.account(role="staff")
    group = make.group("Bass fishers", [member], admins=[admin])
    db.commit()
    grounds = make.dataset(steward)
    record = _post(client, member, grounds.slug, contributor_id=group.id)
    url = f"/api/v1/contributors/{group.id}/withdrawal"
    for who in (outsider, member, staff):
        assert client.post(url, json={}, headers=who.headers).status_code == 403
    assert client.get(f"/api/v1/observations/{record}").status_code == 200
    # The group's page offers the withdrawal to its admin alone.
    assert "Withdraw these records" not in client.get(f"/contributors/{group.id}", headers=member.headers).text
    assert "Withdraw these records" in client.get(f"/contributors/{group.id}", headers=admin.headers).text
    assert client.post(url, json={}, headers=admin.headers).get_json()["withdrawn_now"] == 1
    assert client.get(f"/api/v1/observations/{record}").status_code == 404
    assert client.get(url, headers=outsider.headers).status_code == 404


def test_staff_name_a_groups_admin_from_the_command_line(app, client, db, make):
    from fieldapp.cli import main

    member, steward = make.account(name="Member"), make.account(role="steward")
    group = make.group("Crab potters", [member])
    grounds = make.dataset(steward)
    _post(client, member, grounds.slug, contributor_id=group.id)
    url = f"/api/v1/contributors/{group.id}/withdrawal"
    assert client.post(url, json={}, headers=member.headers).status_code == 403
    runner = app.test_cli_runner()
    result = runner.invoke(main, args=["users", "group-role", member.user.email, str(group.id)])
    assert result.exit_code == 0, result.output
    assert client.post(url, json={}, headers=member.headers).get_json()["withdrawn_now"] == 1
    unknown = runner.invoke(main, args=["users", "group-role", member.user.email, str(member.user.contributor_id)])
    assert unknown.exit_code != 0 and "No group" in unknown.output
