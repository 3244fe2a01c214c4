"""The shared map in headless Chromium: layers draw, toggle and filter; popups are right and inert."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.e2e.conftest import DEVICE, wait_in_page

CENTRE = (-2.1542, 49.1869)
HTML_PAYLOAD = "<img src=x onerror=window.__xss=1>"
TEMPLATE_PAYLOAD = "${window.__xss=2}`\\{}"


def point(dx: float, dy: float) -> dict:
    return {"type": "Point", "coordinates": [CENTRE[0] + dx, CENTRE[1] + dy]}


class MapData:
    """Three datasets of different kinds, one carrying every payload, made through the API."""

    def __init__(self, live_server):
        _, token = live_server.account(f"Wardens {HTML_PAYLOAD} {TEMPLATE_PAYLOAD}", role="steward")
        self.headers = {"Authorization": f"Bearer {token}"}
        self.url = live_server.url
        self.local = self.dataset(live_server, "Fishers' grounds", "local")
        self.survey = self.dataset(live_server, f"Survey {HTML_PAYLOAD}", "scientific")
        self.crab = self.observe(
            self.local,
            geometry=point(-0.0018, 0),
            subject_text="spider crab",
            count=3,
            observed_start="2024-05-02",
            time_precision="day",
        )
        self.ground = self.observe(
            self.local,
            subject_text="ormer ground",
            # Known of for a decade, every spring, and thinning out.
            observed_start="1995-01-01",
            time_precision="decade",
            season_months=[4, 5, 6],
            trend="decreasing",
            geometry={
                "type": "Polygon",
                "coordinates": [
                    [[-2.1570, 49.1845], [-2.1510, 49.1845], [-2.1510, 49.1855], [-2.1570, 49.1855], [-2.1570, 49.1845]]
                ],
            },
        )
        self.payload = self.observe(
            self.survey, geometry=point(0, 0.0011), subject_text=HTML_PAYLOAD, notes=TEMPLATE_PAYLOAD, count=1
        )
        self.ormer = self.observe(self.survey, geometry=point(0.0018, 0), subject_text="ormer", count=7)
        # A fisher questions the survey's record and corroborates the fishers' own: the same for both.
        _, fisher = live_server.account("Fisher Jo")
        self.annotate(fisher, self.ormer, kind="question", body="Ormers are not found this far up.")
        self.annotate(fisher, self.crab, kind="corroborate", body="Seen there too.")

    def annotate(self, token: str, observation_id: str, **body) -> None:
        response = requests.post(
            f"{self.url}/api/v1/observations/{observation_id}/annotations",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 201, response.text

    def dataset(self, live_server, title: str, kind: str) -> dict:
        body = {"slug": live_server.slug("map"), "title": title, "knowledge_kind": kind, "licence": "CC-BY-4.0"}
        response = requests.post(f"{self.url}/api/v1/datasets", json=body, headers=self.headers, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    def observe(self, dataset: dict, **properties) -> str:
        geometry = properties.pop("geometry")
        body = {"type": "Feature", "geometry": geometry, "properties": {"dataset": dataset["slug"], **properties}}
        response = requests.post(f"{self.url}/api/v1/observations", json=body, headers=self.headers, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def map_path(self, **extra: str) -> str:
        args = {
            "dataset": f"{self.local['slug']},{self.survey['slug']}",
            "lat": str(CENTRE[1]),
            "lon": str(CENTRE[0]),
            "zoom": "16",
            **extra,
        }
        return "/map?" + "&".join(f"{k}={requests.utils.quote(v)}" for k, v in args.items())


@pytest.fixture(scope="module")
def data(live_server) -> Iterator[MapData]:
    made = MapData(live_server)
    yield made
    # The live server commits for real: remove our rows now, so later modules count a clean base.
    with live_server.database.session() as session:
        slugs = [made.local["slug"], made.survey["slug"]]
        session.execute(
            text("DELETE FROM observation WHERE dataset_id IN (SELECT id FROM dataset WHERE slug = ANY(:slugs))"),
            {"slugs": slugs},
        )
        session.execute(text("DELETE FROM dataset WHERE slug = ANY(:slugs)"), {"slugs": slugs})


# Every map test runs on a desktop screen, where the filters sit beside the map.
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("page", ["desktop"], indirect=True)]


@pytest.fixture
def map_page(page: Page) -> Iterator[Page]:
    """conftest's page (only our server, the base map blocked), failing on script errors or dialogs."""
    page.set_default_timeout(15_000)  # tiles are drawn after several requests
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    assert errors == [], f"script errors: {errors}"
    assert dialogs == [], f"a payload ran: {dialogs}"


