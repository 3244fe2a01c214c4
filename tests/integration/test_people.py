"""Staff run accounts from the web and the CLI: roles, deactivation, one-time links, invitations by email."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import hashlib
import re
import socket
from datetime import datetime

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, text

from fieldapp import create_app
from fieldapp.access import may_import, viewer_of
from fieldapp.accounts.models import OneTimeLink, User
from tests.integration.test_accounts import PASSWORD, cli, csrf_token, login, signed_in_as, unique_email

NEW_PASSWORD = "a fresh long passphrase"


def signed_in(client, make, role="member", name=None):
    account = make.account(role=role, password=PASSWORD, name=name)
    assert login(client, account.user.email, PASSWORD).status_code == 302
    return account


def post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **(data or {})})


def shown_link(page: str) -> str:
    match = re.search(r'value="(http://[^"]+/account/set-password/([^"]+))"', page)
    assert match, page
    return "/account/set-password/" + match.group(2)


def set_password(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, data={"password": password, "confirm": password, "csrf_token": csrf_token(client, path)})


# --- who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "steward"])
def test_non_staff_are_refused_every_staff_page(client, make, role):
    target = make.account()
    signed_in(client, make, role=role)
    for path in ("/admin/people", f"/admin/people/{target.user.id}", "/admin/people/invite"):
        assert client.get(path).status_code == 403, path
    for path, data in [
        (f"/admin/people/{target.user.id}/role", {"role": "staff"}),
        (f"/admin/people/{target.user.id}/active", {"active": "off"}),
        (f"/admin/people/{target.user.id}/reset", {}),
        (f"/admin/people/{target.user.id}/creator", {"allowed": "on"}),
        ("/admin/people/invite", {"email": unique_email(), "role": "admin"}),
    ]:
        assert post(client, path, data).status_code == 403, path
    assert "People</a>" not in client.get("/").text


def test_anonymous_visitors_are_asked_to_sign_in(client, make):
    assert client.get("/admin/people").status_code == 401


def test_a_staff_form_needs_its_csrf_token(client, make, db):
    target = make.account()
    signed_in(client, make, role="staff")
    assert client.post(f"/admin/people/{target.user.id}/role", data={"role": "staff"}).status_code == 400
    db.expire_all()
    assert db.get(User, target.user.id).role == "member"


def test_staff_list_search_and_change_a_role(client, make, db):
    target = make.account(name="<b>Marie</b>")
    signed_in(client, make, role="staff")
    listed = client.get("/admin/people", query_string={"q": target.user.email[:12]})
    assert target.user.email in listed.text and "&lt;b&gt;Marie&lt;/b&gt;" in listed.text
    assert client.get("/admin/people", query_string={"q": "%"}).status_code == 200
    assert post(client, f"/admin/people/{target.user.id}/role", {"role": "steward"}).status_code == 303
    db.expire_all()
    assert db.get(User, target.user.id).role == "steward"
    bad = post(client, f"/admin/people/{target.user.id}/role", {"role": "king"})
    assert bad.status_code == 422 and "role" in bad.text
    # Staff do not make admins, nor change their own standing.
    assert post(client, f"/admin/people/{target.user.id}/role", {"role": "admin"}).status_code == 403
    assert client.get("/admin/people/999999999999").status_code == 404


def test_staff_cannot_act_on_an_admin_or_themselves(client, make, db):
    admin = make.account(role="admin")
    staff = signed_in(client, make, role="staff")
    assert post(client, f"/admin/people/{admin.user.id}/active", {"active": "off"}).status_code == 403
    assert post(client, f"/admin/people/{staff.user.id}/role", {"role": "member"}).status_code == 403
    assert post(client, f"/admin/people/{staff.user.id}/active", {"active": "off"}).status_code == 403


def test_a_deactivated_account_cannot_sign_in_nor_use_its_token_or_session(app, client, make, db):
    person = make.account(password=PASSWORD, name="Deactivated Dora")
    other = app.test_client()
    assert login(other, person.user.email, PASSWORD).status_code == 302
    assert signed_in_as(other) == "Deactivated Dora"
    signed_in(client, make, role="staff")
    assert post(client, f"/admin/people/{person.user.id}/active", {"active": "off"}).status_code == 303
    assert client.get("/account", headers=person.headers).status_code == 401
    assert signed_in_as(other) is None
    assert login(app.test_client(), person.user.email, PASSWORD).status_code == 401
    assert post(client, f"/admin/people/{person.user.id}/active", {"active": "on"}).status_code == 303
    assert client.get("/account", headers=person.headers).status_code == 200


# --- one-time links ------------------------------------------------------------------------------


def test_a_reset_link_works_once_and_is_stored_hashed(app, client, make, db):
    person = make.account(password=PASSWORD, name="Reset Rita")
    signed_in(client, make, role="staff")
    page = post(client, f"/admin/people/{person.user.id}/reset")
    assert page.status_code == 200
    path = shown_link(page.text)
    secret = path.rsplit("/", 1)[1]
    stored = db.scalars(select(OneTimeLink.token_hash).where(OneTimeLink.user_id == person.user.id)).all()
    assert stored == [hashlib.sha256(secret.encode()).hexdigest()]
    invitee = app.test_client()
    form = invitee.get(path)
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    short = set_password(invitee, path, "short")
    assert short.status_code == 400 and "password" in short.text
    assert set_password(invitee, path).status_code == 303
    assert signed_in_as(invitee) == "Reset Rita"
    assert login(app.test_client(), person.user.email, PASSWORD).status_code == 401
    assert login(app.test_client(), person.user.email, NEW_PASSWORD).status_code == 302
    # Used: it works no more.
    again = app.test_client()
    assert again.get(path).status_code == 404
    assert again.post(path, data={"password": "x" * 12, "confirm": "x" * 12}).status_code in (400, 404)


def test_an_expired_link_and_a_deactivated_accounts_link_do_nothing(app, client, make, db):
    person = make.account(password=PASSWORD)
    signed_in(client, make, role="staff")
    path = shown_link(post(client, f"/admin/people/{person.user.id}/reset").text)
    db.execute(
        text("UPDATE one_time_link SET expires_at = now() - interval '1 minute' WHERE user_id = :u"),
        {"u": person.user.id},
    )
    db.commit()
    assert app.test_client().get(path).status_code == 404
    path = shown_link(post(client, f"/admin/people/{person.user.id}/reset").text)
    assert app.test_client().get(path).status_code == 200
    assert post(client, f"/admin/people/{person.user.id}/active", {"active": "off"}).status_code == 303
    visitor = app.test_client()
    assert visitor.get(path).status_code == 404
    assert app.test_client().get("/account/set-password/fl_guessed").status_code == 404


def test_a_new_reset_link_replaces_the_earlier_one(app, client, make):
    person = make.account(password=PASSWORD)
    signed_in(client, make, role="staff")
    first = shown_link(post(client, f"/admin/people/{person.user.id}/reset").text)
    second = shown_link(post(client, f"/admin/people/{person.user.id}/reset").text)
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


# --- invitations ---------------------------------------------------------------------------------


def test_staff_invite_a_steward_who_sets_their_own_password(app, client, make, db, dataset):
    signed_in(client, make, role="staff")
    email = unique_email("scientist")
    page = post(
        client,
        "/admin/people/invite",
        {"email": email, "name": "Dr Le Sueur", "role": "member", "datasets": str(dataset.id)},
    )
    assert page.status_code == 200, page.text
    path = shown_link(page.text)
    invited = db.scalar(select(User).where(User.email == email))
    assert invited.password_hash is None
    assert may_import(db, viewer_of(invited), dataset.id)
    scientist = app.test_client()
    assert set_password(scientist, path).status_code == 303
    assert signed_in_as(scientist) == "Dr Le Sueur"
    assert f"/datasets/{dataset.slug}/edit" in scientist.get(f"/datasets/{dataset.slug}").text
    taken = post(client, "/admin/people/invite", {"email": email, "role": "member"})
    assert taken.status_code == 409 and "email" in taken.text
    bad = post(client, "/admin/people/invite", {"email": unique_email(), "role": "member", "datasets": "x"})
    assert bad.status_code == 422 and "datasets" in bad.text


class Inbox:
    """What a real SMTP server (aiosmtpd) received."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@pytest.fixture
