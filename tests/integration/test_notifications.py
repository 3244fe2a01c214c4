"""Notifications: the recorder's inbox and unread count, answers to annotations, email digests."""

from __future__ import annotations

import email
import email.policy

from sqlalchemy import text

from tests.factories import feature
from tests.integration.test_accounts import PASSWORD, SCRIPT, cli, csrf_token, login
from tests.integration.test_people import mail_app, smtp  # noqa: F401 (fixtures)


def _record(client, account, dataset) -> str:
    answer = client.post("/api/v1/observations", json=feature(dataset.slug), headers=account.headers)
    assert answer.status_code == 201
    return answer.json["id"]


def _annotate(client, account, oid, kind="question", body="Where exactly?"):
    answer = client.post(
        f"/api/v1/observations/{oid}/annotations", json={"kind": kind, "body": body}, headers=account.headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json["id"]


def test_a_question_reaches_the_recorders_inbox_and_the_answer_the_asker(client, make, dataset):
    scientist, fisher = make.account(name="Scientist"), make.account(name="Fisher")
    oid = _record(client, scientist, dataset)
    _annotate(client, scientist, oid, kind="context", body="my own note")
    assert client.get("/account/inbox", headers=scientist.headers).text.count('<li class="unread"') == 0
    question = _annotate(client, fisher, oid, body=SCRIPT)
    page = client.get("/account/inbox", headers=scientist.headers).text
    assert "Fisher asked a question about" in page and f"/observations/{oid}" in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert 'class="unread-count"' in page and ">1</span>" in page
    assert "Fisher asked" not in client.get("/account/inbox", headers=fisher.headers).text
    answered = client.post(
        f"/api/v1/observations/{oid}/annotations/{question}/response",
        json={"action": "answer", "response": "At the slipway."},
        headers=scientist.headers,
    )
    assert answered.status_code == 200, answered.text
    fisher_inbox = client.get("/account/inbox", headers=fisher.headers).text
    assert "Scientist answered your annotation on" in fisher_inbox and "At the slipway." in fisher_inbox


def test_corroborations_and_corrections_are_told_too(client, make, dataset):
    recorder, other = make.account(), make.account(name="Other")
    oid = _record(client, recorder, dataset)
    _annotate(client, other, oid, kind="corroborate", body="")
    page = client.get("/account/inbox", headers=recorder.headers).text
    assert "Other has seen this too" in page


def test_marking_read_needs_csrf_and_clears_the_count(client, make, dataset):
    recorder = make.account(password=PASSWORD)
    oid = _record(client, recorder, dataset)
    _annotate(client, make.account(), oid)
    assert login(client, recorder.user.email, PASSWORD).status_code == 302
    assert 'class="unread-count"' in client.get("/").text
    assert client.post("/account/inbox/read").status_code == 400
    assert client.post("/account/inbox/read", data={"csrf_token": csrf_token(client, "/")}).status_code == 303
    assert 'class="unread-count"' not in client.get("/").text
    assert client.get("/account/inbox").status_code == 200


def test_the_inbox_needs_a_signed_in_person(client):
    assert client.get("/account/inbox").status_code == 302
    assert client.post("/account/inbox/read").status_code in (400, 401)


def test_a_deactivated_recorder_is_not_told(client, make, db, dataset):
    recorder = make.account()
    oid = _record(client, recorder, dataset)
    recorder.user.active = False
    db.commit()
    _annotate(client, make.account(), oid)
    count = db.execute(text("SELECT count(*) FROM notification WHERE user_id = :u"), {"u": recorder.user.id})
    assert count.scalar() == 0


def test_the_digest_emails_each_unread_notification_once(mail_app, make, smtp):  # noqa: F811
    inbox, _ = smtp
    client = mail_app.test_client()
    steward = make.account(role="steward")
    dataset = make.dataset(steward)
    recorder = make.account()
    oid = _record(client, recorder, dataset)
    _annotate(client, make.account(name="Asker"), oid)
    first = cli(mail_app, "notifications", "digest")
    assert first.exit_code == 0 and "Sent 1 digest(s)." in first.output
    [message] = inbox.messages
    assert message.rcpt_tos == [recorder.user.email]
    body = email.message_from_bytes(message.content, policy=email.policy.default).get_content()
    assert "Asker asked a question about" in body and f"/observations/{oid}" in body
    again = cli(mail_app, "notifications", "digest")
    assert "Sent 0 digest(s)." in again.output and len(inbox.messages) == 1


def test_without_smtp_the_digest_says_so(app):
    result = cli(app, "notifications", "digest")
    assert result.exit_code != 0 and "FIELDAPP_SMTP_URL" in result.output


# --- the inbox by API (issue 13) -------------------------------------------------------------------


def test_the_inbox_api_lists_my_notifications_with_unread_flags_and_marks_some_read(client, make, dataset):
    recorder, asker, stranger = make.account(), make.account(name="Asker"), make.account()
    oid = _record(client, recorder, dataset)
    _annotate(client, asker, oid, body="first")
    _annotate(client, asker, oid, body="second")
    listed = client.get("/api/v1/me/notifications", headers=recorder.headers)
    assert listed.status_code == 200, listed.text
    assert listed.json["unread_count"] == 2
    items = listed.json["notifications"]
    assert [i["body"] for i in items] == ["second", "first"]
    assert all(i["unread"] and i["read_at"] is None and i["who"] == "Asker" for i in items)
    assert {i["observation_id"] for i in items} == {oid}
    older = next(i["id"] for i in items if i["body"] == "first")
    # Another person's ids change nothing of mine, and theirs show nothing of mine.
    assert client.get("/api/v1/me/notifications", headers=stranger.headers).json == {
        "unread_count": 0,
        "notifications": [],
    }
    theirs = client.post("/api/v1/me/notifications/read", json={"ids": [older]}, headers=stranger.headers)
    assert theirs.status_code == 200 and theirs.json["marked"] == 0
    assert client.get("/api/v1/me/notifications", headers=recorder.headers).json["unread_count"] == 2
    marked = client.post("/api/v1/me/notifications/read", json={"ids": [older]}, headers=recorder.headers)
    assert marked.status_code == 200 and marked.json == {"marked": 1, "unread_count": 1}
    unread = client.get("/api/v1/me/notifications?unread=true", headers=recorder.headers).json["notifications"]
    assert [i["body"] for i in unread] == ["second"]
    every = client.get("/api/v1/me/notifications", headers=recorder.headers).json["notifications"]
    assert {i["body"]: i["unread"] for i in every} == {"first": False, "second": True}
    everything = client.post("/api/v1/me/notifications/read", json={}, headers=recorder.headers)
    assert everything.json == {"marked": 1, "unread_count": 0}
    assert client.get("/api/v1/me/notifications?unread=true", headers=recorder.headers).json["notifications"] == []


def test_the_inbox_api_needs_a_token_and_names_bad_fields(client, make):
    assert client.get("/api/v1/me/notifications").status_code == 401
    assert client.post("/api/v1/me/notifications/read", json={}).status_code in (400, 401)
    account = make.account()
    bad_flag = client.get("/api/v1/me/notifications?unread=perhaps", headers=account.headers)
    assert bad_flag.status_code == 400 and "unread" in bad_flag.text
    for body in ({"ids": ["x"]}, {"ids": [0]}, {"ids": []}, {"ids": [2**31]}, {"everything": True}):
        answer = client.post("/api/v1/me/notifications/read", json=body, headers=account.headers)
        assert 400 <= answer.status_code < 500, (body, answer.text)
        assert ("ids" if "ids" in body else "everything") in answer.text, (body, answer.text)
