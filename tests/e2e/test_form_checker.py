"""The recording page's own questions: drawn from the dataset's form, kept on the phone for use with no
signal, and checked on the device by checker.js, which answers what the server's check_values answers."""

from __future__ import annotations

import copy
import re

import pytest
import requests
from playwright.sync_api import Page, expect

from fieldapp.forms.values import check_values
from tests.e2e.conftest import wait_in_page
from tests.e2e.test_record import outbox_item, phone, signed_in_page, wait_for_fix, warden  # noqa: F401
from tests.integration.test_forms import SEASON_FORM

pytestmark = pytest.mark.e2e

# Every type, required, a range, choices, a constraint on its own value, relevant conditions with and/or.
EVERY_KIND = {
    "title": "Every kind",
    "languages": ["en"],
    "fields": [
        {"name": "n", "type": "integer", "label": {"en": "N"}, "min": 1, "max": 10, "required": True},
        {"name": "depth", "type": "decimal", "unit": "m", "label": {"en": "Depth"}, "constraint": ". >= 0.5"},
        {
            "name": "gear",
            "type": "select_multiple",
            "label": {"en": "Gear"},
            "choices": [{"name": "pot", "label": {"en": "Pot"}}, {"name": "net", "label": {"en": "Net"}}],
        },
        {"name": "ok", "type": "boolean", "label": {"en": "OK"}},
        {"name": "day", "type": "date", "label": {"en": "Day"}},
        {"name": "about", "type": "note", "label": {"en": "A note"}},
        {
            "name": "why",
            "type": "text",
            "label": {"en": "Why"},
            "relevant": "${n} > 5 and ${ok} = 'yes' or ${depth} < 1",
        },
        {
            "name": "mood",
            "type": "select_one",
            "label": {"en": "Mood"},
            "required": True,
            "relevant": "${n} != 3",
            "choices": [{"name": "good", "label": {"en": "Good"}}, {"name": "bad", "label": {"en": "Bad"}}],
        },
    ],
}
CASES = [
    (SEASON_FORM, {"pots": 12, "soak_hours": 20.5, "berried": "yes", "sea_state": 3}),
    (SEASON_FORM, {}),
    (SEASON_FORM, {"pots": 2.5}),
    (SEASON_FORM, {"pots": 501}),
    (SEASON_FORM, {"pots": -1}),
    (SEASON_FORM, {"pots": "12"}),
    (SEASON_FORM, {"pots": "twelve"}),
    (SEASON_FORM, {"pots": True}),
    (SEASON_FORM, {"pots": 0, "berried": "yes"}),
    (SEASON_FORM, {"pots": 3, "berried": "maybe"}),
    (SEASON_FORM, {"pots": 3, "sea_state": 14}),
    (SEASON_FORM, {"pots": 3, "sea_state": 12}),
    (SEASON_FORM, {"pots": 3, "colour": "red"}),
    (SEASON_FORM, {"pots": 3, "soak_hours": -0.5, "mark": "west"}),
    (EVERY_KIND, {"n": 4, "mood": "good"}),
    (EVERY_KIND, {"n": 3}),
    (EVERY_KIND, {"n": 4}),
    (EVERY_KIND, {"n": 3, "mood": "good"}),
    (EVERY_KIND, {"n": 11, "mood": "bad"}),
    (EVERY_KIND, {"n": 6, "ok": True, "why": "rough", "mood": "good"}),
    (EVERY_KIND, {"n": 6, "ok": False, "why": "rough", "mood": "good"}),
    (EVERY_KIND, {"n": 2, "depth": 0.7, "why": "shallow", "mood": "good"}),
    (EVERY_KIND, {"n": 2, "depth": 0.2, "mood": "good"}),
    (EVERY_KIND, {"n": 2, "gear": ["pot", "net"], "mood": "good"}),
    (EVERY_KIND, {"n": 2, "gear": ["pot", "trawl"], "mood": "good"}),
    (EVERY_KIND, {"n": 2, "gear": "pot net", "mood": "good"}),
    (EVERY_KIND, {"n": 2, "ok": "maybe", "mood": "good"}),
    (EVERY_KIND, {"n": 2, "ok": "yes", "mood": "good"}),
    (EVERY_KIND, {"n": 2, "day": "2026-02-30", "mood": "good"}),
    (EVERY_KIND, {"n": 2, "day": "2026-02-28", "mood": "good"}),
    (EVERY_KIND, {"n": 2, "about": "x", "mood": "good"}),
]


