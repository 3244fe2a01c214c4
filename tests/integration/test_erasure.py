"""Deleting an account: records credited to a pseudonym, to "anonymous" or withdrawn, as the person chooses;
their personal data erased, consents kept only as a trace of version and time."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.factories import feature
from tests.integration.test_accounts import PASSWORD, csrf_token, login


def _delete(client, account, **form):
    login(client, account.user.email, PASSWORD)
    token = csrf_token(client, "/account")
    return client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD, **form})


@pytest.mark.parametrize(
    ("form", "credit", "shown"),
    [
        ({"choice": "pseudonym", "pseudonym": "Grey Seal"}, "Grey Seal", True),
        ({"choice": "anonymous"}, "anonymous", True),
        ({"choice": "withdraw"}, "anonymous", False),
    ],
)
def test_deleting_an_account_keeps_or_withdraws_its_records_as_chosen(app, client, db, make, form, credit, shown):
    steward = make.account(role="steward")
    person = make.account(name="Jeanne Personal", password=PASSWORD)
    grounds = make.dataset(steward)
    posted = client.post("/api/v1/observations", json=feature(grounds.slug), headers=person.headers)
    oid, email, user_id = posted.get_json()["id"], person.user.email, person.user.id
    db.execute(text("INSERT INTO terms_version (version, text) VALUES (1, 'Terms.')"))
    db.execute(text("INSERT INTO consent (user_id, version, way) VALUES (:u, 1, 'online')"), {"u": user_id})
    db.commit()
    assert _delete(client, person, **form).status_code == 302
    assert (
        db.scalar(text("SELECT count(*) FROM user_account WHERE id = :u OR email = :e"), {"u": user_id, "e": email})
        == 0
    )
    assert db.scalar(text("SELECT count(*) FROM api_token WHERE user_id = :u"), {"u": user_id}) == 0
    # The consent's trace stays, without the person.
    assert db.execute(text("SELECT version, user_id FROM consent")).all() == [(1, None)]
    answer = app.test_client().get(f"/api/v1/observations/{oid}")
    assert (answer.status_code == 200) == shown
    if shown:
        assert answer.get_json()["properties"]["recorded_by"] == credit
        assert "Jeanne Personal" not in answer.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # signed out


def test_a_wrong_password_deletes_nothing(client, db, make):
    person = make.account(password=PASSWORD)
    login(client, person.user.email, PASSWORD)
    token = csrf_token(client, "/account")
    client.post("/account/delete", data={"csrf_token": token, "password": "not it", "choice": "anonymous"})
    assert db.scalar(text("SELECT count(*) FROM user_account WHERE id = :u"), {"u": person.user.id}) == 1
