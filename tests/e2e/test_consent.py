"""Consent in Chromium on a phone: registration asks for the park's terms, the first sign-in after a new
version asks again, and the person sees and downloads what they agreed to."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from fieldapp.accounts.models import User
from fieldapp.accounts.service import create_user
from fieldapp.consent.service import publish_terms

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough e2e password"
ONE = "Version one (e2e): records are lent on the park's terms."
TWO = "Version two (e2e): exports carry each dataset's agreement."


@pytest.fixture
def terms(live_server):
    """Publish versions through this fixture; they (and the consents to them) are gone afterwards, so no
    other browser test is asked for consent."""
    with live_server.database.session() as session:
        before = session.scalar(text("SELECT coalesce(max(version), 0) FROM terms_version"))
        admin = create_user(session, live_server.email("admin"), name="Terms Admin", role="admin")
        admin_id = admin.id

    def publish(body: str) -> int:
        with live_server.database.session() as session:
            return publish_terms(session, session.get(User, admin_id), body).version

    yield publish
    with live_server.database.session() as session:
        session.execute(text("DELETE FROM consent WHERE version > :v"), {"v": before})
        session.execute(text("DELETE FROM terms_version WHERE version > :v"), {"v": before})


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/login"))


def test_registration_and_the_first_sign_in_after_a_change_ask_for_consent(page: Page, live_server, terms):
    first = terms(ONE)
    email = live_server.email("consent")
    page.goto("/register")
    expect(page.locator(".terms-text")).to_have_text(ONE)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile("name", re.I)).first.fill("Consenting Fisher")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    # Without agreeing, no account.
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("p.error")).not_to_have_count(0)
    with live_server.database.session() as session:
        assert session.scalar(text("SELECT count(*) FROM user_account WHERE email = :e"), {"e": email}) == 0
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("I agree to the park's terms shown above").check()
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile("/login"))
    sign_in(page, email)
    # Agreed at registration: the first sign-in asks nothing.
    expect(page).not_to_have_url(re.compile("/terms"))
    page.goto("/account/consents")
    expect(page.locator("ul.consents li")).to_have_count(1)
    expect(page.locator("ul.consents li").first).to_contain_text(f"Version {first},")

    # A new version: the next page asks, and nothing else opens until they agree.
    second = terms(TWO)
    page.goto("/map")
    expect(page).to_have_url(re.compile(r"/terms/consent\?next=/map"))
    expect(page.locator(".terms-text")).to_have_text(TWO)
    page.goto("/datasets")
    expect(page).to_have_url(re.compile("/terms/consent"))
    page.get_by_role("button", name=f"I agree to version {second}").click()
    expect(page).to_have_url(re.compile("/datasets$"))

    # Signing out and in again asks nothing more.
    page.context.clear_cookies()
    sign_in(page, email)
    expect(page).not_to_have_url(re.compile("/terms"))

    # What they agreed to, both versions, each downloadable as its own text.
    page.goto("/account/consents")
    items = page.locator("ul.consents li")
    expect(items).to_have_count(2)
    with page.expect_download() as download_info:
        items.filter(has_text=f"Version {first},").get_by_role("link", name="download the text").click()
    saved = download_info.value.path()
    assert saved is not None
    with open(saved, encoding="utf-8") as downloaded:
        body = downloaded.read()
    assert ONE in body and TWO not in body
