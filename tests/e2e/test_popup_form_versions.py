"""The map's popups label a record's own fields by the form version it was made with, after a later version renames
a label and a choice: the old record keeps its words, the new one has the new ones."""

from __future__ import annotations

import copy

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.test_map import CENTRE, click_at, close_popup, wait_drawn
from tests.integration.test_forms import SEASON_FORM

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("page", ["desktop"], indirect=True)]

RENAMED = copy.deepcopy(SEASON_FORM)
RENAMED["fields"][0]["label"] = {"en": "Pots lifted", "fr": "Casiers levés"}
RENAMED["fields"][2]["choices"][0]["label"] = {"en": "Carrying eggs", "fr": "Avec des œufs"}
OLD_AT, NEW_AT = (CENTRE[0] - 0.0018, CENTRE[1]), (CENTRE[0] + 0.0018, CENTRE[1])


def test_each_popup_labels_its_record_by_its_own_form_version(page: Page, live_server):
    _, token = live_server.account("Season Steward", role="steward")
    headers = {"Authorization": f"Bearer {token}"}
    slug = live_server.slug("versions")

    def send(method: str, path: str, body: dict) -> dict:
        response = requests.request(method, f"{live_server.url}/api/v1{path}", json=body, headers=headers, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    def observe(at: tuple[float, float], pots: int) -> None:
        geometry = {"type": "Point", "coordinates": list(at)}
        properties = {"dataset": slug, "subject_text": "spider crab", "fields": {"pots": pots, "berried": "yes"}}
        send("POST", "/observations", {"type": "Feature", "geometry": geometry, "properties": properties})

    send("POST", "/datasets", {"slug": slug, "title": "Pot logs", "knowledge_kind": "local", "licence": "CC-BY-4.0"})
    send("PUT", f"/datasets/{slug}/form", SEASON_FORM)
    observe(OLD_AT, 12)
    send("PUT", f"/datasets/{slug}/form", RENAMED)
    observe(NEW_AT, 5)

    page.goto(f"/map?dataset={slug}&lat={CENTRE[1]}&lon={CENTRE[0]}&zoom=16")
    wait_drawn(page, slug, 2)
    popup = page.locator(".leaflet-popup-content")
    click_at(page, *OLD_AT)
    expect(popup).to_contain_text("Pots hauled: 12; Berried females?: Yes")
    close_popup(page)
    click_at(page, *NEW_AT)
    expect(popup).to_contain_text("Pots lifted: 5; Berried females?: Carrying eggs")
    close_popup(page)

    # In French, the same: each version's own French words.
    page.context.add_cookies([{"name": "fieldapp_lang", "value": "fr", "url": live_server.url}])
    page.reload()
    wait_drawn(page, slug, 2)
    click_at(page, *OLD_AT)
    expect(popup).to_contain_text("Casiers relevés: 12; Femelles grainées ?: Oui")
