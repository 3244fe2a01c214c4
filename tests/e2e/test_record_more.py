"""More of the recording page in headless Chromium: installability, better fixes, typed coordinates,
abundance scales, trend, sharing explanations, camera time zones and pseudonyms made offline."""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import text

from fieldapp.accounts.models import User
from fieldapp.datasets.models import Dataset
from tests.shared_data import PHOTOS

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
INSTALLABLE_DISPLAYS = {"fullscreen", "standalone", "minimal-ui"}


@dataclass
class Recorder:
    email: str
    token: str
    dataset: str
    user_id: int

    def features(self, live_server) -> list[dict]:
        response = requests.get(
            f"{live_server.url}/api/v1/observations",
            params={"dataset": self.dataset},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )
        assert response.status_code == 200
        return response.json()["features"]

    def feature(self, live_server, subject: str) -> dict:
        found = [f for f in self.features(live_server) if f["properties"]["subject_text"] == subject]
        assert len(found) == 1, f"{len(found)} records of {subject!r}"
        # The record's own answer: lists leave out null properties and the per-feature credit line.
        response = requests.get(
            f"{live_server.url}/api/v1/observations/{found[0]['id']}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )
        assert response.status_code == 200
        return response.json()


@pytest.fixture
def recorder(live_server) -> Recorder:
    """A warden with a password, a token and a dataset of their own as their usual one."""
    email, token = live_server.account("Warden Le Feuvre", password=PASSWORD)
    slug = live_server.slug("more")
    with live_server.database.session() as session:
        user = session.query(User).filter_by(email=email).one()
        dataset = Dataset(
            slug=slug,
            title="Shore notes " + slug[-6:],
            knowledge_kind="volunteer",
            licence="CC-BY-4.0",
            default_visibility="public",
            steward_id=user.contributor_id,
        )
        session.add(dataset)
        session.flush()
        user.default_dataset_id = dataset.id
        user_id = user.id
    return Recorder(email, token, slug, user_id)


def sign_in(page: Page, recorder: Recorder, path: str = "/record") -> None:
    page.goto("/login?next=" + path)
    page.get_by_label("Email").fill(recorder.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    # Every script and the coast loaded: closing the page mid-download leaves the dev server a file open.
    page.wait_for_load_state("networkidle")


def subject(page: Page, words: str) -> None:
    page.get_by_label(re.compile("What did you see")).fill(words)


def type_coordinates(page: Page, value: str) -> None:
    page.get_by_label(re.compile("^Coordinates")).fill(value)
    page.get_by_role("button", name="Put the point here").click()


def save_and_wait_sent(page: Page, words: str) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#outbox-list li", has_text=words)).to_have_attribute("data-state", "sent", timeout=20_000)


def at(latitude: float, longitude: float, accuracy: float) -> dict:
    return {"latitude": latitude, "longitude": longitude, "accuracy": accuracy}


# --- installable ------------------------------------------------------------------------------


def test_the_manifest_and_icons_make_the_page_installable(page, live_server, recorder):
    sign_in(page, recorder)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    manifest = json.loads(response.text())
    assert manifest["name"] and manifest["short_name"]
    assert manifest["display"] in INSTALLABLE_DISPLAYS
    start = page.request.get(manifest["start_url"])
    assert start.status == 200 and start.url.endswith("/record")  # the recording page itself, signed in
    assert manifest["start_url"].startswith(manifest.get("scope", "/"))
    sizes = set()
    for icon in manifest["icons"]:
        served = page.request.get(icon["src"])
        assert served.status == 200 and served.headers["content-type"] == icon["type"] == "image/png"
        image = Image.open(io.BytesIO(served.body()))
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert image.format == "PNG" and image.size == (width, height)
        sizes.add(icon["sizes"])
    # Chromium installs with a 192 px and a 512 px icon.
    assert {"192x192", "512x512"} <= sizes
    assert page.locator('meta[name="theme-color"]').get_attribute("content") == manifest["theme_color"]


# --- location ---------------------------------------------------------------------------------


def test_waiting_for_a_better_fix_stores_the_better_accuracy(page, live_server, recorder):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(at(49.1870, -2.1550, 80))
    sign_in(page, recorder)
    accuracy = page.locator("#accuracy")
    expect(accuracy).to_contain_text("accurate to about 80 m")
    page.get_by_label(re.compile("Wait for a better fix")).check()
    expect(accuracy).to_contain_text("Waiting for a fix better than 20 m")
    subject(page, "Oystercatcher")
    page.get_by_role("button", name="Save").click()
    expect(page.locator('[data-error-for="geometry"]')).to_contain_text("Still waiting for a better fix")
    assert page.locator("#outbox-list li").count() == 0

    page.context.set_geolocation(at(49.1869, -2.1542, 6))
    expect(accuracy).to_contain_text("accurate to about 6 m")
    expect(page.locator("#uncertainty")).to_have_value("6")
    # A worse fix afterwards is shown, but never replaces the better one.
    page.context.set_geolocation(at(49.1880, -2.1600, 45))
    expect(accuracy).to_contain_text("(latest fix 45 m)")
    expect(page.locator("#uncertainty")).to_have_value("6")
    save_and_wait_sent(page, "Oystercatcher")

    stored = recorder.feature(live_server, "Oystercatcher")
    assert stored["properties"]["coordinate_uncertainty_m"] == 6
    assert stored["geometry"]["coordinates"] == pytest.approx([-2.1542, 49.1869], abs=1e-6)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("49.1869, -2.1542", (49.1869, -2.1542)),
        ("49°11.2'N 2°09.3'W", (49 + 11.2 / 60, -(2 + 9.3 / 60))),
        ("N 49 11.2, W 2 09.3", (49 + 11.2 / 60, -(2 + 9.3 / 60))),
    ],
)
def test_typed_coordinates_land_on_the_right_point(page, live_server, recorder, typed, expected):
    # The phone has a 12 m fix first: typed coordinates replace it, and its accuracy with it.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(at(49.2000, -2.1000, 12))
    sign_in(page, recorder)
    expect(page.locator("#accuracy")).to_contain_text("accurate to about 12 m")
    type_coordinates(page, typed)
    expect(page.locator("#accuracy")).to_have_text("Typed coordinates.")
    expect(page.locator("#uncertainty")).to_have_value("")
    marker = page.evaluate(
        "(() => { const m = document.querySelector('.leaflet-marker-icon'); "
        "return m ? m.getAttribute('title') : null; })()"
    )
    assert marker == "The record's place"
    words = f"Limpet {typed}"
    subject(page, words)
    save_and_wait_sent(page, words)

    stored = recorder.feature(live_server, words)
    lon, lat = stored["geometry"]["coordinates"]
    assert (lat, lon) == pytest.approx(expected, abs=1e-6)
    assert stored["properties"].get("coordinate_uncertainty_m") is None


