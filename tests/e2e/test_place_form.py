"""/places/new in headless Chromium: a fisher draws a mark with the area page's drawing tools, names it in two
languages, keeps it private, and a refused form says which field is wrong and keeps what was typed."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough passphrase"


@pytest.fixture(scope="module")
def fisher(live_server):
    email, token = live_server.account("Form Fisher", password=PASSWORD, role="steward")
    slug = live_server.slug("places-form")
    body = {"slug": slug, "title": "Fishers' marks", "knowledge_kind": "local"}
    headers = {"Authorization": f"Bearer {token}"}
    created = requests.post(f"{live_server.url}/api/v1/datasets", headers=headers, json=body, timeout=10)
    assert created.status_code == 201, created.text
    return {"email": email, "token": token, "slug": slug}


def _sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/login"))


def _click_map(page: Page, points) -> None:
    page.locator("#place-map").evaluate("el => el.scrollIntoView({ block: 'center' })")
    box = page.locator("#place-map").bounding_box()
    for fx, fy in points:
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def test_a_fisher_draws_names_and_keeps_a_mark_private(page: Page, live_server, fisher):
    _sign_in(page, fisher["email"])
    page.goto("/places")
    page.get_by_role("link", name="Name a place").click()
    expect(page).to_have_url(re.compile("/places/new$"))
    expect(page.locator("#shape-status")).to_contain_text("Nothing drawn yet")
    # Sent with nothing drawn: the server names the map's field and keeps the names typed.
    page.get_by_label("The name").first.fill("Lé Trou dé Form")
    page.locator("select[name=language_0]").select_option("nrf")
    page.locator("input[name=name_1]").fill("Form Hole")
    page.locator("select[name=language_1]").select_option("en")
    page.locator("input[name=community_1]").fill("Demo fishers")
    page.get_by_role("button", name="Save the place").click()
    problems = page.locator("#form-problems")
    expect(problems).to_contain_text("The place on the map")
    expect(page.locator('[data-error-for="geometry"]')).to_contain_text("A place needs a geometry")
    expect(page.locator("input[name=name_1]")).to_have_value("Form Hole")
    # A point first (the circle-marker tool), then an area replaces it: one shape at a time.
    page.locator(".leaflet-pm-icon-circle-marker").click()
    _click_map(page, [(0.5, 0.5)])
    expect(page.locator("#shape-status")).to_have_text("A point is drawn.")
    page.locator(".leaflet-pm-icon-polygon").click()
    _click_map(page, [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.3, 0.3)])
    expect(page.locator("#shape-status")).to_have_text("An area with 4 points is drawn.")
    page.get_by_label("What it is").select_option("fishing_mark")
    page.locator("select[name=dataset]").select_option(fisher["slug"])
    page.get_by_label(re.compile("Private: only you")).check()
    page.get_by_role("button", name="Save the place").click()
    expect(page.locator("h1")).to_have_text("Lé Trou dé Form")
    place_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    headers = {"Authorization": f"Bearer {fisher['token']}"}
    mine = requests.get(f"{live_server.url}/api/v1/places/{place_id}", headers=headers, timeout=10).json()
    assert mine["geometry"]["type"] == "Polygon" and len(mine["geometry"]["coordinates"][0]) == 5
    props = mine["properties"]
    assert (props["kind"], props["visibility"], props["dataset"]) == ("fishing_mark", "private", fisher["slug"])
    assert [(n["name"], n["language"], n.get("community")) for n in props["names"]] == [
        ("Lé Trou dé Form", "nrf", None),
        ("Form Hole", "en", "Demo fishers"),
    ]
    # Private: the API, the OGC API and the map labels know nothing of it for anyone else.
    assert requests.get(f"{live_server.url}/api/v1/places/{place_id}", timeout=10).status_code == 404
    ogc = requests.get(f"{live_server.url}/ogc/collections/places/items/{place_id}", timeout=10)
    assert ogc.status_code == 404
    assert "Form Hole" not in requests.get(f"{live_server.url}/places/labels.geojson", timeout=10).text
