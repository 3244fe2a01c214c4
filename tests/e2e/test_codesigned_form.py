"""Issue 14's "done when", in Chromium: partners comment on a draft protocol, a steward publishes it with
its new form, a warden records offline with that form on a phone, and the record's fields appear in the
API, the map's field filter and the Darwin Core Archive's MeasurementOrFact file."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e import test_record as recording
from tests.e2e.conftest import wait_in_page
from tests.e2e.test_map import wait_drawn
from tests.e2e.test_projects import sign_in
from tests.e2e.test_record import SHORE, outbox_item, signed_in_page, wait_for_fix
from tests.integration.test_forms import SEASON_FORM

pytestmark = pytest.mark.e2e
PASSWORD = recording.PASSWORD
# The recording tests' phone and warden (with a dataset of their own), as fixtures of this module too.
phone, warden = recording.phone, recording.warden


def test_a_codesigned_protocol_and_its_form_reach_the_api_the_map_and_darwin_core(
    browser,
    playwright_session,
    live_server,
    phone,
    warden,
    tmp_path,  # noqa: F811
):
    # The warden's shore watch is the project's dataset; its steward (the warden) and a fisher shape the protocol.
    with live_server.database.session() as session:
        session.execute(text("UPDATE user_account SET role = 'steward' WHERE email = :e"), {"e": warden.email})
    fisher_email, _ = live_server.account("Fran Fisher", password=PASSWORD)
    bearer = {"Authorization": f"Bearer {warden.token}"}
    slug = live_server.slug("codesign")
    created = requests.post(
        f"{live_server.url}/api/v1/projects",
        json={
            "slug": slug,
            "title": "Spider crab pots (e2e)",
            "designed_by": "both",
            "delivered_by": "both",
            "draft_protocol": "Count the pots hauled.",
            "datasets": [warden.dataset],
        },
        headers=bearer,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    device = playwright_session.devices["Pixel 7"]

    # A partner comments on the draft in the open.
    context = browser.new_context(**device, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, fisher_email)
    page.goto(f"/projects/{slug}")
    page.get_by_label("Your comment").fill("Ask whether females are berried, and the sea state.")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator(".comment")).to_contain_text("Fran Fisher")
    context.close()

    # The steward publishes the protocol, and the form it describes for the project's dataset.
    page = signed_in_page(phone, warden, f"/projects/{slug}")
    page.get_by_label("Draft protocol").fill(
        "Count the pots hauled; say whether females are berried; note the sea state."
    )
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Publish the draft as version 1").click()
    expect(page.get_by_text(re.compile("Version 1, published by"))).to_contain_text("Fran Fisher")
    published = requests.put(
        f"{live_server.url}/api/v1/datasets/{warden.dataset}/form", json=SEASON_FORM, headers=bearer, timeout=10
    )
    assert published.status_code == 201, published.text

    # On the phone: the recording page keeps the new form, then records with no signal.
    page.goto("/record")
    wait_in_page(page, "navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    wait_for_fix(page)
    expect(page.get_by_label(re.compile("Pots hauled"))).to_be_visible()
    phone.set_offline(True)
    page.reload()
    wait_for_fix(page)
    page.get_by_label(re.compile("What did you see")).fill("Spider crab")
    page.get_by_label(re.compile("Pots hauled")).fill("14")
    page.get_by_label(re.compile("Soak time")).fill("22.5")
    page.get_by_label(re.compile("Berried females")).select_option("yes")
    page.get_by_label(re.compile("Sea state")).fill("3")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "Spider crab")).to_have_attribute("data-state", re.compile("saved|waiting"))
    phone.set_offline(False)
    expect(outbox_item(page, "Spider crab")).to_have_attribute("data-state", "sent", timeout=20_000)

    # The API gives the values.
    (feature,) = warden.observations(live_server)["features"]
    assert feature["properties"]["fields"] == {"pots": 14, "soak_hours": 22.5, "berried": "yes", "sea_state": 3}

    # The map's field filter draws it for berried:yes, and not for berried:no.
    here = f"lat={SHORE['latitude']}&lon={SHORE['longitude']}&zoom=16"
    page.goto(f"/map?dataset={warden.dataset}&field=berried:yes&{here}")
    wait_drawn(page, warden.dataset, 1)
    page.goto(f"/map?dataset={warden.dataset}&field=berried:no&{here}")
    wait_drawn(page, warden.dataset, 0)
    expect(page.get_by_label(re.compile("Field values"))).to_have_value("berried:no")

    # Darwin Core: the values as MeasurementOrFact rows of the record, read back by python-dwca-reader.
    from dwca.read import DwCAReader

    archive_path = tmp_path / "archive.zip"
    archive_path.write_bytes(
        requests.get(f"{live_server.url}/api/v1/datasets/{warden.dataset}/export?format=dwca", timeout=30).content
    )
    with DwCAReader(str(archive_path)) as archive:
        (row,) = list(archive)
        facts = {
            e.data["http://rs.tdwg.org/dwc/terms/measurementType"]: e.data[
                "http://rs.tdwg.org/dwc/terms/measurementValue"
            ]
            for e in row.extensions
        }
    assert facts == {"Pots hauled": "14", "Soak time": "22.5", "Berried females?": "yes", "Sea state (Beaufort)": "3"}