# The distinct features each dataset layer has drawn (a feature near a tile edge is drawn in
# every tile it reaches, so SVG paths are not counted directly).
DRAWN = """() => {
  const map = window.fieldappMapInstance, out = {};
  if (!map || !window.fieldappMap) return out;  // the page is still loading
  for (const d of window.fieldappMap.layers()) {
    const ids = new Set();
    if (map.hasLayer(d.group)) d.group.eachLayer(g => {
      for (const tile of Object.values(g._vectorTiles || {})) {
        for (const [id, f] of Object.entries(tile._features || {})) {
          if (f.feature._path && f.feature._path.isConnected) ids.add(id);
        }
      }
    });
    out[d.slug] = ids.size;
  }
  return out;
}"""


def drawn(page: Page) -> dict[str, int]:
    return page.evaluate(DRAWN)


def wait_drawn(page: Page, slug: str, count: int) -> None:
    wait_in_page(page, f"({DRAWN})()[{slug!r}] === {count}")


def click_at(page: Page, lon: float, lat: float) -> None:
    x, y = page.evaluate(
        """([lat, lon]) => {
        const map = window.fieldappMapInstance, p = map.latLngToContainerPoint([lat, lon]);
        const box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""",
        [lat, lon],
    )
    page.mouse.click(x, y)


def close_popup(page: Page) -> None:
    page.evaluate("() => window.fieldappMapInstance.closePopup()")
    expect(page.locator(".leaflet-popup")).to_have_count(0)


def test_map_loads_offline_with_outline_and_every_layer_drawn(map_page, data):
    map_page.goto(data.map_path(zoom="13", lat="49.2", lon="-2.13"))
    expect(map_page.locator(".leaflet-container")).to_be_visible()
    # The Jersey outline is drawn from our own data, without the (blocked) base map.
    expect(map_page.locator(".leaflet-overlay-pane path")).to_have_count(1)
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.local["slug"], 2)  # the crab point and the ground area
    wait_drawn(map_page, data.survey["slug"], 2)
    # Draw order by geometry type: the area sits in the lowest pane, points in the highest.
    assert map_page.locator(".leaflet-fieldapp-areas-pane path").count() >= 1
    assert map_page.locator(".leaflet-fieldapp-lines-pane path").count() == 0
    assert map_page.locator(".leaflet-fieldapp-points-pane path").count() >= 3
    z = map_page.evaluate("""() => ['areas', 'lines', 'points'].map(
        n => Number(getComputedStyle(document.querySelector('.leaflet-fieldapp-' + n + '-pane')).zIndex))""")
    assert z == sorted(z) and len(set(z)) == 3
    # Every script and stylesheet came from our server.
    sources = map_page.evaluate(
        "() => [...document.querySelectorAll('script[src], link[href]')].map(e => e.src || e.href)"
    )
    assert sources and all(s.startswith(map_page.url.split("/map")[0]) for s in sources)


def test_toggling_a_layer_hides_it_and_keeps_the_state_in_the_url(map_page, data):
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.local["slug"], 2)
    map_page.locator(".leaflet-control-layers").dispatch_event("mouseover")  # folded until asked for
    map_page.locator(".leaflet-control-layers label", has_text="Fishers' grounds").locator("input").uncheck()
    wait_drawn(map_page, data.local["slug"], 0)
    assert drawn(map_page)[data.survey["slug"]] == 2
    expect(map_page).to_have_url(re.compile(r"hide=" + re.escape(data.local["slug"])))
    # The shared link restores the hidden layer and the view.
    map_page.reload()
    wait_drawn(map_page, data.survey["slug"], 2)
    assert drawn(map_page)[data.local["slug"]] == 0
    assert map_page.evaluate("() => window.fieldappMapInstance.getZoom()") == 16


