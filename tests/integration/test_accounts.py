"""Accounts: registration, sign-in and out, the failed-login limit, CSRF, API tokens, the CLI, the home page."""

from __future__ import annotations

import hashlib
import re
import uuid
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select, text

from fieldapp.accounts.models import ApiToken, User
from fieldapp.cli import main
from tests.factories import feature

PASSWORD = "correct horse battery"
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def unique_email(label: str = "person") -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}@example.org"


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page hands to this client's session (from the meta tag every page carries)."""
    page = client.get(path)
    assert page.status_code == 200
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def register(client, email: str, name: str = "Marie Le Brocq", password: str = PASSWORD, **extra):
    form = {
        "email": email,
        "display_name": name,
        "password": password,
        "confirm": password,
        "csrf_token": csrf_token(client, "/register"),
        **extra,
    }
    return client.post("/register", data=form)


def login(client, email: str, password: str, path: str = "/login"):
    return client.post(path, data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def signed_in_as(client) -> str | None:
    match = re.search(r"Signed in as ([^<]+)</span>", client.get("/").get_data(as_text=True))
    return match.group(1).strip() if match else None


def user_by_email(db, email: str) -> User | None:
    db.expire_all()
    return db.scalar(select(User).where(User.email == email))


# --- registration ---------------------------------------------------------------------------------


def test_register_page_carries_a_csrf_token(client):
    page = client.get("/register")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.get_data(as_text=True)


def test_register_without_csrf_token_is_rejected_and_creates_nothing(client, db):
    email = unique_email()
    answer = client.post(
        "/register", data={"email": email, "display_name": "No Token", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert answer.status_code == 400
    assert user_by_email(db, email) is None


def test_register_creates_an_account_with_an_argon2id_hash_then_its_owner_signs_in(client, db):
    """Registering does not sign in (a taken email must get the same answer): the new owner signs in next."""
    email = unique_email()
    answer = register(client, email, name="Marie Le Brocq")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/login"
    user = user_by_email(db, email)
    assert user is not None and user.role == "member"
    assert user.contributor.display_name == "Marie Le Brocq"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert signed_in_as(client) is None
    assert login(client, email, PASSWORD).status_code == 302
    assert signed_in_as(client) == "Marie Le Brocq"


def test_register_refuses_different_passwords(client, db):
    other = unique_email()
    mismatch = register(client, other, confirm="something else entirely")
    assert mismatch.status_code == 400
    assert "The passwords differ." in mismatch.get_data(as_text=True)
    assert user_by_email(db, other) is None


# --- sign in and out ------------------------------------------------------------------------------


def test_login_with_the_right_password_signs_in(client, make):
    account = make.account(name="Warden Renouf", password=PASSWORD)
    answer = login(client, account.user.email, PASSWORD)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"
    assert signed_in_as(client) == "Warden Renouf"


def test_login_with_a_wrong_password_is_refused(client, make):
    account = make.account(password=PASSWORD)
    answer = login(client, account.user.email, "not the password")
    assert answer.status_code == 401
    assert "That email and password do not match an account." in answer.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_login_for_an_unknown_email_says_the_same(client):
    answer = login(client, unique_email("nobody"), PASSWORD)
    assert answer.status_code == 401
    assert "That email and password do not match an account." in answer.get_data(as_text=True)


def test_login_without_csrf_token_is_rejected(client, make):
    account = make.account(password=PASSWORD)
    answer = client.post("/login", data={"email": account.user.email, "password": PASSWORD})
    assert answer.status_code == 400
    assert signed_in_as(client) is None


def test_logout_needs_a_post_with_its_csrf_token(client, make):
    account = make.account(name="Leaving Soon", password=PASSWORD)
    login(client, account.user.email, PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert signed_in_as(client) == "Leaving Soon"
    answer = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert answer.status_code == 302
    assert signed_in_as(client) is None


# --- the next redirect ----------------------------------------------------------------------------


def test_next_redirects_to_a_path_on_this_site(client, make):
    account = make.account(password=PASSWORD)
    answer = login(client, account.user.email, PASSWORD, path="/login?next=/register%3Fa%3D1")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/register?a=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "http:evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_refuses_other_hosts(client, make, target):
    account = make.account(password=PASSWORD)
    client.get("/login")
    answer = client.post(
        "/login",
        query_string={"next": target},
        data={"email": account.user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert answer.status_code == 302
    assert stays_on_site(answer.headers["Location"]), answer.headers["Location"]


def stays_on_site(location: str) -> bool:
    """Resolve a Location as a browser would (backslash is a slash, tabs and newlines vanish)."""
    browser_view = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    resolved = urlsplit(urljoin("http://localhost/login", browser_view))
    return resolved.scheme == "http" and resolved.netloc == "localhost"


def test_stays_on_site_sees_what_browsers_see():
    assert stays_on_site("/") and stays_on_site("/%5Cevil.example")
    assert not any(stays_on_site(t) for t in ("//evil.example", "/\\evil.example", "/\t/evil.example"))


# --- API writes: cookie needs CSRF, bearer does not -----------------------------------------------


def test_cookie_api_write_needs_the_csrf_header(client, make):
    account = make.account(password=PASSWORD)
    dataset = make.dataset(account)
    login(client, account.user.email, PASSWORD)
    refused = client.post("/api/v1/observations", json=feature(dataset.slug))
    assert refused.status_code == 400
    assert "CSRF" in refused.get_json()["error"]["message"]
    forged = client.post("/api/v1/observations", json=feature(dataset.slug), headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    token = csrf_token(client, "/")
    accepted = client.post("/api/v1/observations", json=feature(dataset.slug), headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.get_json()
    assert accepted.get_json()["properties"]["recorded_by"] == account.user.contributor.display_name


def test_cookie_api_reads_need_no_csrf(client, make):
    account = make.account(password=PASSWORD)
    login(client, account.user.email, PASSWORD)
    assert client.get("/api/v1/observations").status_code == 200


def test_bearer_api_write_needs_no_csrf(client, make):
    account = make.account()
    dataset = make.dataset(account)
    answer = client.post("/api/v1/observations", json=feature(dataset.slug), headers=account.headers)
    assert answer.status_code == 201, answer.get_json()


def test_bad_bearer_tokens_are_refused(client, make):
    dataset = make.dataset(make.account())
    for header in ("Bearer fa_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer "):
        answer = client.post("/api/v1/observations", json=feature(dataset.slug), headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert answer.get_json()["error"]["message"]


def test_api_tokens_are_hashed_at_rest(make, db, connection):
    account = make.account()
    rows = (
        connection.execute(text("SELECT t.*::text FROM api_token t WHERE user_id = :u"), {"u": account.user.id})
        .scalars()
        .all()
    )
    assert len(rows) == 1
    assert account.token not in rows[0]
    stored = db.scalar(select(ApiToken.token_hash).where(ApiToken.user_id == account.user.id))
    assert stored == hashlib.sha256(account.token.encode()).hexdigest()


# --- the CLI (it commits through the app's sessionmaker, which the connection fixture binds) ------


def cli(app, *args: str):
    """Run the real `fieldapp` command group (which pushes the app context) on the test app."""
    return app.test_cli_runner().invoke(main, args=list(args))


def printed_token(output: str) -> str:
    match = re.search(r"API token \(shown once\): (\S+)", output)
    assert match, output
    return match.group(1)


def test_cli_users_create_with_token_prints_a_working_bearer_token(app, client, make, db):
    email = unique_email("cli")
    result = cli(app, "users", "create", email, "--role", "steward", "--name", "Jersey Wardens", "--token")
    assert result.exit_code == 0, result.output
    assert f"Created steward {email}" in result.output
    token = printed_token(result.output)
    user = user_by_email(db, email)
    assert user.role == "steward" and user.contributor.display_name == "Jersey Wardens"
    dataset = make.dataset(make.account())
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.post("/api/v1/observations", json=feature(dataset.slug), headers=headers)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["properties"]["recorded_by"] == "Jersey Wardens"
    # The CLI's commit stayed inside the test's transaction: another connection cannot see the account.
    with app.extensions["fieldapp.db"].engine.connect() as outside:
        seen = outside.execute(text("SELECT count(*) FROM user_account WHERE email = :e"), {"e": email}).scalar()
    assert seen == 0


def test_cli_account_without_password_cannot_sign_in_but_its_token_works(app, client, make):
    email = unique_email("tokenonly")
    result = cli(app, "users", "create", email, "--token")
    assert result.exit_code == 0, result.output
    token = printed_token(result.output)
    for guess in ("", "anything at all", "None"):
        answer = client.post("/login", data={"email": email, "password": guess, "csrf_token": csrf_token(client)})
        assert answer.status_code in (400, 401)
        assert signed_in_as(client) is None
    dataset = make.dataset(make.account())
    answer = client.post(
        "/api/v1/observations", json=feature(dataset.slug), headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 201, answer.get_json()


def test_cli_users_create_with_password_can_sign_in_and_prints_no_token(app, client):
    email = unique_email("cli")
    result = cli(app, "users", "create", email, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "API token" not in result.output
    assert login(client, email, PASSWORD).status_code == 302


def test_cli_users_password_lets_a_token_only_account_sign_in(app, client):
    email = unique_email("later")
    assert cli(app, "users", "create", email).exit_code == 0
    assert login(client, email, PASSWORD).status_code == 401
    result = cli(app, "users", "password", email, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert login(client, email, PASSWORD).status_code == 302


def test_cli_users_create_refuses_a_taken_email_and_a_short_password(app, db):
    email = unique_email("twice")
    assert cli(app, "users", "create", email).exit_code == 0
    again = cli(app, "users", "create", email)
    assert again.exit_code != 0
    assert "already exists" in again.output
    short = cli(app, "users", "create", unique_email("short"), "--password", "short")
    assert short.exit_code != 0
    assert "at least" in short.output


# --- the home page --------------------------------------------------------------------------------


def test_home_lists_datasets_and_recent_public_observations_with_attribution(client, make):
    warden = make.account(name="Ana Pallot")
    dataset = make.dataset(warden, title="Wardens' shore sightings", knowledge_kind="volunteer", licence="CC0-1.0")
    public = feature(dataset.slug, subject_text="ormer", visibility="public")
    private = feature(dataset.slug, subject_text="secret seal haul-out", visibility="private")
    for body in (public, private):
        assert client.post("/api/v1/observations", json=body, headers=warden.headers).status_code == 201
    page = client.get("/").get_data(as_text=True)
    shown = re.sub(r"<[^>]+>", "", page)  # the words read, whatever parts are links
    assert "Wardens&#39; shore sightings" in page
    assert "stewarded by Ana Pallot" in shown
    assert "<strong>ormer</strong>" in page
    assert "Ana Pallot · Wardens&#39; shore sightings · CC0-1.0" in shown
    assert "secret seal haul-out" not in page


def test_home_escapes_user_text(client, make):
    warden = make.account(name=SCRIPT)
    dataset = make.dataset(warden, title=SCRIPT, description=SCRIPT)
    body = feature(dataset.slug, subject_text=SCRIPT, notes=SCRIPT)
    assert client.post("/api/v1/observations", json=body, headers=warden.headers).status_code == 201
    page = client.get("/").get_data(as_text=True)
    assert SCRIPT not in page
    assert page.count(ESCAPED) >= 4  # title, description, steward, subject, credit line
