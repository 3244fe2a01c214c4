"""Issue 13's "Done when", end to end in Chromium: staff create a dataset and invite a scientist to steward
it; the scientist sets a password from the link and imports a layer; a warden records offline and syncs;
a fisher questions the scientist's polygon; the scientist finds the question in the inbox."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from fieldapp.accounts.models import User
from fieldapp.datasets.models import Dataset
from tests.e2e.conftest import DESKTOP, wait_in_page
from tests.e2e.test_record import outbox_item, phone_context, wait_for_fix
from tests.shared_data import data

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
LAYER = data("crs/jersey_ne10m_land_EPSG3109.geojson")


def sign_in(context: BrowserContext, email: str, path: str = "/") -> Page:
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login?next=" + path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    return page


def desktop(browser: Browser, live_server) -> BrowserContext:
    return browser.new_context(**DESKTOP, base_url=live_server.url)


def staff_create_and_invite(browser, live_server, slug: str, scientist_email: str) -> str:
    """Staff create the dataset from its page and invite the scientist to steward it; return the link."""
    staff_email, _ = live_server.account("Park Staff", password=PASSWORD, role="staff")
    context = desktop(browser, live_server)
    page = sign_in(context, staff_email)
    page.get_by_role("link", name="Datasets").first.click()
    page.get_by_role("link", name="New dataset").click()
    page.get_by_label("Title").fill("Seagrass beds survey")
    page.get_by_label(re.compile("Short name")).fill(slug)
    page.get_by_label("Scientific surveys").check()
    page.get_by_label("Licence of its records").select_option("OGL-UK-3.0")
    page.get_by_role("button", name="Create the dataset").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seagrass beds survey")

    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email").fill(scientist_email)
    page.get_by_label(re.compile("How they will be credited")).fill("Dr Le Sueur")
    page.get_by_label("Seagrass beds survey").check()
    page.get_by_role("button", name="Invite").click()
    link = page.get_by_label("One-time link").input_value()
    context.close()
    return link


def scientist_sets_password_and_imports(context: BrowserContext, link: str, slug: str) -> Page:
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Set my password")).click()
    expect(page.get_by_role("status").first).to_contain_text("Your password is set")
    page.goto(f"/datasets/{slug}")
    page.get_by_label("File").set_input_files(str(LAYER))
    page.get_by_label(re.compile("Dry run")).uncheck()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Imported {LAYER.name}")
    return page


def warden_records_offline(browser, playwright_session, live_server) -> None:
    email, token = live_server.account("Warden Vibert", password=PASSWORD)
    slug = live_server.slug("journey-watch")
    with live_server.database.session() as session:
        user = session.query(User).filter_by(email=email).one()
        dataset = Dataset(
            slug=slug,
            title="Shore watch",
            knowledge_kind="volunteer",
            licence="CC-BY-4.0",
            steward_id=user.contributor_id,
        )
        session.add(dataset)
        session.flush()
        user.default_dataset_id = dataset.id
    phone = phone_context(browser, playwright_session, live_server)
    page = sign_in(phone, email, "/record")
    wait_in_page(page, "navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    wait_for_fix(page)
    phone.set_offline(True)
    page.get_by_label(re.compile("What did you see")).fill("Ormer")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "Ormer")).to_have_attribute("data-state", re.compile("saved|waiting"))
    phone.set_offline(False)
    expect(outbox_item(page, "Ormer")).to_have_attribute("data-state", "sent", timeout=20_000)
    listed = requests.get(
        f"{live_server.url}/api/v1/observations", params={"dataset": slug}, headers={"Authorization": f"Bearer {token}"}
    )
    assert listed.json()["numberMatched"] == 1
    phone.close()


def fisher_questions_a_polygon(browser, live_server, slug: str) -> None:
    email, token = live_server.account("Fisher Renouf", password=PASSWORD)
    layer = requests.get(
        f"{live_server.url}/api/v1/observations", params={"dataset": slug}, headers={"Authorization": f"Bearer {token}"}
    ).json()
    polygon = next(f for f in layer["features"] if "Polygon" in f["geometry"]["type"])
    context = desktop(browser, live_server)
    page = sign_in(context, email)
    page.goto(f"/observations/{polygon['id']}")
    page.get_by_label("What would you like to add?").select_option("question")
    page.get_by_label("In your words").fill("The bed stops at the slipway, not at the harbour wall.")
    page.get_by_role("button", name="Add to the record").click()
    expect(page.get_by_role("status")).to_contain_text("your annotation is on the record")
    context.close()


def test_staff_invite_a_steward_who_imports_a_warden_syncs_a_fisher_asks_and_the_steward_is_told(
    browser, playwright_session, live_server
):
    slug = live_server.slug("seagrass")
    scientist_email = live_server.email("scientist")
    link = staff_create_and_invite(browser, live_server, slug, scientist_email)
    assert link.startswith(live_server.url + "/account/set-password/fl_")

    scientist = desktop(browser, live_server)
    page = scientist_sets_password_and_imports(scientist, link, slug)

    warden_records_offline(browser, playwright_session, live_server)
    fisher_questions_a_polygon(browser, live_server, slug)

    page.goto("/")
    expect(page.locator(".unread-count")).to_have_text("1")
    page.get_by_role("link", name=re.compile("^Inbox")).click()
    expect(page.locator(".inbox li.unread")).to_have_count(1)
    expect(page.locator(".inbox li.unread")).to_contain_text("Fisher Renouf asked a question about")
    expect(page.locator(".inbox li.unread")).to_contain_text("The bed stops at the slipway")
    # The link is spent: it sets no second password.
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("This link has been used")
    scientist.close()