def test_the_phones_checker_answers_what_the_server_answers(page: Page):
    page.goto("/")
    cases = [{"definition": d, "values": v} for d, v in CASES]
    found = page.evaluate(
        """async (cases) => {
             const checker = await import('/static/js/record/checker.js');
             return cases.map(c => checker.checkValues(c.definition, c.values, 'fields'));
           }""",
        cases,
    )
    for (definition, values), phone_says in zip(CASES, found, strict=True):
        clean, problems = check_values(copy.deepcopy(definition), copy.deepcopy(values))
        assert phone_says["problems"] == problems, values
        if not problems:
            assert phone_says["values"] == clean, values


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            {
                "fields.n": "20 est au-dessus de 10",
                "fields.day": "'2026-02-30' n'est pas une date (AAAA-MM-JJ)",
                "fields.zz": "ce formulaire n'a pas ce champ",
            },
        ),
        (
            "pt",
            {
                "fields.n": "20 está acima de 10",
                "fields.day": "'2026-02-30' não é uma data (AAAA-MM-DD)",
                "fields.zz": "este formulário não tem esse campo",
            },
        ),
    ],
)
def test_the_phones_checker_speaks_the_pages_language(page: Page, live_server, language, expected):
    # The same problems as the server's (the paths agree), worded from the browser catalogue.
    page.context.add_cookies([{"name": "fieldapp_lang", "value": language, "url": live_server.url}])
    page.goto("/")
    values = {"n": 20, "day": "2026-02-30", "mood": "good", "zz": 1}
    found = page.evaluate(
        """async ([definition, values]) => {
             const checker = await import('/static/js/record/checker.js');
             return checker.checkValues(definition, values, 'fields').problems;
           }""",
        [EVERY_KIND, values],
    )
    _clean, problems = check_values(copy.deepcopy(EVERY_KIND), copy.deepcopy(values))
    assert [p["path"] for p in found] == [p["path"] for p in problems]
    assert {p["path"]: p["message"] for p in found} == expected


def test_a_warden_records_with_the_datasets_form_with_no_signal(phone, live_server, warden):  # noqa: F811
    published = requests.put(
        f"{live_server.url}/api/v1/datasets/{warden.dataset}/form",
        json=SEASON_FORM,
        headers={"Authorization": f"Bearer {warden.token}"},
        timeout=10,
    )
    assert published.status_code == 201, published.text
    page = signed_in_page(phone, warden)
    wait_in_page(page, "navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    wait_for_fix(page)
    expect(page.get_by_label(re.compile("Pots hauled"))).to_be_visible()
    # Kept on the phone: with no signal the page, and the form, come from it.
    phone.set_offline(True)
    page.reload()
    wait_for_fix(page)
    pots = page.get_by_label(re.compile("Pots hauled"))
    expect(pots).to_be_visible()
    expect(page.get_by_label(re.compile("Berried females"))).to_be_hidden()  # relevant only when pots > 0
    page.get_by_label(re.compile("What did you see")).fill("Spider crab")
    pots.fill("600")
    page.get_by_label(re.compile("Sea state")).fill("14")
    page.get_by_role("button", name="Save").click()
    # Checked on the phone, with the server's words, beside each question; nothing saved.
    expect(page.locator('[data-error-for="fields.pots"]')).to_have_text("600 is above 500")
    expect(page.locator('[data-error-for="fields.sea_state"]')).to_have_text("does not meet . <= 12")
    expect(page.locator("#outbox-count")).to_have_text("0")
    pots.fill("12")
    page.get_by_label(re.compile("Sea state")).fill("4")
    page.get_by_label(re.compile("Berried females")).select_option("yes")
    page.get_by_role("button", name="Save").click()
    expect(outbox_item(page, "Spider crab")).to_have_attribute("data-state", re.compile("saved|waiting"))
    phone.set_offline(False)
    expect(outbox_item(page, "Spider crab")).to_have_attribute("data-state", "sent", timeout=20_000)
    features = warden.observations(live_server)["features"]
    assert [f["properties"]["fields"] for f in features] == [{"pots": 12, "berried": "yes", "sea_state": 4}]


def test_the_recording_page_asks_for_every_form_in_one_request(phone, live_server, warden):  # noqa: F811
    """One GET /api/v1/me/forms, not one request per dataset; each form kept on the phone for offline use."""
    published = requests.put(
        f"{live_server.url}/api/v1/datasets/{warden.dataset}/form",
        json=SEASON_FORM,
        headers={"Authorization": f"Bearer {warden.token}"},
        timeout=10,
    )
    assert published.status_code == 201, published.text
    asked: list[str] = []
    phone.on("request", lambda r: asked.append(r.url) if "/api/v1/" in r.url and "form" in r.url else None)
    page = signed_in_page(phone, warden)
    wait_for_fix(page)
    expect(page.get_by_label(re.compile("Pots hauled"))).to_be_visible()
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('fieldapp:form:{warden.dataset}'))")
    assert kept["version"] == 1 and kept["fields"][0]["name"] == "pots"
    assert [u.split("/api/v1")[1] for u in asked] == ["/me/forms"]
