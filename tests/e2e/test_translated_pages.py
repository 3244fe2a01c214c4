"""The recording page (online and offline), the map and the comparison page in French and in Portuguese,
in headless Chromium: not one English sentence of the interface is visible.

The English sentences are the catalogue's own message ids (as `make i18n` extracts them, Python, templates
and the browser code), cut at their placeholders; the pieces of two words or more are looked for in the
page's visible text. A piece the translation keeps as it is (a proper name) is not looked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest
import requests
from babel.messages.pofile import read_po
from playwright.sync_api import BrowserContext, Page, expect

from fieldapp.i18n import TRANSLATIONS
from tests.e2e.conftest import wait_in_page
from tests.e2e.test_map import click_at, wait_drawn
from tests.unit.test_catalogues import extracted

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough passphrase"
SHORE = {"latitude": 49.1869, "longitude": -2.1542, "accuracy": 12}
# The browser's own language: Accept-Language alone chooses the pages' language (the account has none).
LOCALES = {"fr": "fr-FR", "pt": "pt-PT"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


@cache
def english_pieces(language: str) -> tuple[str, ...]:
    """Every English piece of two words or more the interface may show, that the language translates."""
    translations: dict[str, str] = {}
    for domain in ("messages", "js"):
        with (TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
            for message in read_po(handle):
                strings = [message.string] if isinstance(message.string, str) else list(message.string)
                ids = [message.id] if isinstance(message.id, str) else list(message.id)
                for english in ids:
                    translations[english] = " ".join(s for s in strings if s)
    pieces = set()
    for message in extracted("messages") | extracted("js"):
        for english in [message] if isinstance(message, str) else list(message):
            for piece in PLACEHOLDER.split(english):
                piece = piece.strip(" .,:;()·–—")
                if len(piece.split()) >= 2 and len(piece) >= 10 and piece not in translations.get(english, ""):
                    pieces.add(piece)
    return tuple(sorted(pieces))


def english_on(page: Page, language: str) -> list[str]:
    """The English pieces visible on the page."""
    text = " ".join(page.inner_text("body").split())
    return [piece for piece in english_pieces(language) if piece in text]


def test_the_pieces_looked_for_are_the_interfaces_sentences():
    # Guards the check: without pieces every page would pass.
    pieces = english_pieces("fr")
    assert len(pieces) > 300
    assert "Record a sighting" in pieces and "Zoom in to see each record" in pieces
    assert "both report presence in" in pieces


@pytest.fixture
def recorder(live_server) -> dict[str, str]:
    """A member with a dataset of their own as their usual one (its title has no English words)."""
    email, token = live_server.account("Maria Vieira", password=PASSWORD, role="steward")
    slug = live_server.slug("langue")
    created = requests.post(
        f"{live_server.url}/api/v1/datasets",
        headers={"Authorization": f"Bearer {token}"},
        json={"slug": slug, "title": "Grève de Lecq 2026", "knowledge_kind": "volunteer"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    return {"email": email, "token": token, "slug": slug}


def phone(browser, playwright_session, live_server, language: str) -> BrowserContext:
    return browser.new_context(
        **playwright_session.devices["Pixel 7"],
        base_url=live_server.url,
        geolocation=SHORE,
        permissions=["geolocation"],
        locale=LOCALES[language],
    )


@pytest.fixture(params=sorted(LOCALES))
def language(request) -> str:
    return request.param


@pytest.fixture
def context(browser, playwright_session, live_server, language) -> Iterator[BrowserContext]:
    context = phone(browser, playwright_session, live_server, language)
    yield context
    context.close()


def sign_in(context: BrowserContext, email: str, path: str) -> Page:
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login?next=" + path)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    return page


def test_the_recording_page_online_and_offline(context, live_server, recorder, language):
    page = sign_in(context, recorder["email"], "/record")
    assert page.evaluate("document.documentElement.lang") == language
    wait_in_page(page, "navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.reload()
    wait_in_page(page, "navigator.serviceWorker.controller !== null")
    # The position's words come from the browser code's catalogue.
    expect(page.locator("#accuracy")).to_contain_text({"fr": "précise à environ 12 m", "pt": "cerca de 12 m"}[language])
    assert english_on(page, language) == []

    # No signal: a record saved on the phone, its state in the page's language.
    context.set_offline(True)
    page.select_option("#dataset", recorder["slug"])
    page.locator("#subject").fill("Ormer")
    page.locator("#save").click()
    item = page.locator("#outbox-list li", has_text="Ormer")
    expect(item).to_have_attribute("data-state", re.compile("saved|waiting"))
    expect(item).to_contain_text({"fr": "Enregistrée sur ce téléphone", "pt": "Guardado neste telemóvel"}[language])
    assert english_on(page, language) == []

    # The page opened again with no signal comes from the phone, catalogue and all.
    page.close()
    page = context.new_page()
    response = page.goto("/record")
    assert response is not None and response.from_service_worker
    item = page.locator("#outbox-list li", has_text="Ormer")
    expect(item).to_contain_text({"fr": "Enregistrée sur ce téléphone", "pt": "Guardado neste telemóvel"}[language])
    assert english_on(page, language) == []
    context.set_offline(False)
    expect(item).to_have_attribute("data-state", "sent", timeout=20_000)
    assert english_on(page, language) == []


@pytest.fixture
def two_sides(live_server, recorder) -> dict[str, str]:
    """Two datasets of different kinds with points, the second sharing one cell with the first."""
    headers = {"Authorization": f"Bearer {recorder['token']}"}
    other = live_server.slug("langue-b")
    created = requests.post(
        f"{live_server.url}/api/v1/datasets",
        headers=headers,
        json={"slug": other, "title": "Relevés Plémont 2026", "knowledge_kind": "scientific"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    points = {recorder["slug"]: [(-2.16, 49.18), (-2.05, 49.25)], other: [(-2.16, 49.18), (-2.10, 49.20)]}
    for slug, coordinates in points.items():
        for lon, lat in coordinates:
            body = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"dataset": slug, "subject_text": "Ormer"},
            }
            response = requests.post(f"{live_server.url}/api/v1/observations", json=body, headers=headers, timeout=10)
            assert response.status_code == 201, response.text
    return {"a": recorder["slug"], "b": other}


def test_the_map_and_the_comparison(context, live_server, two_sides, language):
    page = context.new_page()
    page.goto(f"/map?dataset={two_sides['a']}&dataset={two_sides['b']}")
    assert page.evaluate("document.documentElement.lang") == language
    expect(page.locator(".leaflet-container").first).to_be_visible()
    assert english_on(page, language) == []

    # A record's popup: the tiles carry codes and English, the popup words them in the page's language.
    page.goto(f"/map?dataset={two_sides['a']}&lat=49.18&lon=-2.16&zoom=16")
    wait_drawn(page, two_sides["a"], 1)
    wait_in_page(page, f"fetch('/i18n/{language}.json').then(r => r.ok)")
    page.locator(".leaflet-container").first.scroll_into_view_if_needed()
    page.evaluate("window.fieldappMapInstance.setView([49.18, -2.16], 16, {animate: false})")
    click_at(page, -2.16, 49.18)
    popup = page.locator(".leaflet-popup-content")
    link = {"fr": "Ouvrir l’observation", "pt": "Abrir o registo"}[language]
    expect(popup.get_by_role("link", name=link)).to_be_visible()
    assert english_on(page, language) == []

    page.goto("/compare")
    assert english_on(page, language) == []
    page.select_option("select[name=a]", f"dataset:{two_sides['a']}")
    page.select_option("select[name=b]", f"dataset:{two_sides['b']}")
    page.select_option("select[name=cell_m]", "1000")
    page.locator("form.compare-form button[type=submit]").click()
    sentence = page.locator("p.sentence").first
    expect(sentence).to_contain_text(
        {"fr": "signalent tous deux une présence", "pt": "indicam ambos presença"}[language]
    )
    assert english_on(page, language) == []


def test_the_other_pages(context, live_server, two_sides, recorder, language):
    """Every page a visitor or a member reaches from the navigation, in the browser's language."""
    page = sign_in(context, recorder["email"], "/account")
    listed = requests.get(
        f"{live_server.url}/api/v1/observations",
        params={"dataset": two_sides["a"]},
        headers={"Authorization": f"Bearer {recorder['token']}"},
        timeout=10,
    ).json()
    record = listed["features"][0]
    paths = [
        f"/observations/{record['id']}",
        f"/contributors/{record['properties']['contributor_id']}",
        "/",
        "/datasets",
        f"/datasets/{two_sides['a']}",
        "/participation",
        "/projects",
        "/sensing",
        "/sensing?subject=Ormer",
        "/account",
        "/account/tokens",
        "/account/records",
    ]
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert page.evaluate("document.documentElement.lang") == language
        if english := english_on(page, language):
            found[path] = english
    assert found == {}