def _folded_control_and_map(page: Page, data, viewport: dict) -> None:
    page.goto(data.map_path())
    wait_drawn(page, data.survey["slug"], 2)
    box = page.locator(".map-frame").bounding_box()
    control = page.locator(".leaflet-control-layers").bounding_box()
    assert control["width"] * control["height"] < 0.05 * box["width"] * box["height"], (control, box)
    assert box["width"] >= 0.7 * viewport["width"] and box["height"] >= 0.6 * viewport["height"], (box, viewport)
    # Asked for (hovered; tapped on Android, where the plugin listens to no hover), it opens and still hides a layer.
    if viewport["width"] < 600:
        page.locator(".leaflet-control-layers-toggle").click()
    else:
        page.locator(".leaflet-control-layers").dispatch_event("mouseover")
    page.locator(".leaflet-control-layers label", has_text="Fishers' grounds").locator("input").uncheck()
    wait_drawn(page, data.local["slug"], 0)


def test_the_layer_control_is_folded_and_the_map_fills_the_screen(map_page, browser, playwright_session, data):
    """Issue 13: the open layer control covered 55% of the map (all of its width on a phone), and the map
    was 620x700 px on a 1440x900 screen."""
    desktop = {"width": 1440, "height": 900}
    map_page.set_viewport_size(desktop)
    _folded_control_and_map(map_page, data, desktop)
    phone = playwright_session.devices[DEVICE]
    context = browser.new_context(**phone, base_url=map_page.url.split("/map")[0])
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    try:
        _folded_control_and_map(context.new_page(), data, phone["viewport"])
    finally:
        context.close()


def test_a_filter_changes_what_is_drawn(map_page, data):
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.survey["slug"], 2)
    map_page.get_by_label("Subject (any of its names)").fill("ormer")
    map_page.get_by_role("button", name="Filter").click()
    expect(map_page).to_have_url(re.compile(r"subject=ormer"))
    wait_drawn(map_page, data.survey["slug"], 1)
    wait_drawn(map_page, data.local["slug"], 0)
    # The filter kept the view: still zoom 16 over the records.
    assert map_page.evaluate("() => window.fieldappMapInstance.getZoom()") == 16


def test_clicking_a_feature_opens_its_popup_with_attribution(map_page, data):
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.local["slug"], 2)
    click_at(map_page, CENTRE[0] - 0.0018, CENTRE[1])
    popup = map_page.locator(".leaflet-popup-content")
    expect(popup.locator(".subject")).to_have_text("spider crab")
    expect(popup).to_contain_text("2024-05-02")
    expect(popup).to_contain_text("3")
    expect(popup.locator(".attribution")).to_have_text(
        f"Wardens {HTML_PAYLOAD} {TEMPLATE_PAYLOAD} · Fishers' grounds · CC-BY-4.0"
    )
    expect(popup.get_by_role("link", name="Open the record")).to_have_attribute("href", f"/observations/{data.crab}")


