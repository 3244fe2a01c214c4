"""A facilitator finds the person they record for by part of their name (accents aside), offline too,
instead of scrolling a flat list of everyone; the record is credited to them."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import text

from fieldapp.accounts.models import User
from fieldapp.contributors.models import Contributor
from tests.e2e.test_consent import terms  # noqa: F401
from tests.e2e.test_record import PASSWORD, Warden, outbox_item, phone, signed_in_page, wait_for_fix  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def facilitator(live_server):
    """A steward (so a facilitator) with a dataset of their own, and two interviewees to credit."""
    email, token = live_server.account("Facilitator Le Gallais", password=PASSWORD, role="steward")
    slug = live_server.slug("credit")
    created = requests.post(
        f"{live_server.url}/api/v1/datasets",
        json={"slug": slug, "title": "Fishers' memories", "knowledge_kind": "local"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert created.status_code == 201
    with live_server.database.session() as session:
        user = session.query(User).filter_by(email=email).one()
        user.default_dataset_id = session.execute(
            text("SELECT id FROM dataset WHERE slug = :s"), {"s": slug}
        ).scalar_one()
        people = [
            Contributor(display_name=n, added_by=user.id, consent_note="agreed aloud")
            for n in ("Hélène Pallot", "Jack Renouf")
        ]
        session.add_all(people)
        session.flush()
        ids = [p.id for p in people]
    yield Warden(email, token, slug), ids
    with live_server.database.session() as session:
        session.execute(text("DELETE FROM observation WHERE contributor_id = ANY(:i)"), {"i": ids})
        session.execute(text("DELETE FROM contributor WHERE id = ANY(:i)"), {"i": ids})


def test_the_facilitator_finds_the_interviewee_by_part_of_their_name(phone, live_server, facilitator):  # noqa: F811
    warden, (helene, _jack) = facilitator
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    page.get_by_label(re.compile("Find the person you record for")).fill("helene")
    credit = page.locator("#credit")
    expect(credit).to_have_value(str(helene))
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('#credit option[data-behalf]'))"
        ".filter(o => !o.hidden).map(o => o.textContent)"
    )
    assert visible == ["Hélène Pallot"]
    page.get_by_label(re.compile("What did you see")).fill("Ormer")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "Ormer")).to_have_attribute("data-state", "sent", timeout=20_000)
    feature = warden.observations(live_server)["features"][0]
    assert feature["properties"]["contributor_id"] == helene


def test_recording_on_someones_behalf_asks_how_they_gave_consent_offline_too(
    phone,  # noqa: F811
    live_server,
    facilitator,
    terms,  # noqa: F811
):
    """With the park's terms published, choosing a person to record for asks how they gave consent; the
    page will not save without it; the answer travels with the record in the offline queue and is stored
    as that person's consent, recorded by the facilitator."""
    warden, (helene, _jack) = facilitator
    version = terms("Version one (e2e): records are lent on the park's terms.")
    with live_server.database.session() as session:
        steward_id = session.scalar(text("SELECT id FROM user_account WHERE email = :e"), {"e": warden.email})
        session.execute(
            text("INSERT INTO consent (user_id, version, way) VALUES (:u, :v, 'online')"),
            {"u": steward_id, "v": version},
        )
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    consent = page.locator("#consent-field")
    expect(consent).to_be_hidden()  # crediting oneself asks nothing
    page.get_by_label(re.compile("Find the person you record for")).fill("helene")
    expect(page.locator("#credit")).to_have_value(str(helene))
    expect(consent).to_be_visible()
    phone.set_offline(True)
    page.get_by_label(re.compile("What did you see")).fill("Ormer")
    page.get_by_role("button", name="Save").click()
    expect(page.locator('[data-error-for="consent_way"]')).to_contain_text("gave consent")
    expect(page.locator("#outbox-count")).to_have_text("0")
    page.get_by_label(re.compile("How did the person you record for give consent")).select_option("paper")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "Ormer")).to_have_attribute("data-state", re.compile("saved|waiting"))
    phone.set_offline(False)
    expect(outbox_item(page, "Ormer")).to_have_attribute("data-state", "sent", timeout=20_000)
    with live_server.database.session() as session:
        stored = session.execute(
            text("SELECT person_name, way, recorded_by, version FROM consent WHERE recorded_by = :u"),
            {"u": steward_id},
        ).all()
    assert [tuple(r) for r in stored] == [("Hélène Pallot", "paper", steward_id, version)]
    feature = warden.observations(live_server)["features"][0]
    assert feature["properties"]["contributor_id"] == helene and "consent_way" not in feature["properties"]
