"""Recording from a phone in headless Chromium: online, offline, lost answers, areas, photos, refusals, size."""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import text

from fieldapp.accounts.models import User
from fieldapp.datasets.models import Dataset
from fieldapp.subjects.models import Subject, SubjectName
from tests.e2e.conftest import wait_in_page
from tests.shared_data import PHOTOS

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
# The phone stands on the shore of St Aubin's Bay, with a 12 m fix.
SHORE = {"latitude": 49.1869, "longitude": -2.1542, "accuracy": 12}
FIRST_LOAD_BUDGET = 300 * 1024


@dataclass
class Warden:
    email: str
    token: str
    dataset: str

    def observations(self, live_server) -> dict:
        response = requests.get(
            f"{live_server.url}/api/v1/observations",
            params={"dataset": self.dataset},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )
        assert response.status_code == 200
        return response.json()


@pytest.fixture
def warden(live_server) -> Iterator[Warden]:
    """A volunteer warden with a password, a token, and a dataset of their own as their usual one.

    What they recorded is deleted after each test, so counts elsewhere in the suite never see it."""
    email, token = live_server.account("Warden Le Cornu", password=PASSWORD)
    slug = live_server.slug("record")
    with live_server.database.session() as session:
        user = session.query(User).filter_by(email=email).one()
        dataset = Dataset(
            slug=slug,
            title="Shore watch " + slug[-6:],
            knowledge_kind="volunteer",
            licence="CC-BY-4.0",
            default_visibility="public",
            steward_id=user.contributor_id,
        )
        session.add(dataset)
        session.flush()
        user.default_dataset_id = dataset.id
    yield Warden(email, token, slug)
    with live_server.database.session() as session:
        session.execute(
            text("DELETE FROM observation WHERE dataset_id = (SELECT id FROM dataset WHERE slug = :slug)"),
            {"slug": slug},
        )


def phone_context(browser, playwright_session, live_server, **extra) -> BrowserContext:
    options = dict(
        playwright_session.devices["Pixel 7"], base_url=live_server.url, geolocation=SHORE, permissions=["geolocation"]
    )
    options.update(extra)
    return browser.new_context(**options)


@pytest.fixture
def phone(browser, playwright_session, live_server) -> Iterator[BrowserContext]:
    """A Pixel 7 with the position granted and its service worker allowed."""
    context = phone_context(browser, playwright_session, live_server)
    yield context
    context.close()


