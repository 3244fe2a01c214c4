"""The first pages in a phone's browser: register, sign in and out, a wrong password, 360 px, the account page."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
WRONG_PASSWORD_MESSAGE = "That email and password do not match an account."


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_register_sign_out_and_sign_back_in(page, live_server):
    email, name = live_server.email(), "Elodie Romeril"
    page.goto("/")
    page.get_by_role("link", name="Register").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("How you want to be credited").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # Registering answers alike whether or not the email had an account: the new owner signs in next.
    expect(page).to_have_url(live_server.url + "/login")
    expect(page.get_by_role("status")).to_contain_text(f"If {email} had no account yet, it has one now")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()


def test_a_wrong_password_shows_the_error(page, live_server):
    email, _ = live_server.account("Pierre Falle", password=PASSWORD)
    sign_in(page, email, "not the passphrase")
    expect(page.get_by_role("alert")).to_have_text(WRONG_PASSWORD_MESSAGE)
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_home_page_fits_360_px_without_horizontal_scroll(page, live_server):
    # Unbreakable words (file names, URLs) and long credit lines are the usual overflow on a narrow phone.
    _, token = live_server.account("Société Jersiaise Marine Biology Section (volunteer recorders)", role="steward")
    headers = {"Authorization": f"Bearer {token}"}
    slug = live_server.slug("long")
    title = "LaRocque_VioletBank_intertidal_reef_monitoring_2019_2024"
    description = "Synthetic test data, see https://records.example.org/intertidal/LaRocque_VioletBank_2019_2024.csv"
    dataset = {"slug": slug, "title": title, "knowledge_kind": "volunteer", "description": description}
    made = requests.post(f"{live_server.url}/api/v1/datasets", json=dataset, headers=headers, timeout=10)
    assert made.status_code == 201, made.text
    observation = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-2.0275, 49.1639]},
        "properties": {
            "dataset": slug,
            "subject_text": "Haliotis tuberculata (ormer, ormi in Jèrriais)",
            "notes": "x" * 200,
        },
    }
    posted = requests.post(f"{live_server.url}/api/v1/observations", json=observation, headers=headers, timeout=10)
    assert posted.status_code == 201, posted.text

    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("Haliotis tuberculata (ormer, ormi in Jèrriais)").first).to_be_visible()
    widths = page.evaluate(
        "() => ({inner: window.innerWidth, scroll: document.documentElement.scrollWidth,"
        " body: document.body.scrollWidth})"
    )
    assert widths["inner"] == 360
    assert widths["scroll"] <= widths["inner"], widths
    assert widths["body"] <= widths["inner"], widths


def test_account_page_makes_and_revokes_a_token_and_changes_the_password(page, live_server):
    email, _ = live_server.account("Token Keeper", password=PASSWORD)
    sign_in(page, email, PASSWORD)
    page.get_by_text("Signed in as Token Keeper").click()
    expect(page).to_have_url(live_server.url + "/account")
    page.get_by_role("link", name="Your API tokens").click()
    page.get_by_label("What the token is for").fill("field phone")
    page.get_by_role("button", name="Make a token").click()
    secret = page.get_by_role("status").locator("code").inner_text()
    headers = {"Authorization": f"Bearer {secret}"}
    assert requests.get(f"{live_server.url}/api/v1/tokens", headers=headers, timeout=10).status_code == 200
    row = page.get_by_role("row").filter(has_text="field phone")
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_have_text("The token is revoked: it no longer works.")
    assert requests.get(f"{live_server.url}/api/v1/tokens", headers=headers, timeout=10).status_code == 401

    page.goto("/account")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("another long passphrase")
    page.get_by_label("New password again").fill("another long passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("every other session of this account has ended")
    expect(page.get_by_text("Signed in as Token Keeper")).to_be_visible()


def test_credit_lines_dataset_cards_and_recent_records_are_links(page, live_server):
    from sqlalchemy import text

    _, token = live_server.account("Steward Le Maistre", role="steward")
    headers = {"Authorization": f"Bearer {token}"}
    slug = live_server.slug("links")
    made = requests.post(
        f"{live_server.url}/api/v1/datasets",
        json={"slug": slug, "title": f"Rockpool counts {slug[-6:]}", "knowledge_kind": "volunteer"},
        headers=headers,
        timeout=10,
    )
    assert made.status_code == 201, made.text
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-2.16, 49.18]},
        "properties": {"dataset": slug, "subject_text": f"cushion star {slug[-6:]}"},
    }
    record = requests.post(f"{live_server.url}/api/v1/observations", json=body, headers=headers, timeout=10).json()
    with live_server.database.session() as session:
        group = session.execute(
            text("INSERT INTO contributor (kind, display_name) VALUES ('group', :name) RETURNING id"),
            {"name": f"Rockpool group {slug[-6:]}"},
        ).scalar_one()
        session.execute(text("UPDATE dataset SET steward_id = :g WHERE slug = :slug"), {"g": group, "slug": slug})
    credited = record["properties"]["contributor_id"]

    page.goto("/")
    icon = page.locator("head link[rel=icon]")
    response = requests.get(live_server.url + icon.get_attribute("href"), timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"

    card = page.locator(".card", has_text=f"Rockpool counts {slug[-6:]}")
    expect(card.get_by_role("link", name=f"Rockpool counts {slug[-6:]}")).to_have_attribute("href", f"/datasets/{slug}")
    expect(card.get_by_role("link", name=f"Rockpool group {slug[-6:]}")).to_have_attribute(
        "href", f"/contributors/{group}"
    )
    recent = page.locator(".recent li", has_text=f"cushion star {slug[-6:]}")
    expect(recent.get_by_role("link", name=f"cushion star {slug[-6:]}")).to_have_attribute(
        "href", f"/observations/{record['id']}"
    )
    expect(recent.get_by_role("link", name="Steward Le Maistre")).to_have_attribute("href", f"/contributors/{credited}")
    expect(recent.get_by_role("link", name=f"Rockpool counts {slug[-6:]}")).to_have_attribute(
        "href", f"/datasets/{slug}"
    )

    recent.get_by_role("link", name=f"cushion star {slug[-6:]}").click()
    credit = page.locator("#attribution")
    expect(credit).to_have_text(record["properties"]["attribution"])
    expect(credit.get_by_role("link", name="Steward Le Maistre")).to_have_attribute("href", f"/contributors/{credited}")
    expect(credit.get_by_role("link", name=f"Rockpool counts {slug[-6:]}")).to_have_attribute(
        "href", f"/datasets/{slug}"
    )

    page.goto(f"/contributors/{group}")
    expect(page.locator("main")).to_contain_text("A group contributing to the park's shared knowledge")
    page.goto("/datasets")
    card = page.locator(".card", has_text=f"Rockpool counts {slug[-6:]}")
    expect(card.get_by_role("link", name=f"Rockpool group {slug[-6:]}")).to_have_attribute(
        "href", f"/contributors/{group}"
    )
