"""The pages where stewards attach a data agreement and decide requests for precise access, and people ask."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from tests.factories import feature
from tests.integration.test_accounts import PASSWORD, login
from tests.integration.test_agreements import move_clock
from tests.integration.test_dataset_pages import post, signed_in

POINT = [-2.123456, 49.201234]


def test_a_steward_attaches_and_edits_an_agreement_from_the_page(client, make, db):
    steward = signed_in(client, make, role="steward", name="Grounds Steward")
    group = make.group("Bass fishers")
    grounds = make.dataset(steward, title="Fishers' grounds", knowledge_kind="local")
    detail = client.get(f"/datasets/{grounds.slug}").text
    assert f"/datasets/{grounds.slug}/agreement/edit" in detail
    form = client.get(f"/datasets/{grounds.slug}/agreement/edit")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text and "TK Seasonal" in form.text
    values = {
        "purpose": "Managing the bass nursery areas <b>with</b> the fishers.",
        "uses": ["park_management", "research"],
        "commercial": "no",
        "audience": "groups",
        "audience_groups": [str(group.id)],
        "embargo_until": "2027-03-01",
        "review_on": "2028-01-01",
        "label_tk_seasonal": "on",
        "text_tk_seasonal": "Shared for the summer season only.",
        "text_tk_verified": "not chosen, so not kept",
    }
    saved = post(client, f"/datasets/{grounds.slug}/agreement/edit", values)
    assert saved.status_code == 303
    stored = client.get(f"/api/v1/datasets/{grounds.slug}/agreement").get_json()
    assert stored["purpose"] == values["purpose"] and stored["uses"] == ["park_management", "research"]
    assert (stored["commercial"], stored["audience"], stored["audience_groups"]) == (False, "groups", [group.id])
    assert (stored["embargo_until"], stored["review_on"]) == ("2027-03-01", "2028-01-01")
    assert stored["labels"] == [{"label": "tk_seasonal", "text": "Shared for the summer season only."}]
    # The form shows what is stored, the purpose escaped; a change keeps only what the form now says.
    again = client.get(f"/datasets/{grounds.slug}/agreement/edit").text
    assert "&lt;b&gt;with&lt;/b&gt;" in again and 'value="2027-03-01"' in again
    changed = post(client, f"/datasets/{grounds.slug}/agreement/edit", {"audience": "everyone", "commercial": "yes"})
    assert changed.status_code == 303
    stored = client.get(f"/api/v1/datasets/{grounds.slug}/agreement").get_json()
    assert (stored["audience"], stored["commercial"], stored["labels"], stored["embargo_until"]) == (
        "everyone",
        True,
        [],
        None,
    )


def test_bad_agreement_values_are_named_and_others_may_not(client, make, db):
    steward = make.account(role="steward")
    grounds = make.dataset(steward)
    signed_in(client, make)
    assert client.get(f"/datasets/{grounds.slug}/agreement/edit").status_code == 403
    assert post(client, f"/datasets/{grounds.slug}/agreement/edit", {"audience": "everyone"}).status_code == 403
    client.post("/logout", data={})
    other = make.dataset(signed_in(client, make, role="steward"))
    bad = post(client, f"/datasets/{other.slug}/agreement/edit", {"audience": "nobody", "review_on": "2028-02-30"})
    assert bad.status_code == 422 and "Nothing was changed" in bad.text
    assert client.get(f"/api/v1/datasets/{other.slug}/agreement").get_json() is None
    missing = post(client, f"/datasets/{other.slug}/agreement/edit", {"audience": "everyone", "uses": ["spying"]})
    assert missing.status_code == 422 and "uses" in missing.text
    # No CSRF token, no change.
    assert client.post(f"/datasets/{other.slug}/agreement/edit", data={"audience": "park"}).status_code == 400


def test_a_scientist_asks_and_a_steward_grants_or_refuses_from_the_pages(client, make, db):
    steward = make.account(role="steward", name="Grounds Steward", password=PASSWORD)
    grounds = make.dataset(steward, default_visibility="generalised", force_generalised=True)
    body = feature(grounds.slug, {"type": "Point", "coordinates": POINT}, visibility="generalised")
    oid = client.post("/api/v1/observations", json=body, headers=steward.headers).get_json()["id"]
    scientist = signed_in(client, make, name="Dr Bass")
    assert "Ask for precise access" in client.get(f"/datasets/{grounds.slug}").text
    short = post(client, f"/datasets/{grounds.slug}/access", {"purpose": "maps"})
    assert short.status_code == 422 and "purpose" in short.text
    for purpose in ("Mapping bass nursery grounds for the plan.", "A second question about <i>bass</i>."):
        assert post(client, f"/datasets/{grounds.slug}/access", {"purpose": purpose}).status_code == 303
    mine = client.get(f"/datasets/{grounds.slug}/access").text
    assert mine.count('data-status="requested"') == 2 and "&lt;i&gt;bass&lt;/i&gt;" in mine
    assert 'name="decision"' not in mine
    ids = db.scalars(text("SELECT id FROM access_grant WHERE dataset_id = :d ORDER BY id"), {"d": grounds.id}).all()
    assert (
        post(
            client, f"/datasets/{grounds.slug}/access/{ids[0]}", {"decision": "grant", "until": "2027-01-01"}
        ).status_code
        == 403
    )

    client.post("/logout", data={})
    move_clock(db, date(2026, 12, 1))
    assert login(client, steward.user.email, PASSWORD).status_code == 302
    page = client.get(f"/datasets/{grounds.slug}/access").text
    assert page.count('name="decision" value="grant"') == 2 and "Dr Bass" in page
    too_long = post(client, f"/datasets/{grounds.slug}/access/{ids[0]}", {"decision": "grant", "until": "2030-01-01"})
    assert too_long.status_code == 422 and "until" in too_long.text
    granted = post(client, f"/datasets/{grounds.slug}/access/{ids[0]}", {"decision": "grant", "until": "2027-01-01"})
    assert granted.status_code == 303
    refused = post(client, f"/datasets/{grounds.slug}/access/{ids[1]}", {"decision": "refuse"})
    assert refused.status_code == 303
    assert post(client, f"/datasets/{grounds.slug}/access/{ids[1]}", {"decision": "grant"}).status_code == 409
    decided = client.get(f"/datasets/{grounds.slug}/access").text
    assert 'data-status="granted"' in decided and 'data-status="refused"' in decided and "2027-01-01" in decided
    # The grant works: the scientist sees the exact point.
    exact = client.get(f"/api/v1/observations/{oid}", headers=scientist.headers).get_json()["geometry"]
    assert exact == {"type": "Point", "coordinates": POINT}