def mail_app(settings, migrated, connection, smtp):
    app = create_app(dataclasses.replace(settings, smtp_url=smtp[1], mail_from="park@example.org"))
    app.extensions["fieldapp.db"].bind_to(connection)
    yield app
    app.extensions["fieldapp.db"].engine.dispose()


def test_with_smtp_the_invitation_is_emailed_not_shown(mail_app, make, smtp):
    inbox, _ = smtp
    client = mail_app.test_client()
    signed_in(client, make, role="staff")
    address = unique_email("warden")
    page = post(client, "/admin/people/invite", {"email": address, "role": "member"})
    assert page.status_code == 200
    assert "/account/set-password/" not in page.text and "We have emailed them" in page.text
    [message] = inbox.messages
    assert message.rcpt_tos == [address] and message.mail_from == "park@example.org"
    body = email.message_from_bytes(message.content, policy=email.policy.default).get_content()
    link = re.search(r"http://\S+/account/set-password/(\S+)", body).group(1)
    invitee = mail_app.test_client()
    assert set_password(invitee, f"/account/set-password/{link}").status_code == 303


def test_without_a_reachable_server_the_link_is_shown(app, settings, migrated, connection, make):
    broken = create_app(dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{_free_port()}"))
    broken.extensions["fieldapp.db"].bind_to(connection)
    client = broken.test_client()
    signed_in(client, make, role="staff")
    page = post(client, "/admin/people/invite", {"email": unique_email(), "role": "member"})
    assert "could not be sent" in page.text and "/account/set-password/" in page.text
    broken.extensions["fieldapp.db"].engine.dispose()


# --- the CLI -------------------------------------------------------------------------------------


def test_cli_users_list_role_deactivate_reset_tokens_invite(app, make, db, dataset):
    person = make.account(password=PASSWORD)
    email = person.user.email
    listed = cli(app, "users", "list", "--search", email)
    assert listed.exit_code == 0 and email in listed.output and "active" in listed.output
    assert cli(app, "users", "role", email, "steward").exit_code == 0
    db.expire_all()
    assert db.get(User, person.user.id).role == "steward"
    assert cli(app, "users", "deactivate", email).exit_code == 0
    assert "deactivated" in cli(app, "users", "list", "--search", email).output
    assert cli(app, "users", "reactivate", email).exit_code == 0
    tokens = cli(app, "users", "tokens", email)
    assert tokens.exit_code == 0 and len(tokens.output.strip().splitlines()) == 1
    reset = cli(app, "users", "reset", email)
    assert reset.exit_code == 0
    path = re.search(r"(/account/set-password/\S+)", reset.output).group(1)
    assert set_password(app.test_client(), path).status_code == 303
    invited = cli(app, "users", "invite", unique_email("cli"), "--role", "steward", "--steward", dataset.slug)
    assert invited.exit_code == 0 and "/account/set-password/" in invited.output
    unknown = cli(app, "users", "role", "nobody@example.org", "staff")
    assert unknown.exit_code != 0 and "No account" in unknown.output


# --- people by API (issue 13) ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "steward"])
def test_non_staff_are_refused_the_people_api(client, make, db, role):
    caller, target = make.account(role=role), make.account()
    assert client.get("/api/v1/people", headers=caller.headers).status_code == 403
    refused = client.patch(f"/api/v1/people/{target.user.id}", json={"role": "staff"}, headers=caller.headers)
    assert refused.status_code == 403
    own = client.patch(f"/api/v1/people/{caller.user.id}", json={"role": "admin"}, headers=caller.headers)
    assert own.status_code == 403
    db.expire_all()
    assert target.user.role == "member" and caller.user.role == role
    assert client.get("/api/v1/people").status_code == 401


def test_staff_list_and_change_role_and_state_by_api_within_the_rules(client, make, db):
    staff, admin = make.account(role="staff"), make.account(role="admin")
    target = make.account(name="Target Tam")
    found = client.get("/api/v1/people?q=Target Tam", headers=staff.headers)
    assert found.status_code == 200, found.text
    assert [p["id"] for p in found.json["people"]] == [target.user.id]
    changed = client.patch(
        f"/api/v1/people/{target.user.id}", json={"role": "steward", "active": False}, headers=staff.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json["role"] == "steward" and changed.json["active"] is False
    db.expire_all()
    assert target.user.role == "steward" and target.user.active is False
    # Staff never act on an admin nor on themselves, nor give the admin role.
    for user_id, body in ((admin.user.id, {"active": False}), (staff.user.id, {"role": "member"})):
        assert client.patch(f"/api/v1/people/{user_id}", json=body, headers=staff.headers).status_code == 403
    made_admin = client.patch(f"/api/v1/people/{target.user.id}", json={"role": "admin"}, headers=staff.headers)
    assert made_admin.status_code == 403
    for body, name in (({"role": "king"}, "role"), ({"active": "maybe"}, "active"), ({"x": 1}, "x")):
        bad = client.patch(f"/api/v1/people/{target.user.id}", json=body, headers=staff.headers)
        assert bad.status_code == 422 and name in bad.text, (body, bad.text)
    assert client.patch("/api/v1/people/999999", json={"active": True}, headers=staff.headers).status_code == 404


HUGE_IDS = ("0", "2147483648", "99999999999999999999999", "-1")


@pytest.mark.parametrize("role", ["member", "steward"])
def test_non_staff_are_refused_one_account_invitations_and_resets_by_api(client, make, db, role):
    caller, target = make.account(role=role), make.account(password=PASSWORD)
    assert client.get(f"/api/v1/people/{target.user.id}", headers=caller.headers).status_code == 403
    invited = client.post(
        "/api/v1/invitations", json={"email": unique_email(), "role": "member"}, headers=caller.headers
    )
    assert invited.status_code == 403
    reset = client.post(f"/api/v1/people/{target.user.id}/password-reset", headers=caller.headers)
    assert reset.status_code == 403
    assert db.scalar(select(OneTimeLink.id).where(OneTimeLink.user_id == target.user.id)) is None
    # Anonymous visitors are asked to sign in.
    assert client.get(f"/api/v1/people/{target.user.id}").status_code == 401
    assert client.post("/api/v1/invitations", json={"email": unique_email()}).status_code == 401
    assert client.post(f"/api/v1/people/{target.user.id}/password-reset").status_code == 401


def test_staff_read_one_account_as_the_list_shows_it(client, make):
    staff, target = make.account(role="staff"), make.account(name="Single Sam")
    one = client.get(f"/api/v1/people/{target.user.id}", headers=staff.headers)
    assert one.status_code == 200, one.text
    listed = client.get("/api/v1/people", query_string={"q": "Single Sam"}, headers=staff.headers).json["people"]
    assert listed == [one.json]
    # Times in ISO 8601, as documented (the list once answered HTTP dates).
    assert datetime.fromisoformat(one.json["created_at"]).tzinfo is not None
    assert one.json["email"] == target.user.email and one.json["has_password"] is False
    for bad in HUGE_IDS:
        assert client.get(f"/api/v1/people/{bad}", headers=staff.headers).status_code in (400, 404), bad
    assert client.get(f"/api/v1/people/{target.user.id}?x=1", headers=staff.headers).status_code == 400


def test_staff_invite_by_api_and_the_invitee_sets_a_password(app, client, make, db, dataset):
    staff = make.account(role="staff")
    address = unique_email("api-scientist")
    body = {"email": address, "name": "Dr Api", "role": "member", "datasets": [dataset.slug]}
    answer = client.post("/api/v1/invitations", json=body, headers=staff.headers)
    assert answer.status_code == 201, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json["emailed"] is False and answer.json["hours"] > 0
    person = answer.json["person"]
    assert (person["email"], person["display_name"], person["has_password"]) == (address, "Dr Api", False)
    assert answer.headers["Location"].endswith(f"/api/v1/people/{person['id']}")
    invited = db.get(User, person["id"])
    assert may_import(db, viewer_of(invited), dataset.id)
    path = "/account/set-password/" + answer.json["link"].rsplit("/", 1)[1]
    scientist = app.test_client()
    assert set_password(scientist, path).status_code == 303
    assert signed_in_as(scientist) == "Dr Api"
    again = client.post("/api/v1/invitations", json=body, headers=staff.headers)
    assert again.status_code == 409 and again.json["error"]["details"][0]["path"] == "email"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "member"}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "x@example.org", "role": "king"}, "role"),
        ({"email": "x@example.org", "datasets": ["no-such-dataset"]}, "datasets"),
        ({"email": "x@example.org", "datasets": "demo"}, "datasets"),
        ({"email": "x@example.org", "name": "n" * 500}, "name"),
        ({"email": "x@example.org", "extra": 1}, "extra"),
    ],
)
def test_a_bad_invitation_is_refused_naming_the_field(client, make, db, body, field):
    staff = make.account(role="staff")
    answer = client.post("/api/v1/invitations", json=body, headers=staff.headers)
    assert answer.status_code == 422, answer.text
    assert field in [d["path"] for d in answer.json["error"]["details"]], answer.json
    assert db.scalar(select(User.id).where(User.email == "x@example.org")) is None


