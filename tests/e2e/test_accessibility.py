"""Accessibility: axe-core (tests/e2e/vendor, MPL-2.0, loaded by this test only: pages never serve it)
finds no violation on the recording pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_record import PASSWORD, phone_context
from tests.e2e.test_record_fixes import newcomer  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")


def violations(page) -> list:
    page.add_script_tag(content=AXE)
    found = page.evaluate(
        "axe.run().then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))"
    )
    return found


@pytest.mark.parametrize("path", ["/record", "/record/area"])
def test_the_recording_pages_have_no_axe_violations(browser, playwright_session, live_server, newcomer, path):  # noqa: F811
    # The page's Content-Security-Policy forbids inline scripts: only this test's context bypasses it.
    context = phone_context(browser, playwright_session, live_server, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto("/login?next=" + path)
        page.get_by_label("Email").fill(newcomer.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(1)
        found = violations(page)
        assert found == [], json.dumps(found, indent=1)
    finally:
        context.close()


PUBLIC_PAGES = [
    "/",
    "/datasets",
    "/login",
    "/register",
    "/participation",
    "/map",
    "/compare",
    "/sensing",
    "/projects",
    "/subjects",
    "/subjects?q=crab",
    "/places",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_axe_violations(browser, playwright_session, live_server, path):
    context = phone_context(browser, playwright_session, live_server, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = violations(page)
        assert found == [], json.dumps(found, indent=1)
    finally:
        context.close()


def test_a_record_its_dataset_and_the_account_pages_have_no_axe_violations(
    browser,
    playwright_session,
    live_server,
    newcomer,  # noqa: F811
):
    import requests

    slug = newcomer.slugs["volunteer"]
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-2.16, 49.18]},
        "properties": {"dataset": slug, "subject_text": "Ormer", "count": 3, "season_months": [4, 5, 6]},
    }
    made = requests.post(
        f"{live_server.url}/api/v1/observations",
        json=body,
        headers={"Authorization": f"Bearer {newcomer.token}"},
        timeout=10,
    )
    assert made.status_code == 201, made.text
    record = made.json()
    context = phone_context(browser, playwright_session, live_server, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto("/login?next=/account")
        page.get_by_label("Email").fill(newcomer.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        for path in (
            f"/observations/{record['id']}",
            f"/datasets/{slug}",
            f"/contributors/{record['properties']['contributor_id']}",
            "/account",
            "/account/tokens",
            "/record/usual-dataset",
            "/participation",
            "/account/records",
            "/account/inbox",
            "/account/consents",
            "/groups",
            f"/datasets/{slug}/access",
        ):
            response = page.goto(path)
            assert response is not None and response.status == 200, (path, response and response.status)
            page.wait_for_load_state("networkidle")
            found = violations(page)
            assert found == [], path + " " + json.dumps(found, indent=1)
    finally:
        context.close()
