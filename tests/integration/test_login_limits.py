"""Sign-in limits: per account, per client address and per pair, atomic across workers, no tell-tale timing."""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import text

from fieldapp import create_app
from fieldapp.accounts import service
from fieldapp.accounts.service import create_user
from tests.integration.test_accounts import PASSWORD, csrf_token, signed_in_as, unique_email

ATTACKER = "192.0.2.66"
OWNER = "198.51.100.7"


class CountingHasher:
    """The app's Argon2 hasher, counting its checks (each still runs): how many guesses were checked."""

    def __init__(self, real):
        self.real = real
        self.verified = 0
        self.hashed = 0
        self._lock = threading.Lock()

    def verify(self, password_hash, password):
        with self._lock:
            self.verified += 1
        return self.real.verify(password_hash, password)

    def hash(self, password):
        self.hashed += 1
        return self.real.hash(password)


# Smaller limits than the defaults (5 per account, 20 per address) keep the Argon2 checks few.
PER_ACCOUNT, PER_ADDRESS = 3, 6


@pytest.fixture
def app(settings, connection):
    """An app (a worker) with small limits, inside the test's rolled-back transaction."""
    small = replace(settings, login_failures_allowed=PER_ACCOUNT, login_address_failures_allowed=PER_ADDRESS)
    limited = create_app(small)
    limited.extensions["fieldapp.db"].bind_to(connection)
    yield limited
    limited.extensions["fieldapp.db"].engine.dispose()


@pytest.fixture
def hasher(monkeypatch) -> CountingHasher:
    counting = CountingHasher(service._hasher)
    monkeypatch.setattr(service, "_hasher", counting)
    return counting


def login_from(client, address: str, email: str, password: str):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token}, environ_base=environ)


def fail(client, address: str, email: str, times: int) -> None:
    for _ in range(times):
        assert login_from(client, address, email, "wrong password").status_code == 401


# --- per account and address ----------------------------------------------------------------------


def test_five_failures_block_that_address_but_not_the_owner_elsewhere(app, make, hasher):
    account = make.account(name="Owner Renouf", password=PASSWORD)
    email = account.user.email
    fail(app.test_client(), ATTACKER, email, PER_ACCOUNT)
    blocked = login_from(app.test_client(), ATTACKER, email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)
    assert 0 < int(blocked.headers["Retry-After"]) <= 900
    assert hasher.verified == PER_ACCOUNT  # the next guess was not even checked
    owner = app.test_client()
    assert login_from(owner, OWNER, email, PASSWORD).status_code == 302
    assert signed_in_as(owner) == "Owner Renouf"


def test_a_guessed_account_takes_one_attempt_per_short_back_off(app, make, db, hasher):
    """Guesses spread over many addresses slow the account down, never lock its owner out for long."""
    account = make.account(password=PASSWORD)
    email = account.user.email
    for n in range(PER_ACCOUNT):
        fail(app.test_client(), f"203.0.113.{n}", email, 1)
    fail(app.test_client(), "203.0.113.50", email, 1)  # past the limit: allowed, and starts a back-off
    waiting = login_from(app.test_client(), OWNER, email, PASSWORD)
    assert waiting.status_code == 429
    assert 0 < int(waiting.headers["Retry-After"]) <= 30
    assert hasher.verified == PER_ACCOUNT + 1
    db.execute(text("UPDATE login_throttle SET next_at = now() - interval '1 second' WHERE key = :e"), {"e": email})
    db.commit()
    assert login_from(app.test_client(), OWNER, email, PASSWORD).status_code == 302


def test_one_address_trying_many_emails_is_limited(app, hasher):
    client = app.test_client()
    answers = [login_from(client, ATTACKER, unique_email("victim"), PASSWORD).status_code for _ in range(10)]
    assert answers == [401] * PER_ADDRESS + [429] * (10 - PER_ADDRESS)
    assert hasher.verified == PER_ADDRESS
    # Another address is not held back by this one.
    assert login_from(app.test_client(), OWNER, unique_email("other"), PASSWORD).status_code == 401


def test_ipv6_clients_are_limited_by_their_slash_64(app, hasher):
    client = app.test_client()
    for n in range(PER_ADDRESS):
        login_from(client, f"2001:db8:1:2::{n + 1:x}", unique_email("v6"), PASSWORD)
    assert login_from(client, "2001:db8:1:2:ffff::1", unique_email("v6"), PASSWORD).status_code == 429
    assert login_from(client, "2001:db8:1:3::1", unique_email("v6"), PASSWORD).status_code == 401


def test_a_right_password_clears_the_account_count(app, make, db):
    account = make.account(password=PASSWORD)
    email = account.user.email
    fail(app.test_client(), ATTACKER, email, PER_ACCOUNT - 1)
    assert login_from(app.test_client(), ATTACKER, email, PASSWORD).status_code == 302
    left = db.execute(
        text("SELECT scope, attempts FROM login_throttle WHERE key IN (:e, :pair) ORDER BY scope"),
        {"e": email, "pair": f"{email} {ATTACKER}"},
    ).all()
    assert left == [("account", 0), ("pair", 0)]
    fail(app.test_client(), OWNER, email, PER_ACCOUNT - 1)  # a fresh count: as many failures allowed again


