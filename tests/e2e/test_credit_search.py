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
