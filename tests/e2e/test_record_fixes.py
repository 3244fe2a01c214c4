"""Field fixes to the recording page, each found by a user test on a phone: the dataset a new account
starts on, what the form keeps after Save, the outbox list's length, scale values checked on the phone
and a photo's place far from the park."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from fieldapp.accounts.models import User
from fieldapp.datasets.models import Dataset
from tests.e2e.conftest import wait_in_page
from tests.e2e.test_record import PASSWORD, phone_context
from tests.shared_data import PHOTOS

pytestmark = pytest.mark.e2e


@dataclass
class Newcomer:
    """A new account with no usual dataset, and datasets of each kind to choose from."""

    email: str
    token: str
    slugs: dict[str, str]  # knowledge kind -> slug
    titles: dict[str, str]


@pytest.fixture
def newcomer(live_server) -> Newcomer:
    email, token = live_server.account("Jeanne Renouf", password=PASSWORD)
    slugs, titles = {}, {}
    with live_server.database.session() as session:
        user = session.query(User).filter_by(email=email).one()
        # Titles that sort first, as a list sorted by kind and title would show them.
        for kind in ("historical", "scientific", "local", "volunteer"):
            slug = live_server.slug("fix-" + kind[:4])
            title = f"A {kind} {slug[-6:]}"
            session.add(
                Dataset(
                    slug=slug,
                    title=title,
                    knowledge_kind=kind,
                    licence="CC-BY-4.0",
                    default_visibility="public",
                    steward_id=user.contributor_id,
                )
            )
            slugs[kind], titles[kind] = slug, title
    return Newcomer(email, token, slugs, titles)


@pytest.fixture
def phone(browser, playwright_session, live_server):
    context = phone_context(browser, playwright_session, live_server)
    yield context
    context.close()


def sign_in(context: BrowserContext, email: str, path: str = "/record") -> Page:
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login?next=" + path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.locator("#accuracy")).to_contain_text("accurate to about 12 m")
    return page


def selected_dataset(page: Page) -> str:
    return page.locator("#dataset").evaluate("s => s.selectedOptions[0] ? s.selectedOptions[0].value : ''")


def save_and_wait_sent(page: Page, words: str) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#outbox-list li", has_text=words)).to_have_attribute("data-state", "sent", timeout=20_000)


# --- 1. the dataset a new account starts on ---------------------------------------------------


def test_a_new_account_starts_on_a_volunteer_dataset_then_the_one_it_last_used(
    browser, playwright_session, live_server, newcomer
):
    context = phone_context(browser, playwright_session, live_server)
    try:
        page = sign_in(context, newcomer.email)
        chosen = page.locator("#dataset").evaluate("s => s.selectedOptions[0].textContent")
        assert chosen.endswith("(volunteer)"), chosen
        # A local dataset chosen and used: the next record starts there, on this phone ...
        page.locator("#dataset").select_option(newcomer.slugs["local"])
        page.get_by_label(re.compile("What did you see")).fill("Green ormer")
        save_and_wait_sent(page, "Green ormer")
        page.reload()
        expect(page.locator("#accuracy")).to_contain_text("accurate to about 12 m")  # the modules ran
        expect(page.locator("#dataset")).to_have_value(newcomer.slugs["local"])
    finally:
        context.close()
    # ... and on another phone, from what the server knows.
    other = phone_context(browser, playwright_session, live_server)
    try:
        page = sign_in(other, newcomer.email)
        expect(page.locator("#dataset")).to_have_value(newcomer.slugs["local"])
    finally:
        other.close()


# --- 2. after Save, the form keeps only dataset, credit, sharing and licence ------------------


def test_after_save_only_dataset_credit_sharing_and_licence_stay(phone, newcomer):
    page = sign_in(phone, newcomer.email)
    page.locator("#dataset").select_option(newcomer.slugs["local"])
    page.get_by_label(re.compile("Generalised")).check()
    page.get_by_label("Licence").select_option("CC0-1.0")
    page.get_by_label(re.compile("What did you see")).fill("Brent geese")
    page.get_by_label("Looked for, not there").check()
    page.get_by_label("How much").select_option("count")
    page.get_by_label("Count", exact=True).fill("0")
    page.get_by_label(re.compile("^Trend")).select_option("decreasing")
    page.get_by_label("How sure are you?").select_option("probable")
    page.get_by_label("Notes", exact=True).fill("Low tide, north wind")
    page.get_by_label(re.compile("Time spent")).fill("40")
    page.get_by_label("On a date").check()
    page.get_by_role("textbox", name="Date").fill("2008-10-22")
    page.get_by_label("Oct", exact=True).check()
    save_and_wait_sent(page, "Brent geese")

    expect(page.get_by_role("radio", name="Present", exact=True)).to_be_checked()
    # The form is ready for the next count, with the previous one gone (an empty count sends nothing).
    expect(page.get_by_label("How much")).to_have_value("count")
    expect(page.get_by_label("Count", exact=True)).to_have_value("")
    expect(page.get_by_label(re.compile("^Trend"))).to_have_value("")
    expect(page.get_by_label("How sure are you?")).to_have_value("")
    expect(page.get_by_label("Notes", exact=True)).to_have_value("")
    expect(page.get_by_label(re.compile("Time spent"))).to_have_value("")
    expect(page.get_by_role("radio", name="Now", exact=True)).to_be_checked()
    expect(page.locator("#observed-start")).to_have_value("")
    expect(page.get_by_label("Oct", exact=True)).not_to_be_checked()
    expect(page.get_by_label(re.compile("What did you see"))).to_have_value("")
    # What is about the recorder and their sharing stays.
    assert selected_dataset(page) == newcomer.slugs["local"]
    expect(page.get_by_label(re.compile("Generalised"))).to_be_checked()
    expect(page.get_by_label("Licence")).to_have_value("CC0-1.0")


# --- 3. sent records do not pile up above the form --------------------------------------------


def test_sent_records_are_the_last_few_folded_with_a_link_to_all(phone, live_server, newcomer):
    page = sign_in(phone, newcomer.email)
    empty_top = page.locator("#map").bounding_box()["y"] + page.evaluate("window.scrollY")
    for n in range(6):
        page.get_by_label(re.compile("What did you see")).fill(f"Oystercatcher {n}")
        save_and_wait_sent(page, f"Oystercatcher {n}")
    expect(page.locator("#outbox-list li")).to_have_count(3)
    expect(page.locator("#outbox-list li", has_text="Oystercatcher 5")).to_be_hidden()  # folded
    top = page.locator("#map").bounding_box()["y"] + page.evaluate("window.scrollY")
    assert top - empty_top < 80, f"the map moved {top - empty_top} px down"

    page.get_by_text("Sent from this phone").click()
    expect(page.locator("#outbox-list li", has_text="Oystercatcher 5")).to_be_visible()
    expect(page.locator("#outbox-list li", has_text="Oystercatcher 2")).to_have_count(0)
    # The issue asked for a link to My records (the page now exists: /account/records).
    link = page.get_by_role("link", name=re.compile("My records: all of them"))
    expect(link).to_have_attribute("href", "/account/records")
    # The phone keeps no more than it shows.
    page.reload()
    expect(page.locator("#outbox-list li")).to_have_count(3)


# --- 7. scale values are checked on the phone, by the server's rules ---------------------------


@pytest.mark.parametrize(
    ("scale", "value", "refusal"),
    [
        ("SACFOR", "Lots", "'Lots' is not on the SACFOR scale; use one of S, A, C, F, O, R, P."),
        ("DOMIN", "11", "'11' is not on the DOMIN scale; use +, or 1 to 10."),
        ("percent_cover", "150", "150 is outside 0 to 100 percent."),
    ],
)
def test_a_value_off_its_scale_is_refused_on_the_phone_offline(phone, live_server, newcomer, scale, value, refusal):
    from fieldapp.observations.abundance import normalise

    with pytest.raises(ValueError) as server:  # the server's own words for it
        normalise(scale, value)
    assert str(server.value) == refusal
    page = sign_in(phone, newcomer.email)
    phone.set_offline(True)
    page.get_by_label(re.compile("What did you see")).fill("Thongweed")
    page.get_by_label("How much").select_option(scale)
    page.get_by_label("Value on the scale").fill(value)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator('[data-error-for="abundance_value"]')).to_have_text(refusal)
    expect(page.locator("#outbox-count")).to_have_text("0")
    expect(page.locator("#outbox-list li")).to_have_count(0)
    # A value the scale knows, in the recorder's words, is saved.
    page.get_by_label("Value on the scale").fill({"SACFOR": "common", "DOMIN": "+", "percent_cover": "40"}[scale])
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#outbox-count")).to_have_text("1")
    expect(page.locator('[data-error-for="abundance_value"]')).to_have_text("")


# --- 8. a photo's place far outside the park ---------------------------------------------------


def test_a_photo_place_far_from_the_park_is_questioned_before_saving(phone, live_server, newcomer):
    page = sign_in(phone, newcomer.email)
    page.locator("#photos").set_input_files(str(PHOTOS / "DSCN0010.jpg"))  # taken in Italy, 2008
    page.get_by_role("button", name=re.compile(r"Use the location of DSCN0010\.jpg")).click()
    page.get_by_role("button", name=re.compile(r"Use the time of DSCN0010\.jpg")).click()
    page.get_by_label(re.compile("What did you see")).fill("Wall lizard")
    page.get_by_role("button", name="Save", exact=True).click()
    warning = page.locator('[data-error-for="geometry"]')
    expect(warning).to_have_text(
        re.compile(r"^This place is about 1,[0-9]{3} km from the park \(it comes from the photo\)\. Check the point")
    )
    expect(page.locator("#outbox-list li")).to_have_count(0)
    # The recorder puts the point right (typed, on the shore): saved at once, no question.
    page.get_by_label(re.compile("^Coordinates")).fill("49.1869, -2.1542")
    page.get_by_role("button", name="Put the point here").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#outbox-list li", has_text="Wall lizard")).to_have_count(1)
    expect(warning).to_have_text("")


# --- 9. the detailed coastline as the offline base of every map --------------------------------


def coast_groups(page: Page) -> dict[str, int]:
    """The map's coastline as the page fetches it (from the service worker when offline): which
    groups of land it holds (Jersey, and the reefs the old 47-vertex outline lacked)."""
    groups = page.evaluate(
        """fetch(document.getElementById('map').getAttribute('data-outline')).then(r => r.json())
           .then(c => c.features.map(f => f.properties.group))"""
    )
    return {g: 1 for g in groups}


def test_the_recording_map_draws_the_detailed_coast_offline_with_its_credit(phone, live_server, newcomer):
    page = sign_in(phone, newcomer.email)
    coast = page.locator("#map .leaflet-overlay-pane path")
    expect(coast).to_have_count(1)
    assert coast_groups(page) == {"Jersey": 1, "Les Écréhous": 1, "Les Minquiers": 1}
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text(
        "Coastline: GSHHG (Wessel and Smith), LGPL-3.0"
    )
    # Offline, from the service worker's copy.
    wait_in_page(page, "navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    page.reload()
    expect(page.locator("#map .leaflet-overlay-pane path")).to_have_count(1)
    assert page.evaluate("navigator.onLine") is False
    assert coast_groups(page) == {"Jersey": 1, "Les Écréhous": 1, "Les Minquiers": 1}


def test_a_usual_dataset_chosen_once_is_where_the_form_starts(phone, newcomer):
    page = sign_in(phone, newcomer.email)
    page.get_by_role("link", name="Choose your usual dataset").click()
    page.get_by_label("Dataset").select_option(newcomer.slugs["local"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Your usual dataset is saved")
    page.get_by_role("link", name="Record a sighting").last.click()
    expect(page).to_have_url(re.compile("/record$"))
    expect(page.locator("#dataset")).to_have_value(newcomer.slugs["local"])