def test_the_limit_holds_across_workers(app, make, settings, connection):
    """Another app (another worker process) sharing only the database refuses the sixth attempt too."""
    account = make.account(password=PASSWORD)
    fail(app.test_client(), ATTACKER, account.user.email, PER_ACCOUNT)
    other_worker = create_app(replace(settings, login_failures_allowed=PER_ACCOUNT))
    other_worker.extensions["fieldapp.db"].bind_to(connection)
    try:
        answer = login_from(other_worker.test_client(), ATTACKER, account.user.email.upper(), PASSWORD)
        assert answer.status_code == 429
    finally:
        other_worker.extensions["fieldapp.db"].engine.dispose()


def test_counts_older_than_the_window_do_not_count(app, make, db):
    account = make.account(password=PASSWORD)
    email = account.user.email
    fail(app.test_client(), ATTACKER, email, PER_ACCOUNT)
    db.execute(text("UPDATE login_throttle SET window_start = now() - interval '16 minutes'"))
    stale = "INSERT INTO login_throttle (scope, key, window_start) VALUES ('address', 'stale', now() - interval '1d')"
    db.execute(text(stale))
    db.commit()
    assert login_from(app.test_client(), ATTACKER, email, PASSWORD).status_code == 302
    # Counters whose window ended are swept away, not kept for ever.
    assert db.execute(text("SELECT count(*) FROM login_throttle WHERE key = 'stale'")).scalar() == 0


# --- no tell-tale: unknown emails cost the same check ---------------------------------------------


def test_an_unknown_email_costs_one_argon2_check_like_a_known_one(app, make, hasher):
    known = make.account(password=PASSWORD)
    assert login_from(app.test_client(), OWNER, known.user.email, "wrong password").status_code == 401
    assert hasher.verified == 1
    assert login_from(app.test_client(), OWNER, unique_email("nobody"), "wrong password").status_code == 401
    assert hasher.verified == 2
    token_only = make.account()  # no password: cannot sign in, but costs the same
    assert login_from(app.test_client(), OWNER, token_only.user.email, "anything at all").status_code == 401
    assert hasher.verified == 3


def test_the_dummy_hash_has_the_real_cost_parameters(make, db):
    from argon2 import extract_parameters

    user = create_user(db, unique_email("cost"), password=PASSWORD)
    assert extract_parameters(service._dummy_hash()) == extract_parameters(user.password_hash)


# --- parallel guesses through real connections ----------------------------------------------------


@pytest.fixture
def committed_account(settings, migrated):
    """An account committed for real (parallel requests need their own connections to see it)."""
    live = create_app(settings)
    database = live.extensions["fieldapp.db"]
    email = f"parallel-{uuid.uuid4().hex[:8]}@example.org"
    with database.session() as session:
        create_user(session, email, password=PASSWORD)
    yield live, email
    with database.session() as session:
        for statement in (
            "DELETE FROM login_throttle WHERE key LIKE :e || '%' OR (scope = 'address' AND key = :a)",
            "DELETE FROM user_account WHERE email = :e",
        ):
            session.execute(text(statement), {"e": email, "a": ATTACKER})
    database.engine.dispose()


def test_forty_parallel_guesses_get_five_checks(committed_account, hasher):
    live, email = committed_account
    clients = [live.test_client() for _ in range(40)]
    tokens = [csrf_token(client) for client in clients]
    start = threading.Barrier(len(clients))
    answers: list[int] = []

    def guess(n: int) -> None:
        form = {"email": email, "password": f"guess {n}", "csrf_token": tokens[n]}
        start.wait()
        answer = clients[n].post("/login", data=form, environ_base={"REMOTE_ADDR": ATTACKER})
        answers.append(answer.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(answers) == [401] * 5 + [429] * 35
    assert hasher.verified == 5


def test_registering_answers_the_same_whether_or_not_the_email_has_an_account(app, make, db, hasher):
    taken = make.account(name="Already Here", password=PASSWORD)
    answers = []
    for email in (unique_email("new"), taken.user.email.upper()):
        client, hashed_before = app.test_client(), hasher.hashed
        form = {"email": email, "display_name": "Someone", "password": "x" * 12, "confirm": "x" * 12}
        answer = client.post("/register", data=form | {"csrf_token": csrf_token(client, "/register")})
        page = client.get(answer.headers["Location"]).get_data(as_text=True)
        message = re.search(r'<p class="flash" role="status">([^<]+)</p>', page).group(1)
        cost = hasher.hashed - hashed_before
        answers.append((answer.status_code, answer.headers["Location"], message.replace(email, "EMAIL"), cost))
    assert answers[0] == answers[1]  # the same answer, after the same hashing work
    assert answers[0][0] == 302 and answers[0][3] == 1
    db.expire_all()
    assert taken.user.contributor.display_name == "Already Here"
    assert login_from(app.test_client(), OWNER, taken.user.email, PASSWORD).status_code == 302