def test_popups_say_when_in_words_and_label_the_trend_as_a_trend(map_page, data):
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.local["slug"], 2)
    click_at(map_page, -2.1560, 49.1850)  # inside the ormer ground, away from the points
    popup = map_page.locator(".leaflet-popup-content")
    expect(popup.locator(".subject")).to_have_text("ormer ground")
    rows = popup.locator("dl").evaluate(
        "dl => Array.from(dl.querySelectorAll('dt')).map(dt => [dt.textContent, dt.nextElementSibling.textContent])"
    )
    assert dict(rows) == {"When": "1990s", "Every year": "April to June", "Trend": "decreasing"}
    close_popup(map_page)
    click_at(map_page, CENTRE[0] - 0.0018, CENTRE[1])
    expect(popup.locator(".subject")).to_have_text("spider crab")
    expect(popup.locator("dl")).to_have_text("When2024-05-02Quantity3")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", {"Quand": "années 1990", "Chaque année": "avril à juin", "Tendance": "en baisse"}),
        ("pt", {"Quando": "década de 1990", "Todos os anos": "abril a junho", "Tendência": "a diminuir"}),
    ],
)
def test_popups_speak_the_pages_language(map_page, data, live_server, language, expected):
    # The shared tiles carry codes; the popup words them in the page's language (the switch's cookie here).
    map_page.context.add_cookies([{"name": "fieldapp_lang", "value": language, "url": live_server.url}])
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.local["slug"], 2)
    wait_in_page(map_page, f"fetch('/i18n/{language}.json').then(r => r.ok)")
    click_at(map_page, -2.1560, 49.1850)
    popup = map_page.locator(".leaflet-popup-content")
    expect(popup.locator(".subject")).to_have_text("ormer ground")
    rows = popup.locator("dl").evaluate(
        "dl => Array.from(dl.querySelectorAll('dt')).map(dt => [dt.textContent, dt.nextElementSibling.textContent])"
    )
    assert dict(rows) == expected
    link = {"fr": "Ouvrir l’observation", "pt": "Abrir o registo"}[language]
    expect(popup.get_by_role("link", name=link)).to_be_visible()


def test_the_record_page_says_when_in_words(map_page, data):
    map_page.goto(f"/observations/{data.ground}")
    expect(map_page.locator("#observed")).to_have_text("1990s")
    expect(map_page.locator("#season")).to_have_text("April to June")


def test_popups_show_the_review_tally_in_the_same_words_for_every_kind(map_page, data):
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.survey["slug"], 2)
    click_at(map_page, CENTRE[0] + 0.0018, CENTRE[1])
    popup = map_page.locator(".leaflet-popup-content")
    expect(popup.locator(".subject")).to_have_text("ormer")
    expect(popup.locator(".review")).to_have_text("Review: questioned by 1 person")
    close_popup(map_page)
    click_at(map_page, CENTRE[0] - 0.0018, CENTRE[1])
    expect(popup.locator(".subject")).to_have_text("spider crab")
    expect(popup.locator(".review")).to_have_text("Review: corroborated by 1 person")
    close_popup(map_page)
    click_at(map_page, CENTRE[0], CENTRE[1] + 0.0011)
    expect(popup.locator(".review")).to_have_text("Review: no annotations yet")


def test_the_review_filter_hides_records_without_an_open_question(map_page, data):
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.local["slug"], 2)
    map_page.get_by_label("Has open questions").check()
    map_page.get_by_role("button", name="Filter").click()
    expect(map_page).to_have_url(re.compile(r"review=open_questions"))
    wait_drawn(map_page, data.survey["slug"], 1)
    wait_drawn(map_page, data.local["slug"], 0)
    expect(map_page.get_by_label("Has open questions")).to_be_checked()
    click_at(map_page, CENTRE[0] + 0.0018, CENTRE[1])
    expect(map_page.locator(".leaflet-popup-content .subject")).to_have_text("ormer")
    # The filter lives in the URL: the shared link draws the same.
    map_page.reload()
    wait_drawn(map_page, data.survey["slug"], 1)
    assert drawn(map_page)[data.local["slug"]] == 0


def test_payloads_in_note_subject_and_contributor_show_as_text(map_page, data):
    map_page.goto(data.map_path())
    wait_drawn(map_page, data.survey["slug"], 2)
    click_at(map_page, CENTRE[0], CENTRE[1] + 0.0011)
    popup = map_page.locator(".leaflet-popup-content")
    expect(popup.locator(".subject")).to_have_text(HTML_PAYLOAD)
    expect(popup).to_contain_text(TEMPLATE_PAYLOAD)
    expect(popup.locator(".attribution")).to_contain_text(f"Wardens {HTML_PAYLOAD} {TEMPLATE_PAYLOAD}")
    expect(popup.locator("img")).to_have_count(0)
    # The dataset title in the layer control is text too.
    expect(map_page.locator(".leaflet-control-layers")).to_contain_text(f"Survey {HTML_PAYLOAD}")
    expect(map_page.locator(".leaflet-control-layers img")).to_have_count(0)
    assert map_page.evaluate("() => window.__xss") is None


