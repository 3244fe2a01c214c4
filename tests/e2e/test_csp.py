"""Every page with a map loads under the Content-Security-Policy with no violation, and its map draws."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.test_record import PASSWORD, SHORE, Warden, warden  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e

# Injected by the browser driver before any page script (so the policy does not apply to it): every
# violation the page meets is kept, with the directive and what was blocked.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.sourceFile + ":" + e.lineNumber;
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + where);
});
"""


@pytest.fixture
def browsing(browser, playwright_session, live_server) -> Iterator[tuple[BrowserContext, list[str]]]:
    """A desktop context with the position granted; console messages about the policy are collected."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
        geolocation=SHORE,
        permissions=["geolocation"],
    )
    context.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    context.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    yield context, console
    context.close()


@pytest.fixture
def records(live_server, warden) -> dict[str, str]:  # noqa: F811
    """A point and an area in the warden's dataset, and a second dataset to compare it with."""
    headers = {"Authorization": f"Bearer {warden.token}"}
    square = [[-2.16, 49.18], [-2.15, 49.18], [-2.15, 49.19], [-2.16, 49.19], [-2.16, 49.18]]
    ids = {}
    for name, geometry in (
        ("point", {"type": "Point", "coordinates": [-2.1542, 49.1869]}),
        ("area", {"type": "Polygon", "coordinates": [square]}),
    ):
        body = {
            "type": "Feature",
            "geometry": geometry,
            "properties": {"dataset": warden.dataset, "subject_text": "ormer"},
        }
        response = requests.post(f"{live_server.url}/api/v1/observations", json=body, headers=headers, timeout=10)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    other = live_server.slug("csp")
    _, steward_token = live_server.account("CSP Steward", role="steward")
    headers = {"Authorization": f"Bearer {steward_token}"}
    created = requests.post(
        f"{live_server.url}/api/v1/datasets",
        json={"slug": other, "title": "CSP survey", "knowledge_kind": "scientific"},
        headers=headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-2.10, 49.20]},
        "properties": {"dataset": other, "subject_text": "ormer"},
    }
    assert requests.post(f"{live_server.url}/api/v1/observations", json=body, headers=headers, timeout=10).ok
    ids["other"] = other
    return ids


def sign_in(page: Page, warden: Warden) -> None:  # noqa: F811
    page.goto("/login")
    page.get_by_label("Email").fill(warden.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/login"))


def violations(page: Page, console: list[str]) -> list[str]:
    return page.evaluate("window.__csp") + console


def test_pages_with_maps_load_with_no_policy_violation_and_their_maps_draw(browsing, warden, records):  # noqa: F811
    context, console = browsing
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, warden)
    pages = {
        "/map": ".leaflet-overlay-pane path",
        f"/observations/{records['point']}": ".leaflet-overlay-pane path",
        f"/observations/{records['area']}": ".leaflet-overlay-pane path",
        f"/datasets/{warden.dataset}": ".leaflet-overlay-pane path",
        f"/compare?a=dataset:{warden.dataset}&b=dataset:{records['other']}&cell_m=1000": ".leaflet-overlay-pane path",
        "/record": ".leaflet-container",
        "/record/area": ".leaflet-container",
    }
    for path, drawn in pages.items():
        response = page.goto(path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], path
        expect(page.locator(".leaflet-container").first).to_be_visible()
        expect(page.locator(drawn).first).to_be_attached()
        page.wait_for_load_state("networkidle")
        assert violations(page, console) == [], path


def test_an_injected_inline_script_is_blocked(browsing, live_server):
    context, console = browsing
    page = context.new_page()
    page.goto("/")
    # A script element added without the nonce, as an injection would be: the browser refuses it.
    page.evaluate(
        "var s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.appendChild(s)"
    )
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in violations(page, console))