BAD_ROWS = "id,species,latitude,longitude,eventDate\nc1,Ormer,49.18,-2.15,2021-04-25\nc2,Ormer,95,-2.15,soon\n"


def test_an_import_report_and_a_refused_form(context, live_server, recorder, language, tmp_path):
    """The import report (its rejected rows, readings and mapping) and a form refused by the schema."""
    page = sign_in(context, recorder["email"], f"/datasets/{recorder['slug']}")
    upload = tmp_path / "releves.csv"
    upload.write_text(BAD_ROWS, encoding="utf-8")
    form = page.locator("form[action$='/import']")
    form.locator("input[name=file]").set_input_files(str(upload))
    form.locator("button[type=submit]").click()
    rejected = {"fr": "ne peuvent pas être importées", "pt": "não podem ser importadas"}[language]
    expect(page.locator("p.error")).to_contain_text(rejected)
    expect(page.locator("ul.rejections")).to_contain_text({"fr": "ligne 3", "pt": "linha 3"}[language])
    assert english_on(page, language) == []
    for english in ("is the CRS right", "is not a date this importer reads", "(detected)", "Dates read as"):
        assert english not in page.inner_text("body"), english

    # A slug the page's own check would have stopped: the server's schema refuses it, in the page's language.
    page.goto("/datasets/new")
    page.locator("input[name=title]").fill("Relevés")
    page.locator("input[name=slug]").fill("Mauvais nom")
    page.evaluate("document.querySelector('input[name=slug]').form.noValidate = true")
    page.locator("input[name=slug]").evaluate("input => input.form.requestSubmit()")
    expect(page.locator("main")).to_contain_text("slug:")
    assert english_on(page, language) == []
    assert "lower-case letters" not in page.inner_text("body")
