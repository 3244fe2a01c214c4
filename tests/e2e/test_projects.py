"""A project's protocol shaped in the open, in a phone's browser: a fisher comments, the steward publishes."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_partners_comment_on_a_draft_and_the_steward_publishes_it(browser, playwright_session, live_server):
    steward_email, token = live_server.account("Sam Scientist", password=PASSWORD, role="steward")
    fisher_email, _ = live_server.account("Fran Fisher", password=PASSWORD)
    slug = live_server.slug("project")
    created = requests.post(
        f"{live_server.url}/api/v1/projects",
        json={
            "slug": slug,
            "title": "Spider crab season",
            "designed_by": "both",
            "delivered_by": "community",
            "draft_protocol": "Count crabs in each pot.",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    phone = playwright_session.devices["Pixel 7"]
    for email, act in ((fisher_email, "comment"), (steward_email, "publish")):
        context = browser.new_context(**phone, base_url=live_server.url)
        page = context.new_page()
        sign_in(page, email)
        page.goto("/projects")
        cell = page.locator("#cell-co_designed_and_co_delivered")
        cell.get_by_role("link", name="Spider crab season").click()
        if act == "comment":
            page.get_by_label("Your comment").fill("Add the sea state: we cannot haul in a force 6.")
            page.get_by_role("button", name="Comment").click()
            expect(page.locator(".comment")).to_contain_text("Fran Fisher")
        else:
            page.get_by_label("Draft protocol").fill("Count crabs in each pot; note the sea state.")
            page.get_by_role("button", name="Save the draft").click()
            page.get_by_role("button", name="Publish the draft as version 1").click()
            expect(page.locator(".current-protocol")).to_have_text("Count crabs in each pot; note the sea state.")
            expect(page.get_by_text("Version 1, published by Sam Scientist")).to_contain_text("Fran Fisher")
        context.close()