def test_unreadable_coordinates_are_refused_next_to_the_field(page, recorder):
    sign_in(page, recorder)
    type_coordinates(page, "somewhere off Gorey")
    expect(page.locator('[data-error-for="geometry"]')).to_contain_text("Give latitude and longitude")
    type_coordinates(page, "49°75'N 2°09.3'W")  # 75 minutes is not a position
    expect(page.locator('[data-error-for="geometry"]')).to_contain_text("Give latitude and longitude")


# --- what -------------------------------------------------------------------------------------


def test_each_abundance_scale_shows_its_help_and_sacfor_is_stored_with_its_scale(page, live_server, recorder):
    sign_in(page, recorder)
    help_text = page.locator("#scale-help")
    quantity = page.get_by_label("How much")
    expect(help_text).to_be_hidden()
    for scale, words in (
        ("DAFOR", "Dominant, Abundant, Frequent"),
        ("DOMIN", "Domin cover scale"),
        ("percent_cover", "Percentage of the ground covered"),
        ("SACFOR", "Superabundant, Abundant, Common"),
    ):
        quantity.select_option(scale)
        expect(help_text).to_be_visible()
        expect(help_text).to_contain_text(words)
        expect(page.get_by_label("Value on the scale")).to_be_visible()
        expect(page.get_by_label("Count", exact=True)).to_be_hidden()
    quantity.select_option("count")
    expect(help_text).to_be_hidden()
    expect(page.get_by_label("Value on the scale")).to_be_hidden()
    expect(page.get_by_label("Count", exact=True)).to_be_visible()
    quantity.select_option("SACFOR")
    page.get_by_label("Value on the scale").fill("C")
    page.get_by_label(re.compile("^Trend")).select_option("decreasing")
    type_coordinates(page, "49.1702, -2.0401")
    subject(page, "Channelled wrack")
    save_and_wait_sent(page, "Channelled wrack")

    props = recorder.feature(live_server, "Channelled wrack")["properties"]
    assert (props["abundance_scale"], props["abundance_value"]) == ("SACFOR", "C")
    assert props["trend"] == "decreasing"
    assert props.get("count") is None


# --- who and sharing --------------------------------------------------------------------------


def test_visibility_and_licence_are_explained_in_plain_words(page, recorder):
    sign_in(page, recorder)
    for value, words in (
        ("public", "everyone sees the exact place"),
        ("generalised", "others see only a grid square"),
        ("private", "only you, the dataset's stewards and park staff see the place"),
    ):
        label = page.locator("label", has=page.locator(f'input[name="visibility"][value="{value}"]'))
        expect(label).to_contain_text(words)
    # The dataset's defaults: public, and its licence explained in one sentence.
    expect(page.locator('input[name="visibility"][value="public"]')).to_be_checked()
    licence_help = page.locator("#licence-help")
    expect(licence_help).to_have_text(
        "The dataset's licence: Anyone may reuse it for any purpose, as long as they credit you."
    )
    page.get_by_label("Licence").select_option("CC0-1.0")
    expect(licence_help).to_have_text("Anyone may reuse it for any purpose, without asking or crediting.")
    page.get_by_label("Licence").select_option("restricted")
    expect(licence_help).to_contain_text("only the dataset's stewards and park staff may reuse it")


