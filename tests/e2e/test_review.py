"""Two-way review in the browser: a scientist proposes a correction to a fisher's record; the fisher accepts it."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.test_pages import sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
HOSTILE = "<img src=x onerror=alert(1)> ${alert(2)} forty is too many"


@pytest.fixture
def fishers_record(live_server):
    """A fisher's sighting (count 40) in a local-knowledge dataset, and a scientist who can sign in."""
    _, steward_token = live_server.account("Review Steward", role="steward")
    slug = live_server.slug("review")
    created = requests.post(
        f"{live_server.url}/api/v1/datasets",
        timeout=10,
        headers={"Authorization": f"Bearer {steward_token}"},
        json={"slug": slug, "title": "Fishers' crab knowledge", "knowledge_kind": "local"},
    )
    assert created.status_code == 201, created.text
    fisher_email, fisher_token = live_server.account("Fisher Jo", password=PASSWORD)
    scientist_email, _ = live_server.account("Dr Survey", password=PASSWORD)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-2.16, 49.18]},
        "properties": {"dataset": slug, "subject_text": "spider crab", "count": 40},
    }
    record = requests.post(
        f"{live_server.url}/api/v1/observations",
        json=body,
        timeout=10,
        headers={"Authorization": f"Bearer {fisher_token}"},
    )
    assert record.status_code == 201, record.text
    return {"id": record.json()["id"], "fisher": fisher_email, "scientist": scientist_email}


def test_a_scientist_proposes_and_the_fisher_accepts(page, fishers_record):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    record_url = f"/observations/{fishers_record['id']}"

    sign_in(page, fishers_record["scientist"], PASSWORD)
    page.goto(record_url)
    expect(page.locator(".tally")).to_have_text("No annotations yet.")
    page.select_option("#annotation-kind", "correction")
    page.get_by_label("In your words").fill(HOSTILE)
    page.get_by_label("Which field").select_option("quantity")
    page.get_by_label("New count").fill("14")
    page.get_by_role("button", name="Add to the record").click()
    expect(page.get_by_role("status")).to_contain_text("your annotation is on the record")
    annotation = page.locator("li.annotation").first
    expect(annotation).to_contain_text("Dr Survey")
    expect(annotation).to_contain_text("proposes a new quantity")
    expect(annotation.locator(".body")).to_have_text(HOSTILE)
    expect(page.locator(".tally")).to_have_text("Offered corrections by 1 person.")
    # The scientist may not accept a correction to someone else's record.
    expect(page.get_by_role("button", name="Accept the correction")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, fishers_record["fisher"], PASSWORD)
    page.goto(record_url)
    page.get_by_label("Your answer").fill("Fair: I counted again.")
    page.get_by_role("button", name="Accept the correction").click()
    expect(page.get_by_role("status")).to_contain_text("The correction was applied")
    expect(page.locator("dl")).to_contain_text("14")
    expect(page.locator("li.annotation").first).to_contain_text("accepted")
    expect(page.locator("li.annotation").first).to_contain_text("Answer from Fisher Jo: Fair: I counted again.")
    expect(page.locator("ol.history")).to_contain_text("a correction proposed by Dr Survey")
    assert page.locator("main img[src=x]").count() == 0
    assert dialogs == []


def test_anonymous_visitors_are_invited_to_sign_in(page, fishers_record):
    page.goto(f"/observations/{fishers_record['id']}")
    expect(page.get_by_role("link", name="Sign in").last).to_be_visible()
    expect(page.get_by_role("button", name="Add to the record")).to_have_count(0)


def test_the_form_starts_empty_and_shows_only_what_the_kind_needs(page, fishers_record):
    sign_in(page, fishers_record["scientist"], PASSWORD)
    page.goto(f"/observations/{fishers_record['id']}")
    kind = page.get_by_label("What would you like to add?")
    expect(kind).to_have_value("")
    expect(page.get_by_label("In your words")).to_be_hidden()
    expect(page.get_by_label("Which field")).to_be_hidden()
    expect(page.get_by_label("New count")).to_be_hidden()
    # Nothing chosen, nothing added.
    page.get_by_role("button", name="Add to the record").click()
    expect(page.locator(".tally")).to_have_text("No annotations yet.")
    assert page.locator("li.annotation").count() == 0

    kind.select_option("corroborate")
    expect(page.get_by_label("In your words")).to_be_visible()
    expect(page.get_by_label("Which field")).to_be_hidden()
    kind.select_option("correction")
    expect(page.get_by_label("Which field")).to_be_visible()
    expect(page.get_by_label("New count")).to_be_hidden()
    page.get_by_label("Which field").select_option("quantity")
    expect(page.get_by_label("New count")).to_be_visible()
    for other in ("New subject", "New date", "New place: longitude", "latitude"):
        expect(page.get_by_label(other)).to_be_hidden()


def test_a_recorder_corroborating_their_own_record_is_not_counted(page, fishers_record):
    sign_in(page, fishers_record["fisher"], PASSWORD)
    page.goto(f"/observations/{fishers_record['id']}")
    page.get_by_label("What would you like to add?").select_option("corroborate")
    page.get_by_label("In your words").fill("Saw them again on the next tide.")
    page.get_by_role("button", name="Add to the record").click()
    expect(page.get_by_role("status")).to_contain_text("your annotation is on the record")
    expect(page.locator("li.annotation")).to_have_count(1)  # listed, as every annotation is ...
    expect(page.locator(".tally")).to_have_text("No annotations yet.")  # ... but not counted
