"""Access on request: a scientist asks with a purpose, a steward grants until a day, the API then gives the
precise place of generalised records, and the access ends by itself on that day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from tests.factories import feature

POINT = [-2.123456, 49.201234]


def move_clock(db, day: date) -> None:
    db.execute(text("SELECT set_config('fieldapp.today', :day, false)"), {"day": day.isoformat()})


def test_a_scientist_is_granted_precise_access_for_a_time(client, db, make):
    steward, scientist, other = make.account(role="steward"), make.account(name="Dr Bass"), make.account()
    grounds = make.dataset(steward, default_visibility="generalised", force_generalised=True)
    body = feature(grounds.slug, {"type": "Point", "coordinates": POINT}, visibility="generalised")
    oid = client.post("/api/v1/observations", json=body, headers=steward.headers).get_json()["id"]
    url = f"/api/v1/datasets/{grounds.slug}/access-requests"

    def place(who):
        return client.get(f"/api/v1/observations/{oid}", headers=who.headers).get_json()["geometry"]

    assert place(scientist)["type"] == "Polygon"  # the generalised cell
    asked = client.post(
        url, json={"purpose": "Mapping bass nursery grounds for the management plan."}, headers=scientist.headers
    )
    assert asked.status_code == 201 and asked.get_json()["status"] == "requested"
    request_id = asked.get_json()["id"]
    decision = f"{url}/{request_id}/decision"
    move_clock(db, date(2026, 12, 1))
    assert (
        client.post(decision, json={"decision": "grant", "until": "2027-01-01"}, headers=other.headers).status_code
        == 403
    )
    too_long = client.post(decision, json={"decision": "grant", "until": "2030-01-01"}, headers=steward.headers)
    assert too_long.status_code == 422 and "until" in too_long.get_data(as_text=True)
    granted = client.post(decision, json={"decision": "grant", "until": "2027-01-01"}, headers=steward.headers)
    assert granted.status_code == 200 and granted.get_json()["active"] is True
    assert place(scientist) == {"type": "Point", "coordinates": POINT}
    assert place(other)["type"] == "Polygon"
    # The steward sees every request, the scientist their own, others none.
    assert [r["purpose"][:7] for r in client.get(url, headers=steward.headers).get_json()["requests"]] == ["Mapping"]
    assert client.get(url, headers=other.headers).get_json()["requests"] == []
    again = client.post(decision, json={"decision": "refuse"}, headers=steward.headers)
    assert again.status_code == 409
    move_clock(db, date(2027, 1, 1))
    assert place(scientist)["type"] == "Polygon"
    assert client.get(url, headers=scientist.headers).get_json()["requests"][0]["active"] is False


def test_the_contributor_sees_who_saw_their_exact_locations_and_why(client, db, make):
    steward, fisher, scientist = (
        make.account(role="steward", name="Sam Steward"),
        make.account(),
        make.account(name="Dr Bass"),
    )
    staff = make.account(role="staff", name="Park Ranger")
    grounds = make.dataset(steward, default_visibility="generalised", force_generalised=True)
    body = feature(grounds.slug, {"type": "Point", "coordinates": POINT}, visibility="generalised")
    oid = client.post("/api/v1/observations", json=body, headers=fisher.headers).get_json()["id"]
    asked = client.post(
        f"/api/v1/datasets/{grounds.slug}/access-requests",
        json={"purpose": "Mapping bass nursery grounds."},
        headers=scientist.headers,
    ).get_json()["id"]
    decision = {"decision": "grant", "until": (date.today() + timedelta(days=30)).isoformat()}
    url = f"/api/v1/datasets/{grounds.slug}/access-requests/{asked}/decision"
    assert client.post(url, json=decision, headers=steward.headers).status_code == 200
    client.get(f"/api/v1/observations/{oid}", headers=fisher.headers)  # their own view: not logged
    client.get(f"/api/v1/observations/{oid}", headers=steward.headers)
    client.get(f"/observations/{oid}", headers=staff.headers)
    client.get(f"/api/v1/observations/{oid}", headers=scientist.headers)
    client.get(f"/api/v1/datasets/{grounds.slug}/export?format=csv", headers=scientist.headers).get_data()
    client.get(f"/api/v1/observations/{oid}", headers=make.account().headers)  # sees the cell: not logged
    page = client.get(f"/contributors/{fisher.user.contributor_id}", headers=fisher.headers).get_data(as_text=True)
    assert "Who has seen your exact locations" in page
    assert "Sam Steward (dataset steward), api" in page
    assert "Park Ranger (park staff), record page" in page
    assert "Dr Bass (granted access: Mapping bass nursery grounds.), api" in page
    assert "Dr Bass (granted access: Mapping bass nursery grounds.), export" in page
    assert (
        db.scalar(
            text("SELECT count(*) FROM precise_view WHERE contributor_id = :c"), {"c": fisher.user.contributor_id}
        )
        == 4
    )
    # Nobody else reads the log.
    assert "Who has seen your exact locations" not in client.get(
        f"/contributors/{fisher.user.contributor_id}", headers=steward.headers
    ).get_data(as_text=True)