# --- photos: the camera's clock ----------------------------------------------------------------


def test_a_photo_time_without_a_zone_is_jersey_time_on_the_phone_and_the_server(page, live_server, recorder):
    # A visitor's phone still set to New York: the camera's 16:28:39 is Jersey's clock, not the phone's.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
    sign_in(page, recorder)
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
    expect(page.locator("#camera-zone-help")).to_contain_text("read as Jersey time (Europe/Jersey")
    page.locator("#photos").set_input_files(str(PHOTOS / "DSCN0010.jpg"))
    use_time = page.get_by_role("button", name=re.compile(r"Use the time of DSCN0010\.jpg"))
    expect(use_time).to_contain_text("16:28:39")
    expect(use_time).to_contain_text("Jersey time")
    use_time.click()
    expect(page.locator("#observed-start")).to_have_value("2008-10-22")
    page.get_by_role("button", name=re.compile(r"Use the location of DSCN0010\.jpg")).click()
    subject(page, "Green lizard")
    # The photo's place is in Italy: asked once, kept by pressing Save again.
    page.get_by_role("button", name="Save").click()
    expect(page.locator('[data-error-for="geometry"]')).to_contain_text("km from the park")
    save_and_wait_sent(page, "Green lizard")

    stored = recorder.feature(live_server, "Green lizard")
    taken = datetime(2008, 10, 22, 15, 28, 39, tzinfo=UTC)  # 16:28:39 BST
    assert datetime.fromisoformat(stored["properties"]["observed_start"]) == taken
    with live_server.database.session() as session:
        server = session.execute(
            text("SELECT exif_time FROM media WHERE observation_id = :id"), {"id": stored["id"]}
        ).scalar_one()
    assert server == taken


# --- pseudonyms -------------------------------------------------------------------------------


def test_records_saved_offline_under_a_new_pseudonym_make_it_once(page, live_server, recorder):
    sign_in(page, recorder)
    name = f"Shore walker {recorder.dataset[-6:]}"
    credit = page.get_by_label("Credit this record to")
    expect(page.locator("#pseudonym-field")).to_be_hidden()
    page.context.set_offline(True)
    for words in ("Sea holly", "Sand lizard"):
        credit.select_option("new")
        page.get_by_label(re.compile("^New pseudonym")).fill(name)
        type_coordinates(page, "49.2260, -2.1690")
        subject(page, words)
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#outbox-list li", has_text=words)).to_have_attribute(
            "data-state", re.compile("saved|waiting")
        )
    expect(page.locator("#outbox-count")).to_have_text("2")
    assert _pseudonyms(live_server, recorder) == []

    page.context.set_offline(False)
    for words in ("Sea holly", "Sand lizard"):
        expect(page.locator("#outbox-list li", has_text=words)).to_have_attribute("data-state", "sent", timeout=20_000)
    made = _pseudonyms(live_server, recorder)
    assert [m.display_name for m in made] == [name]  # one pseudonym, however many records used it
    for words in ("Sea holly", "Sand lizard"):
        props = recorder.feature(live_server, words)["properties"]
        assert props["contributor_id"] == made[0].id and props["attribution"].startswith(name)

    # Its page shows the pseudonym and nothing of the account behind it.
    page.goto(f"/contributors/{made[0].id}")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text(name)
    for secret in ("Warden Le Feuvre", recorder.email):
        expect(main).not_to_contain_text(secret)
    # Next time, the form offers it by name.
    page.goto("/record")
    expect(page.get_by_label("Credit this record to").locator("option", has_text=name)).to_have_count(1)


def test_a_refused_pseudonym_shows_its_error_and_can_be_fixed(page, live_server, recorder):
    sign_in(page, recorder)
    page.get_by_label("Credit this record to").select_option("new")
    page.get_by_label(re.compile("^New pseudonym")).fill("Warden Le Feuvre")  # the account's own name
    type_coordinates(page, "49.2260, -2.1690")
    subject(page, "Dartford warbler")
    page.get_by_role("button", name="Save").click()
    item = page.locator("#outbox-list li", has_text="Dartford warbler")
    expect(item).to_have_attribute("data-state", "failed")
    item.get_by_role("button", name="Fix and resend").click()
    expect(page.locator('[data-error-for="display_name"]')).to_contain_text("the same as your account's name")
    page.get_by_label(re.compile("^New pseudonym")).fill("Heathland regular " + recorder.dataset[-6:])
    page.get_by_role("button", name="Save the corrected record").click()
    expect(item).to_have_attribute("data-state", "sent")
    assert len(_pseudonyms(live_server, recorder)) == 1
    assert len(recorder.features(live_server)) == 1


def _pseudonyms(live_server, recorder: Recorder) -> list:
    # Give a just-finished request a moment to commit before reading.
    time.sleep(0.2)
    with live_server.database.session() as session:
        return list(
            session.execute(
                text("SELECT id, display_name FROM contributor WHERE owner_user_id = :u"), {"u": recorder.user_id}
            )
        )
