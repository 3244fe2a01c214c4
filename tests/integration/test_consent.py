"""Consent to the park's versioned terms: asked at registration and at the first visit after a change, stored
with version and time, seen and downloaded by the person; a facilitator records how someone gave consent."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from tests.factories import feature
from tests.integration.test_accounts import PASSWORD, csrf_token, login, register, signed_in_as, unique_email


def _publish(client, admin, body: str):
    login(client, admin.user.email, PASSWORD)
    token = csrf_token(client, "/admin/terms")
    return client.post("/admin/terms", data={"text": body, "csrf_token": token})


def test_terms_are_asked_for_at_registration_and_after_each_change(app, client, db, make):
    admin, member = make.account(role="admin", password=PASSWORD), make.account(name="Jo", password=PASSWORD)
    # No terms published: nobody is asked.
    login(client, member.user.email, PASSWORD)
    assert client.get("/map").status_code == 200
    assert client.get("/admin/terms").status_code == 403  # only admins publish
    admin_client = app.test_client()
    response = _publish(admin_client, admin, "Version one: records are lent on the park's terms.")
    assert response.status_code == 302
    # The admin, like everyone, is asked too before going on.
    assert admin_client.get("/map").headers["Location"].startswith("/terms/consent")
    # The member is asked at their next page; the API answers as before.
    asked = client.get("/map")
    assert asked.status_code == 302 and asked.headers["Location"] == "/terms/consent?next=/map"
    assert client.get("/api/v1/datasets").status_code == 200
    page = client.get("/terms/consent").get_data(as_text=True)
    assert "Version one: records are lent" in page
    token = csrf_token(client, "/terms/consent")
    agreed = client.post("/terms/consent?next=/map", data={"version": "1", "csrf_token": token})
    assert agreed.status_code == 302 and agreed.headers["Location"] == "/map"
    assert client.get("/map").status_code == 200
    # A new version asks again; what they agreed to stays, with its version and time, and downloads.
    _publish(admin_client, admin, "Version two: and exports carry the agreement.")
    assert client.get("/map").status_code == 302
    listed = client.get("/account/consents").get_data(as_text=True)
    assert "Version 1," in listed
    consent_id = db.scalar(text("SELECT id FROM consent WHERE user_id = :u"), {"u": member.user.id})
    download = client.get(f"/account/consents/{consent_id}.txt")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert "Version one: records are lent" in download.get_data(as_text=True)
    assert app.test_client().get(f"/account/consents/{consent_id}.txt").status_code in (302, 401)


def test_registration_needs_consent_when_terms_exist(app, client, db, make):
    admin = make.account(role="admin", password=PASSWORD)
    _publish(app.test_client(), admin, "Version one.")
    email = unique_email()
    refused = register(client, email)
    assert refused.status_code == 400 and "Agree to the terms" in refused.get_data(as_text=True)
    assert register(client, email, agree="y").status_code == 302
    login(client, email, PASSWORD)
    assert signed_in_as(client) is not None
    stored = db.execute(
        text("SELECT c.version, c.way FROM consent c JOIN user_account u ON u.id = c.user_id WHERE u.email = :e"),
        {"e": email},
    ).all()
    assert [tuple(r) for r in stored] == [(1, "online")]
    assert client.get("/map").status_code == 200  # already agreed: not asked again


def test_a_facilitator_records_how_someone_gave_consent(app, client, db, make):
    admin, steward, member = make.account(role="admin", password=PASSWORD), make.account(role="steward"), make.account()
    grounds = make.dataset(steward)
    _publish(app.test_client(), admin, "Version one.")
    body = {"person": "Old Tom, fisher", "way": "verbal", "dataset": grounds.slug}
    assert client.post("/api/v1/consents/facilitated", json=body, headers=member.headers).status_code == 403
    bad = client.post("/api/v1/consents/facilitated", json=body | {"way": "online"}, headers=steward.headers)
    assert bad.status_code == 422 and "way" in bad.get_data(as_text=True)
    response = client.post("/api/v1/consents/facilitated", json=body, headers=steward.headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    assert (answer["person"], answer["way"], answer["version"]) == ("Old Tom, fisher", "verbal", 1)
    stored = db.execute(text("SELECT recorded_by, way FROM consent WHERE id = :i"), {"i": answer["id"]}).one()
    assert tuple(stored) == (steward.user.id, "verbal")


def test_a_record_entered_on_someones_behalf_says_how_they_gave_consent(app, client, db, make):
    """The recording page and the API: a facilitator's record credited to someone else carries how that
    person gave consent (stored as a facilitated consent, by the facilitator); a missing or unknown way,
    or a way on one's own record, is a 422 naming properties.consent_way; a resent record adds none."""
    admin, steward = make.account(role="admin", password=PASSWORD), make.account(role="steward")
    fisher = make.account(name="Old Tom")
    grounds = make.dataset(steward)
    on_behalf = {"contributor_id": fisher.user.contributor_id}
    # Before the park publishes terms there is nothing to consent to: no way is asked, none accepted.
    before = client.post("/api/v1/observations", json=feature(grounds.slug, **on_behalf), headers=steward.headers)
    assert before.status_code == 201, before.get_data(as_text=True)
    _publish(app.test_client(), admin, "Version one.")

    def refused(**props) -> str:
        answer = client.post("/api/v1/observations", json=feature(grounds.slug, **props), headers=steward.headers)
        assert answer.status_code == 422, answer.get_data(as_text=True)
        paths = [d["path"] for d in answer.get_json()["error"]["details"]]
        return ",".join(paths)

    assert "properties.consent_way" in refused(**on_behalf)
    assert "consent_way" in refused(**on_behalf, consent_way="online")
    assert "consent_way" in refused(**on_behalf, consent_way="by pigeon")
    assert "properties.consent_way" in refused(consent_way="paper")  # one's own record
    assert db.execute(text("SELECT count(*) FROM consent WHERE recorded_by IS NOT NULL")).scalar() == 0
    record = feature(grounds.slug, feature_id=str(uuid.uuid4()), **on_behalf, consent_way="paper")
    for _ in range(2):  # the offline queue may send the same record twice
        sent = client.post("/api/v1/observations", json=record, headers=steward.headers)
        assert sent.status_code in (200, 201), sent.get_data(as_text=True)
    stored = db.execute(
        text("SELECT person_name, way, recorded_by, dataset_id, version FROM consent WHERE recorded_by IS NOT NULL")
    ).all()
    assert [tuple(r) for r in stored] == [("Old Tom", "paper", steward.user.id, grounds.id, 1)]
