"""/sensing in headless Chromium on a Pixel 7: the charts are drawn, readable, and the numbers are one tap away."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def story(live_server):
    """A survey whose reporting rate falls and a fisher's statement of a decrease."""
    _, token = live_server.account("Sensing Steward", role="steward")
    headers = {"Authorization": f"Bearer {token}"}
    slugs = {}
    for kind, title in (("scientific", "Eelgrass survey"), ("local", "Fishers' eelgrass knowledge")):
        slug = live_server.slug(f"sensing-{kind}")
        body = {"slug": slug, "title": title, "knowledge_kind": kind}
        created = requests.post(f"{live_server.url}/api/v1/datasets", headers=headers, json=body, timeout=10)
        assert created.status_code == 201, created.text
        slugs[kind] = slug
    features = []
    for year, found in ((2001, 5), (2006, 4), (2011, 3), (2016, 2), (2021, 1)):
        for station in range(6):
            features.append(_feature(slugs["scientific"], "eelgrass" if station < found else "sand", f"{year}-06-01"))
    statement = _feature(slugs["local"], "eelgrass", "1995-01-01", trend="decreasing", time_precision="year")
    statement["properties"]["observed_end"] = "2020-12-31T00:00:00Z"
    features.append(statement)
    response = requests.post(
        f"{live_server.url}/api/v1/observations",
        json={"type": "FeatureCollection", "features": features},
        headers=headers,
        timeout=30,
    )
    assert response.status_code in (200, 201), response.text
    return slugs


def _feature(dataset: str, subject: str, day: str, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-2.15, 49.19]},
        "properties": {"dataset": dataset, "subject_text": subject, "observed_start": f"{day}T10:00:00Z", **props},
    }


def test_the_page_draws_every_sources_charts_on_a_phone(page, story):
    page.goto("/sensing")
    page.fill("input[name=subject]", "eelgrass")
    page.fill("input[name=from]", "1990")
    page.select_option("select[name=bin]", "5years")
    page.click("form.sensing-form button[type=submit]")
    expect(page.locator("p.sentence").first).to_contain_text("agree on a decrease")
    charts = page.locator("svg.sensing-chart")
    assert charts.count() >= 5
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 40
        # On the phone's screen, not wider than it.
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    # Every chart has an accessible name, and the survey's falling rate is drawn as five points.
    assert all(charts.nth(i).get_attribute("aria-label") for i in range(charts.count()))
    rate = page.locator("svg[aria-label='Eelgrass survey (scientific surveys): reporting rate per bin'] circle")
    expect(rate).to_have_count(5)
    # Axis labels stay readable at the phone's size (about their 10 px, not shrunk).
    label = charts.first.locator("text").last.bounding_box()
    assert label is not None and label["height"] >= 9
    page.locator("details summary").first.click()
    expect(page.locator("table.bins").first).to_be_visible()


def test_an_area_drawn_on_the_map_is_the_place_asked_about(page, live_server, story):
    """Draw a small square round the survey's stations: a source far east is left out; the park holds both."""
    _, token = live_server.account("Far Warden", role="steward")
    headers = {"Authorization": f"Bearer {token}"}
    far = live_server.slug("sensing-far")
    body = {"slug": far, "title": "Far east counts", "knowledge_kind": "volunteer"}
    assert requests.post(f"{live_server.url}/api/v1/datasets", headers=headers, json=body, timeout=10).ok
    record = _feature(far, "eelgrass", "2011-06-01", count=4)
    record["geometry"]["coordinates"] = [-1.93, 49.26]
    assert requests.post(f"{live_server.url}/api/v1/observations", json=record, headers=headers, timeout=10).ok
    park = requests.get(f"{live_server.url}/api/v1/sensing", params={"subject": "eelgrass", "from": "1990"}, timeout=10)
    assert "Far east counts" in {s["title"] for s in park.json()["sources"]}

    page.goto("/sensing")
    page.fill("input[name=subject]", "eelgrass")
    page.fill("input[name=from]", "1990")
    page.select_option("select[name=bin]", "5years")
    page.locator("#sensing-map").evaluate("el => el.scrollIntoView({ block: 'center' })")
    page.locator("#sensing-map .leaflet-pm-icon-polygon").click()
    box = page.locator("#sensing-map").bounding_box()
    assert box is not None
    # The map opens on Jersey at zoom 11: the stations (-2.15, 49.19) lie a few dozen pixels from its
    # centre, the far records some 150 px east; a square of 80 px round the centre holds only the first.
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-80, -80), (40, -80), (40, 80), (-80, 80), (-80, -80)):
        page.mouse.click(cx + dx, cy + dy)
    expect(page.locator("#place-status")).to_have_text("An area with 4 corners is drawn: the question looks inside it.")
    area = page.locator("input[name=area]").input_value()
    assert '"type":"Polygon"' in area
    page.click("form.sensing-form button[type=submit]")
    expect(page.locator("p.sentence").first).to_contain_text("agree on a decrease")
    assert "area=" in page.url
    expect(page.get_by_role("heading", name="Eelgrass survey")).to_be_visible()
    expect(page.get_by_role("heading", name="Far east counts")).to_have_count(0)
    # The place asked about is drawn back on the map.
    expect(page.locator("#place-status")).to_have_text("The area looked in.")
    expect(page.locator("#sensing-map path.leaflet-interactive")).to_have_count(1)
