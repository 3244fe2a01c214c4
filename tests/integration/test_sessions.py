"""Sessions end on sign-out and password change; API tokens are listed and revoked; CSRF has no side door."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import select

from fieldapp import create_app
from fieldapp.accounts.models import ApiToken
from tests.factories import feature
from tests.integration.test_accounts import PASSWORD, cli, csrf_token, login, signed_in_as

NEW_PASSWORD = "a different long passphrase"


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def with_cookie(app, value: str):
    """A second browser holding a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def change_password(client, current: str, new: str):
    form = {"current": current, "password": new, "confirm": new, "csrf_token": csrf_token(client, "/account")}
    return client.post("/account", data=form)


# --- sessions end -----------------------------------------------------------------------------------


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app, client, make):
    account = make.account(name="Signs Out", password=PASSWORD)
    login(client, account.user.email, PASSWORD)
    copied = session_cookie(client)
    assert signed_in_as(with_cookie(app, copied)) == "Signs Out"
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert signed_in_as(with_cookie(app, copied)) is None


def test_signing_out_leaves_the_accounts_other_sessions(app, make):
    account = make.account(name="Two Devices", password=PASSWORD)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, account.user.email, PASSWORD)
    login(phone, account.user.email, PASSWORD)
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/")})
    assert signed_in_as(laptop) is None
    assert signed_in_as(phone) == "Two Devices"


def test_changing_the_password_ends_every_other_session(app, make):
    account = make.account(name="Changes Password", password=PASSWORD)
    mine, stolen = app.test_client(), app.test_client()
    login(mine, account.user.email, PASSWORD)
    login(stolen, account.user.email, PASSWORD)
    assert change_password(mine, PASSWORD, NEW_PASSWORD).status_code == 302
    assert signed_in_as(mine) == "Changes Password"
    assert signed_in_as(stolen) is None
    assert login(app.test_client(), account.user.email, PASSWORD).status_code == 401
    assert login(app.test_client(), account.user.email, NEW_PASSWORD).status_code == 302


def test_changing_the_password_needs_the_current_one(client, make):
    account = make.account(password=PASSWORD)
    login(client, account.user.email, PASSWORD)
    answer = change_password(client, "not my password", NEW_PASSWORD)
    assert answer.status_code == 400
    assert "This is not your current password." in answer.get_data(as_text=True)
    assert client.post("/account", data={"current": PASSWORD, "password": NEW_PASSWORD}).status_code == 400


