"""A fishers' group withdraws its dataset's records in Chromium: they leave the map, the OGC API and a new export."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.e2e.test_map import DRAWN, wait_drawn
from tests.e2e.test_pages import sign_in

CENTRE = (-2.1542, 49.1869)
PASSWORD = "bass grounds in the spring"

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("page", ["desktop"], indirect=True)]


class Grounds:
    """A fishers' group, one of its members, and two of the group's records in a dataset of their grounds."""

    def __init__(self, live_server):
        self.url = live_server.url
        _, steward = live_server.account("Grounds steward", role="steward")
        self.email = live_server.email()
        with live_server.database.session() as session:
            from fieldapp.accounts.service import create_user, issue_token

            fisher = create_user(session, self.email, name="Fisher Mel", password=PASSWORD)
            token = issue_token(session, fisher, label="e2e")
            self.group = session.execute(
                text("INSERT INTO contributor (kind, display_name) VALUES ('group', 'Bass fishers (e2e)') RETURNING id")
            ).scalar_one()
            session.execute(
                text("INSERT INTO membership (group_id, member_id, shown, role) VALUES (:g, :m, true, 'admin')"),
                {"g": self.group, "m": fisher.contributor_id},
            )
        self.slug = live_server.slug("grounds")
        body = {"slug": self.slug, "title": "Bass grounds", "knowledge_kind": "local", "licence": "CC-BY-4.0"}
        response = requests.post(f"{self.url}/api/v1/datasets", json=body, headers=_bearer(steward), timeout=10)
        assert response.status_code == 201, response.text
        for dx in (-0.0015, 0.0015):
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [CENTRE[0] + dx, CENTRE[1]]},
                "properties": {"dataset": self.slug, "subject_text": "bass", "contributor_id": self.group},
            }
            response = requests.post(
                f"{self.url}/api/v1/observations", json=feature, headers=_bearer(token), timeout=10
            )
            assert response.status_code == 201, response.text

    def ogc_items(self) -> int:
        response = requests.get(f"{self.url}/ogc/collections/{self.slug}/items", timeout=10)
        return len(response.json()["features"])

    def exported(self) -> int:
        response = requests.get(f"{self.url}/api/v1/datasets/{self.slug}/export?format=geojson", timeout=10)
        return len(response.json()["features"])

    def map_path(self) -> str:
        return f"/map?dataset={self.slug}&lat={CENTRE[1]}&lon={CENTRE[0]}&zoom=16"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def grounds(live_server) -> Iterator[Grounds]:
    made = Grounds(live_server)
    yield made
    with live_server.database.session() as session:
        session.execute(
            text("DELETE FROM observation WHERE dataset_id IN (SELECT id FROM dataset WHERE slug = :s)"),
            {"s": made.slug},
        )
        session.execute(text("DELETE FROM dataset WHERE slug = :s"), {"s": made.slug})
        session.execute(text("DELETE FROM contributor WHERE id = :g"), {"g": made.group})


def test_a_fishers_group_withdraws_its_dataset_and_it_vanishes(page: Page, grounds):
    page.goto(grounds.map_path())
    wait_drawn(page, grounds.slug, 2)
    assert grounds.ogc_items() == 2 and grounds.exported() == 2
    sign_in(page, grounds.email, PASSWORD)
    expect(page).not_to_have_url(re.compile("/login"))
    page.goto(f"/contributors/{grounds.group}")
    page.get_by_label("Records of").select_option(grounds.slug)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("2 records withdrawn")).to_be_visible()
    expect(page.locator(".withdrawn")).to_contain_text("Bass grounds: 2 records")
    # Gone from the map (its tiles' ETag moved with the records), the OGC API and a new export.
    page.goto(grounds.map_path())
    wait_drawn(page, grounds.slug, 0)
    assert page.evaluate(f"({DRAWN})()")[grounds.slug] == 0
    assert grounds.ogc_items() == 0 and grounds.exported() == 0
