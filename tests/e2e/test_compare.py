"""The /compare page in headless Chromium: choose two sides, see cells, summary, credits, downloads."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

XSS_TITLE = "<img src=x onerror=alert(1)> ${alert(2)} survey"
# The class of each distinct cell the vector-tile layer has drawn.
DRAWN_CELLS = """() => {
  const grid = window.fieldappCompareGrid, classes = {};
  for (const tile of Object.values((grid && grid._vectorTiles) || {})) {
    for (const [id, f] of Object.entries(tile._features || {})) {
      if (f.feature._path && f.feature._path.isConnected) classes[id] = f.feature.properties.class;
    }
  }
  return Object.values(classes);
}"""


@pytest.fixture(scope="module")
def two_sides(live_server):
    """A fishers' dataset and a survey dataset (with a hostile title) sharing one cell of three."""
    _, token = live_server.account("Compare Steward", role="steward")
    headers = {"Authorization": f"Bearer {token}"}
    slugs = {}
    for side, kind, title in (("a", "local", "Fishers' crab grounds"), ("b", "scientific", XSS_TITLE)):
        slug = live_server.slug(f"compare-{side}")
        created = requests.post(
            f"{live_server.url}/api/v1/datasets",
            headers=headers,
            timeout=10,
            json={"slug": slug, "title": title, "knowledge_kind": kind},
        )
        assert created.status_code == 201, created.text
        slugs[side] = slug
    points = {"a": [(-2.16, 49.18), (-2.05, 49.25)], "b": [(-2.16, 49.18), (-2.10, 49.20)]}
    for side, coordinates in points.items():
        for lon, lat in coordinates:
            body = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"dataset": slugs[side], "subject_text": "spider crab"},
            }
            response = requests.post(f"{live_server.url}/api/v1/observations", json=body, headers=headers, timeout=10)
            assert response.status_code == 201, response.text
    return slugs


def test_compare_two_sides_in_the_browser(page, live_server, two_sides):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/compare")
    page.select_option("select[name=a]", f"dataset:{two_sides['a']}")
    page.select_option("select[name=b]", f"dataset:{two_sides['b']}")
    page.select_option("select[name=cell_m]", "1000")
    page.click("button[type=submit]")
    sentence = page.locator("p.sentence").first
    expect(sentence).to_contain_text("both report presence in 1 cell")
    expect(sentence).to_contain_text("Fishers' crab grounds alone reports it in 1 cell")
    # The hostile title is shown as text, and nothing ran.
    expect(page.locator("h3").nth(1)).to_contain_text(XSS_TITLE)
    assert page.locator("main img[src=x]").count() == 0
    # The map drew the three cells from vector tiles (a cell near a tile edge is drawn in every tile
    # it reaches, so paths are counted by cell id), each styled by its class, on top of the outline.
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(1)
    page.wait_for_function(f"() => ({DRAWN_CELLS})().length === 3")
    assert sorted(page.evaluate(DRAWN_CELLS)) == ["both_present", "only_a", "only_b"]
    # The page carries its cells as tiles, not inline: a few tens of KB whatever the data.
    assert len(requests.get(page.url, timeout=10).content) < 300_000
    # The state is in the URL: the same link gives the same page.
    assert f"a=dataset%3A{two_sides['a']}" in page.url
    csv_link = page.get_by_role("link", name="CSV").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(requests.get(live_server.url + csv_link, timeout=10).text)))
    assert sorted(r["class"] for r in rows) == ["both_present", "only_a", "only_b"]
    assert all(r["wkt"].startswith("POLYGON") for r in rows)
    assert dialogs == []


def test_a_bad_choice_is_explained_on_the_page(page, two_sides):
    page.goto(f"/compare?a=dataset:{two_sides['a']}&b=dataset:{two_sides['a']}")
    expect(page.get_by_role("alert")).to_contain_text("same selection")