def test_setting_a_password_from_the_cli_ends_every_session(app, client, make):
    account = make.account(name="Reset By Staff", password=PASSWORD)
    login(client, account.user.email, PASSWORD)
    result = cli(app, "users", "password", account.user.email, "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert signed_in_as(client) is None


def test_the_account_page_asks_anonymous_visitors_to_sign_in(client):
    for path in ("/account", "/account/tokens"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer.headers["Location"] in (f"/login?next={path}", f"/login?next={path.replace('/', '%2F')}")


# --- CSRF: only a valid bearer token skips it --------------------------------------------------------


def test_an_empty_authorization_header_does_not_skip_csrf(client, make):
    account = make.account(password=PASSWORD)
    dataset = make.dataset(account)
    login(client, account.user.email, PASSWORD)
    answer = client.post("/api/v1/observations", json=feature(dataset.slug), headers={"Authorization": ""})
    assert answer.status_code == 400
    assert "CSRF" in answer.get_json()["error"]["message"]
    upload = client.post(f"/api/v1/datasets/{dataset.slug}/imports", headers={"Authorization": ""})
    assert upload.status_code == 400
    assert "CSRF" in upload.get_json()["error"]["message"]


def test_a_valid_bearer_token_speaks_alone_and_the_cookie_is_ignored(client, make):
    cookie_owner, token_owner = make.account(name="Cookie", password=PASSWORD), make.account(name="Token")
    dataset = make.dataset(token_owner)
    login(client, cookie_owner.user.email, PASSWORD)
    answer = client.post("/api/v1/observations", json=feature(dataset.slug), headers=token_owner.headers)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["properties"]["recorded_by"] == "Token"


# --- API tokens: list and revoke ---------------------------------------------------------------------


def test_an_owner_lists_and_revokes_tokens_through_the_api(client, make, db):
    account = make.account()
    listed = client.get("/api/v1/tokens", headers=account.headers)
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["email"] == account.user.email
    assert [set(t) for t in body["tokens"]] == [{"id", "label", "created_at"}]
    assert account.token not in listed.get_data(as_text=True)
    token_id = body["tokens"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=account.headers).status_code == 204
    assert client.get("/api/v1/tokens", headers=account.headers).status_code == 401
    assert db.scalar(select(ApiToken).where(ApiToken.id == token_id)) is None


def test_nobody_else_lists_or_revokes_a_members_tokens(client, make):
    victim, other = make.account(), make.account()
    victim_token = client.get("/api/v1/tokens", headers=victim.headers).get_json()["tokens"][0]["id"]
    someone_elses = client.get("/api/v1/tokens", query_string={"email": victim.user.email}, headers=other.headers)
    assert someone_elses.status_code == 403
    assert client.delete(f"/api/v1/tokens/{victim_token}", headers=other.headers).status_code == 404
    assert client.delete("/api/v1/tokens/99999999", headers=other.headers).status_code == 404
    assert client.delete(f"/api/v1/tokens/{victim_token}").status_code == 401
    assert client.get("/api/v1/tokens", headers=victim.headers).status_code == 200


def test_staff_list_and_revoke_any_accounts_tokens(client, make):
    staff, member = make.account(role="staff"), make.account()
    listed = client.get("/api/v1/tokens", query_string={"email": member.user.email.upper()}, headers=staff.headers)
    assert listed.status_code == 200
    assert listed.get_json()["email"] == member.user.email
    token_id = listed.get_json()["tokens"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=staff.headers).status_code == 204
    assert client.get("/api/v1/tokens", headers=member.headers).status_code == 401
    unknown = client.get("/api/v1/tokens", query_string={"email": "nobody@example.org"}, headers=staff.headers)
    assert unknown.status_code == 404


def test_cookie_token_revocation_needs_the_csrf_header(client, make):
    account = make.account(password=PASSWORD)
    login(client, account.user.email, PASSWORD)
    token_id = client.get("/api/v1/tokens").get_json()["tokens"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 400
    csrf = csrf_token(client, "/")
    assert client.delete(f"/api/v1/tokens/{token_id}", headers={"X-CSRFToken": csrf}).status_code == 204


def test_the_tokens_page_makes_shows_once_and_revokes(client, make):
    account = make.account(password=PASSWORD)
    login(client, account.user.email, PASSWORD)
    made = client.post("/account/tokens", data={"label": "phone app", "csrf_token": csrf_token(client)})
    assert made.status_code == 200
    secret = re.search(r"<code>(fa_[^<]+)</code>", made.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "phone app" in page and secret not in page
    forms = re.findall(r'action="(/account/tokens/\d+/revoke)"', page)
    assert len(forms) == 2  # the factory's token and the new one
    assert client.post(forms[0]).status_code == 400  # no CSRF token
    for action in forms:
        assert client.post(action, data={"csrf_token": csrf_token(client)}).status_code == 303
    assert client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "No API tokens." in client.get("/account/tokens").get_data(as_text=True)


def test_staff_see_another_accounts_tokens_page_and_members_do_not(app, make):
    staff, member = make.account(role="staff", password=PASSWORD), make.account(password=PASSWORD)
    staff_client, member_client = app.test_client(), app.test_client()
    login(staff_client, staff.user.email, PASSWORD)
    login(member_client, member.user.email, PASSWORD)
    page = staff_client.get("/account/tokens", query_string={"email": member.user.email})
    assert page.status_code == 200
    assert f"API tokens of {member.user.email}" in page.get_data(as_text=True)
    assert member_client.get("/account/tokens", query_string={"email": staff.user.email}).status_code == 403


def test_the_openapi_document_describes_the_token_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/tokens"]["get"]["operationId"] == "listApiTokens"
    assert paths["/tokens/{token_id}"]["delete"]["operationId"] == "revokeApiToken"


# --- production cookies ---------------------------------------------------------------------------


def test_production_sends_the_session_cookie_secure_httponly_and_lax(settings, migrated):
    production = create_app(replace(settings, development=False, testing=False))
    try:
        answer = production.test_client().get("/login", base_url="https://fieldapp.example")
        cookie = answer.headers["Set-Cookie"]
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    finally:
        production.extensions["fieldapp.db"].engine.dispose()