def test_only_an_admin_invites_an_admin_by_api(client, make, db):
    staff, admin = make.account(role="staff"), make.account(role="admin")
    refused = client.post("/api/v1/invitations", json={"email": unique_email(), "role": "admin"}, headers=staff.headers)
    assert refused.status_code == 403
    made = client.post("/api/v1/invitations", json={"email": unique_email(), "role": "admin"}, headers=admin.headers)
    assert made.status_code == 201 and made.json["person"]["role"] == "admin"


def test_staff_reset_a_password_by_api_within_the_rules(app, client, make, db):
    staff, admin = make.account(role="staff"), make.account(role="admin")
    person = make.account(password=PASSWORD, name="Api Reset")
    first = client.post(f"/api/v1/people/{person.user.id}/password-reset", headers=staff.headers)
    assert first.status_code == 200, first.text
    assert first.headers["Cache-Control"] == "no-store" and first.json["person"]["id"] == person.user.id
    second = client.post(f"/api/v1/people/{person.user.id}/password-reset", headers=staff.headers)
    old, new = ("/account/set-password/" + a.json["link"].rsplit("/", 1)[1] for a in (first, second))
    assert app.test_client().get(old).status_code == 404
    assert set_password(app.test_client(), new).status_code == 303
    assert login(app.test_client(), person.user.email, NEW_PASSWORD).status_code == 302
    # Staff never reset an admin's password, nor their own by this way.
    for user_id in (admin.user.id, staff.user.id):
        assert client.post(f"/api/v1/people/{user_id}/password-reset", headers=staff.headers).status_code == 403
    for bad in HUGE_IDS:
        answer = client.post(f"/api/v1/people/{bad}/password-reset", headers=staff.headers)
        assert answer.status_code in (400, 404), bad


def test_with_smtp_the_api_emails_the_invitation_and_the_reset(mail_app, make, smtp):
    inbox, _ = smtp
    client = mail_app.test_client()
    staff, person = make.account(role="staff"), make.account(password=PASSWORD)
    address = unique_email("mailed")
    invited = client.post("/api/v1/invitations", json={"email": address}, headers=staff.headers)
    assert invited.status_code == 201 and invited.json["emailed"] is True and invited.json["link"] is None
    reset = client.post(f"/api/v1/people/{person.user.id}/password-reset", headers=staff.headers)
    assert reset.json["emailed"] is True and reset.json["link"] is None
    assert [m.rcpt_tos for m in inbox.messages] == [[address], [person.user.email]]
    bodies = [email.message_from_bytes(m.content, policy=email.policy.default).get_content() for m in inbox.messages]
    assert "invited you to fieldapp" in bodies[0] and "choose a new password" in bodies[1]
    link = re.search(r"http://\S+/account/set-password/(\S+)", bodies[0]).group(1)
    assert set_password(mail_app.test_client(), f"/account/set-password/{link}").status_code == 303