def test_dataset_page_shows_its_facts_and_a_map_of_it_alone(map_page, data):
    map_page.goto(f"/datasets/{data.survey['slug']}")
    expect(map_page.get_by_role("heading", level=1)).to_have_text(f"Survey {HTML_PAYLOAD}")
    expect(map_page.locator(".facts")).to_contain_text("CC-BY-4.0")
    expect(map_page.locator(".facts")).to_contain_text("2 (2 public")
    assert [d["slug"] for d in map_page.evaluate("() => window.fieldappMap.layers()")] == [data.survey["slug"]]


def test_popups_label_a_records_own_fields_in_the_pages_language(map_page, live_server):
    """The tiles carry a record's own values by name; the popup labels them from the dataset's form in
    the page's language, else the form's default language, else the name; each by the version it was made with."""
    _, token = live_server.account("Crab wardens", role="steward")
    headers = {"Authorization": f"Bearer {token}"}
    slug = live_server.slug("popfields")
    made = requests.post(
        f"{live_server.url}/api/v1/datasets",
        json={"slug": slug, "title": "Crab pots", "knowledge_kind": "local", "default_visibility": "public"},
        headers=headers,
        timeout=10,
    )
    assert made.status_code == 201, made.text
    form = {
        "languages": ["en", "fr"],
        "fields": [
            {"name": "pots", "type": "integer", "label": {"en": "Pots hauled", "fr": "Casiers relevés"}},
            {"name": "berried", "type": "boolean", "label": {"en": "Berried females", "fr": "Femelles grainées"}},
            {
                "name": "sea",
                "type": "select_one",
                "label": {"en": "Sea state"},
                "choices": [{"name": "calm", "label": {"en": "Calm", "fr": "Calme"}}],
            },
            {"name": "bait", "type": "text", "label": {"en": "Bait", "fr": "Appât"}},
        ],
    }
    url = f"{live_server.url}/api/v1/datasets/{slug}/form"
    assert requests.put(url, json=form, headers=headers, timeout=10).status_code == 201
    record = {
        "type": "Feature",
        "geometry": point(0, 0),
        "properties": {
            "dataset": slug,
            "subject_text": "spider crab",
            "visibility": "public",
            "fields": {"pots": 12, "berried": True, "sea": "calm", "bait": "mackerel"},
        },
    }
    sent = requests.post(f"{live_server.url}/api/v1/observations", json=record, headers=headers, timeout=10)
    assert sent.status_code == 201, sent.text
    # A later version drops "bait": the record keeps its value, labelled by the version it was made with.
    form["fields"] = form["fields"][:3]
    assert requests.put(url, json=form, headers=headers, timeout=10).status_code == 201
    map_page.context.add_cookies([{"name": "fieldapp_lang", "value": "fr", "url": live_server.url}])
    map_page.goto(f"/map?dataset={slug}&lat={CENTRE[1]}&lon={CENTRE[0]}&zoom=16")
    wait_drawn(map_page, slug, 1)
    wait_in_page(map_page, "fetch('/i18n/fr.json').then(r => r.ok)")
    click_at(map_page, CENTRE[0], CENTRE[1])
    popup = map_page.locator(".leaflet-popup-content")
    expect(popup.locator(".subject")).to_have_text("spider crab")
    own = popup.locator("dt", has_text="Les champs propres au jeu de données").locator("xpath=following-sibling::dd[1]")
    # French labels; "Sea state" has no French label: the form's default language (its choice has one).
    expect(own).to_have_text("Casiers relevés: 12; Femelles grainées: oui; Sea state: Calme; Appât: mackerel")