def signed_in_page(context: BrowserContext, warden: Warden, path: str = "/record") -> Page:
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login?next=" + path)
    page.get_by_label("Email").fill(warden.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    return page


def outbox_item(page: Page, subject: str):
    return page.locator("#outbox-list li", has_text=subject)


def wait_for_fix(page: Page) -> None:
    expect(page.locator("#accuracy")).to_contain_text("accurate to about 12 m")


def until(condition, timeout: float = 15.0):
    """Poll the server until a condition holds (the outbox sends in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def test_record_a_sighting_online(phone, live_server, warden):
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    expect(page.locator("#uncertainty")).to_have_value("12")
    page.get_by_label(re.compile("What did you see")).fill("Spider crab")
    page.get_by_label("How much").select_option("count")
    page.get_by_label("Count", exact=True).fill("3")
    page.get_by_label(re.compile("Time spent")).fill("25")
    page.get_by_role("button", name="Save").click()
    item = outbox_item(page, "Spider crab")
    expect(item).to_have_attribute("data-state", "sent")
    expect(page.locator("#outbox-count")).to_have_text("0")

    body = warden.observations(live_server)
    assert body["numberMatched"] == 1
    record = body["features"][0]
    assert record["geometry"]["coordinates"] == pytest.approx([-2.1542, 49.1869], abs=1e-6)
    props = record["properties"]
    assert (props["count"], props["coordinate_uncertainty_m"], props["subject_text"]) == (3, 12, "Spider crab")
    assert props["time_precision"] == "instant" and props["licence"] == "CC-BY-4.0"
    assert props["time_spent_min"] == 25

    page.locator("#outbox-sent summary").click()  # sent records are folded away
    item.get_by_role("link", name="Open the record").click()
    # Lists leave each feature's credit line to their datasets member (cfee870): the record's own answer has it.
    one = requests.get(
        f"{live_server.url}/api/v1/observations/{record['id']}",
        headers={"Authorization": f"Bearer {warden.token}"},
        timeout=10,
    ).json()
    expect(page.locator("#attribution")).to_have_text(one["properties"]["attribution"])
    expect(page.get_by_role("button", name="Delete")).to_be_visible()


def test_the_form_fits_one_hand_at_360_px(phone, live_server, warden):
    page = signed_in_page(phone, warden)
    page.set_viewport_size({"width": 360, "height": 740})
    wait_for_fix(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    save = page.get_by_role("button", name="Save").bounding_box()
    assert save["height"] >= 44 and save["width"] >= 200
    unlabelled = page.evaluate(
        """Array.from(document.querySelectorAll('#record-form input:not([type=hidden]),'
           + ' #record-form select, #record-form textarea'))
           .filter(e => !e.closest('label') && !e.labels.length).length"""
    )
    assert unlabelled == 0


def test_record_offline_then_exactly_one_on_the_server(phone, live_server, warden):
    page = signed_in_page(phone, warden)
    wait_in_page(page, "navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    wait_for_fix(page)

    phone.set_offline(True)
    page.get_by_label(re.compile("What did you see")).fill("Ormer")
    page.get_by_role("button", name="Save").click()
    item = outbox_item(page, "Ormer")
    expect(item).to_have_attribute("data-state", re.compile("saved|waiting"))
    expect(page.locator("#outbox-count")).to_have_text("1")

    # The tab is closed and the page opened again with no signal: it comes from the phone, record and all.
    page.close()
    page = phone.new_page()
    response = page.goto("/record")
    assert response.from_service_worker and page.evaluate("navigator.onLine") is False
    expect(outbox_item(page, "Ormer")).to_have_attribute("data-state", re.compile("saved|waiting"))
    expect(page.locator("#map .leaflet-interactive").first).to_be_attached()  # the point, drawn by the modules
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(1)  # the coast, from the cache
    assert warden.observations(live_server)["numberMatched"] == 0

    phone.set_offline(False)
    expect(outbox_item(page, "Ormer")).to_have_attribute("data-state", "sent", timeout=20_000)
    page.reload()
    expect(outbox_item(page, "Ormer")).to_have_attribute("data-state", "sent")
    assert warden.observations(live_server)["numberMatched"] == 1


def test_an_answer_lost_after_the_commit_is_retried_without_a_duplicate(
    browser, playwright_session, live_server, warden
):
    # Routing and service workers do not mix in Playwright: this phone has none.
    context = phone_context(browser, playwright_session, live_server, service_workers="block")
    posts: list[int] = []

    def lose_the_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(1)
        if len(posts) == 1:
            answer = route.fetch()  # the server commits and answers ...
            assert answer.status == 201
            route.abort("connectionreset")  # ... and the phone never hears it
        else:
            route.continue_()

    try:
        page = signed_in_page(context, warden)
        page.route(re.compile(r".*/api/v1/observations$"), lose_the_first_answer)
        wait_for_fix(page)
        page.get_by_label(re.compile("What did you see")).fill("Sea bass")
        page.get_by_role("button", name="Save").click()
        expect(outbox_item(page, "Sea bass")).to_have_attribute("data-state", "sent", timeout=20_000)
        assert len(posts) >= 2
        body = warden.observations(live_server)
        assert body["numberMatched"] == 1
        assert body["features"][0]["properties"]["subject_text"] == "Sea bass"
    finally:
        context.close()


def test_the_save_bar_leaves_the_area_map_free(phone, live_server, warden):
    """Issue 13: the sticky Save bar covered 27% of the area-drawing map on a Pixel 7."""
    page = signed_in_page(phone, warden, "/record/area")
    for block in ("center", "end"):
        page.locator("#map").evaluate(f"el => el.scrollIntoView({{ block: '{block}' }})")
        map_box, bar = page.locator("#map").bounding_box(), page.locator("#save").bounding_box()
        viewport = page.viewport_size
        # The part of the map on screen, and the part of it the bar covers.
        top, bottom = max(map_box["y"], 0), min(map_box["y"] + map_box["height"], viewport["height"])
        covered = max(0, min(bottom, bar["y"] + bar["height"]) - max(top, bar["y"]))
        assert covered <= 0.05 * (bottom - top), (block, map_box, bar)


def test_draw_an_area_and_a_polygon_is_stored(phone, live_server, warden):
    page = signed_in_page(phone, warden, "/record/area")
    page.locator(".leaflet-pm-icon-polygon").click()
    # The whole map on screen, wherever the header puts it: a click outside the viewport lands nowhere.
    page.locator("#map").evaluate("el => el.scrollIntoView({ block: 'center' })")
    box = page.locator("#map").bounding_box()
    corners = [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.3, 0.3)]
    for fx, fy in corners:
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    expect(page.locator("#shape-status")).to_have_text("An area with 4 points is drawn.")
    page.get_by_label(re.compile("What did you see")).fill("Bream spawning ground")
    page.get_by_label("On a date").check()
    page.get_by_role("textbox", name="Date").fill("1995-05-01")
    for month in ("Apr", "May", "Jun"):
        page.get_by_label(month, exact=True).check()
    page.get_by_label("How precise is the date?").select_option("decade")
    page.get_by_label(re.compile("Generalised")).check()
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "Bream spawning ground")).to_have_attribute("data-state", "sent")

    feature = warden.observations(live_server)["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert len(feature["geometry"]["coordinates"][0]) == 5
    props = feature["properties"]
    assert (props["time_precision"], props["season_months"], props["visibility"]) == (
        "decade",
        [4, 5, 6],
        "generalised",
    )
    assert props["observed_start"].startswith("1995-05-01")


def test_photos_are_offered_not_applied_and_stored_stripped(phone, live_server, warden):
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    photos = sorted(PHOTOS.glob("*.jpg"))
    page.locator("#photos").set_input_files([str(p) for p in photos])
    expect(page.locator("#photo-list li")).to_have_count(len(photos))

    # The 2008 photos are old: the phone's position and the time now are no longer used for this record ...
    expect(page.locator("#accuracy")).to_contain_text("Not using your current position")
    expect(page.locator("#coords")).to_have_value("")
    expect(page.get_by_label("On a date")).to_be_checked()
    # ... and the photo's place is offered, not applied.
    offer = page.get_by_role(
        "button", name=re.compile(r"Use the location of DSCN0010\.jpg \(43\.467\d\d, 11\.885\d\d\)")
    )
    expect(offer).to_be_visible()
    expect(page.locator("#coords")).to_have_value("")
    offer.click()
    expect(page.locator("#coords")).to_have_value(re.compile(r"^43\.467\d\d, 11\.885\d\d$"))
    page.get_by_role("button", name=re.compile(r"Use the time of DSCN0010\.jpg")).click()
    page.get_by_label(re.compile("What did you see")).fill("Wall lizard")
    page.get_by_role("button", name="Save").click()
    # Italy is far from the park: the phone asks once, and a second Save keeps the photo's place.
    expect(page.locator('[data-error-for="geometry"]')).to_contain_text("km from the park (it comes from the photo)")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "Wall lizard")).to_have_attribute("data-state", "sent", timeout=30_000)

    feature = warden.observations(live_server)["features"][0]
    assert feature["geometry"]["coordinates"] == pytest.approx([11.8851, 43.4674], abs=1e-4)
    assert feature["properties"]["observed_start"].startswith("2008-10-22")
    with live_server.database.session() as session:
        rows = session.execute(
            text("SELECT id, sha256, public_path FROM media WHERE observation_id = :id"), {"id": feature["id"]}
        ).all()
    assert len(rows) == len(photos)
    for row in rows:
        public = requests.get(f"{live_server.url}/media/{row.id}/public.jpg", timeout=10)
        assert public.status_code == 200
        image = Image.open(io.BytesIO(public.content))
        assert not image.getexif() and "exif" not in image.info
    portrait = next(r for r in rows if r.sha256 == _sha256(PHOTOS / "portrait_6.jpg"))
    turned = requests.get(f"{live_server.url}/media/{portrait.id}/public.jpg", timeout=10)
    upright = Image.open(io.BytesIO(turned.content))
    assert upright.height > upright.width


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_refused_record_shows_the_error_and_can_be_fixed(phone, live_server, warden):
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    page.get_by_label(re.compile("What did you see")).fill("Lobster pots")
    page.get_by_label("How much").select_option("count")
    page.get_by_label("Count", exact=True).fill("-4")
    page.get_by_role("button", name="Save").click()
    item = outbox_item(page, "Lobster pots")
    expect(item).to_have_attribute("data-state", "failed")
    expect(item).to_contain_text("Not accepted by the server")
    assert warden.observations(live_server)["numberMatched"] == 0

    item.get_by_role("button", name="Fix and resend").click()
    expect(page.locator('[data-error-for="count"]')).to_have_text("A count cannot be below zero.")
    page.get_by_label("Count", exact=True).fill("4")
    page.get_by_role("button", name="Save the corrected record").click()
    expect(item).to_have_attribute("data-state", "sent")
    body = warden.observations(live_server)
    assert body["numberMatched"] == 1 and body["features"][0]["properties"]["count"] == 4


def test_first_load_is_small_and_a_repeat_visit_works_offline(phone, live_server, warden, record_property):
    page = signed_in_page(phone, warden, "/")
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(_transfer_size(request)))
    page.goto("/record")
    wait_for_fix(page)
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    first_load = sum(sizes)
    record_property("record_first_load_bytes", first_load)
    print(f"\n/record first load: {first_load} bytes transferred (compressed), {len(sizes)} requests")
    assert first_load <= FIRST_LOAD_BUDGET

    phone.set_offline(True)
    sizes.clear()
    response = page.reload()
    assert response.from_service_worker
    wait_for_fix(page)
    expect(page.get_by_role("button", name="Save")).to_be_enabled()
    print(f"/record repeat visit offline: {sum(sizes)} bytes from the network, page served by the service worker")
    phone.set_offline(False)


# Answers that must come from the server each time: the outbox's sign-in check, the API, the worker itself.
NETWORK_ONLY = ("/record/context.json", "/api/", "/sw.js")


def test_the_worker_keeps_every_file_and_module_the_recording_pages_load(phone, live_server, warden):
    """What the browser really fetched for /record and /record/area, modules included, against /sw.js's list."""
    page = signed_in_page(phone, warden)
    fetched: set[str] = set()
    page.on("request", lambda request: fetched.add(request.url))
    page.reload()
    wait_for_fix(page)
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    page.goto("/record/area")
    expect(page.locator(".leaflet-pm-icon-polygon")).to_be_visible()
    worker = requests.get(f"{live_server.url}/sw.js", timeout=10).text
    shell = set(json.loads(re.search(r"var SHELL = (\[.*?\]);", worker, re.S).group(1)))

    paths = {url.removeprefix(live_server.url).split("?")[0] for url in fetched if url.startswith(live_server.url)}
    modules = {p for p in paths if p.startswith("/static/js/record/")}
    assert {"/static/js/record/main.js", "/static/js/record/exif.js", "/static/js/map.js"} <= paths
    assert len(modules) >= 8  # the recording code, one module per concern
    kept = {p for p in paths if not p.startswith(NETWORK_ONLY)}
    assert kept - shell == set(), "fetched by the recording pages but not kept for offline use"

    # With no signal the area page opens from the phone, its drawing tools and modules with it.
    phone.set_offline(True)
    response = page.goto("/record/area")
    assert response.from_service_worker
    expect(page.locator(".leaflet-pm-icon-polygon")).to_be_visible()
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(1)  # the coast, from the cache
    phone.set_offline(False)


def _transfer_size(request) -> int:
    response = request.response()
    if response is None or response.from_service_worker:
        return 0
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


# Subject suggestions: every name of a subject (English, Jèrriais, fishers' words) links it.
@pytest.fixture
def ormer(live_server) -> Iterator[int]:
    """The ormer with its names in three communities; deleted (with its records' links) afterwards."""
    with live_server.database.session() as session:
        subject = Subject(
            kind="taxon",
            scientific_name="Haliotis tuberculata",
            names=[
                SubjectName(name="ormer", language="en"),
                SubjectName(name="ormé", language="nrf"),
                SubjectName(name="lormes", language="en", community="fishers"),
            ],
        )
        session.add(subject)
        session.flush()
        subject_id = subject.id
    yield subject_id
    with live_server.database.session() as session:
        session.execute(text("UPDATE observation SET subject_id = NULL WHERE subject_id = :s"), {"s": subject_id})
        session.execute(text("DELETE FROM subject WHERE id = :s"), {"s": subject_id})


def test_a_jerriais_name_links_the_subject_and_keeps_the_words(phone, live_server, warden, ormer):
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    # Typed without its accent, every name that has it is suggested, in every language, with its species: the
    # whole name first, then names that start so, then names with it inside a word.
    page.get_by_label("What did you see").fill("orme")
    suggestions = page.locator("#subject-suggestions .suggestion")
    expect(suggestions).to_have_count(3)
    assert [t.split(" (")[0] for t in suggestions.all_text_contents()] == ["ormé", "ormer", "lormes"]
    page.get_by_label("What did you see").fill("lorm")
    expect(suggestions).to_have_count(1)
    expect(suggestions).to_contain_text("lormes (en, fishers) · Haliotis tuberculata")
    page.get_by_label("What did you see").fill("ORME")
    page.locator("#subject-suggestions .suggestion", has_text="ormé").click()
    expect(page.get_by_label("What did you see")).to_have_value("ormé")
    expect(page.locator("#subject-match")).to_contain_text("Linked to Haliotis tuberculata")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "ormé")).to_have_attribute("data-state", "sent")
    record = until(lambda: warden.observations(live_server)["features"])[0]
    assert (record["properties"]["subject_id"], record["properties"]["subject_text"]) == (ormer, "ormé")
    assert record["properties"]["scientific_name"] == "Haliotis tuberculata"


def test_words_nobody_has_linked_yet_are_kept(phone, live_server, warden, ormer):
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    page.get_by_label("What did you see").fill("grandes vieilles")
    expect(page.locator("#subject-match")).to_contain_text("kept exactly as you wrote it")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "grandes vieilles")).to_have_attribute("data-state", "sent")
    record = until(lambda: warden.observations(live_server)["features"])[0]
    # A list leaves null properties out: no subject_id is no link.
    assert (record["properties"].get("subject_id"), record["properties"]["subject_text"]) == (None, "grandes vieilles")
