"""With FIELDAPP_BASE_TILES_URL set, the recording map draws that tile layer over the offline coastline;
offline, the coastline still draws (the tiles simply fail)."""

from __future__ import annotations

import dataclasses
import io
import threading

import pytest
from PIL import Image
from playwright.sync_api import Route, expect
from werkzeug.serving import make_server

from fieldapp import create_app
from tests.e2e.conftest import read_static_files_whole
from tests.e2e.test_record import PASSWORD, SHORE

pytestmark = pytest.mark.e2e

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


@pytest.fixture
def tiled_server(e2e_settings, live_server):
    """A second server on the browser tests' database, with a tile server configured."""
    app = create_app(dataclasses.replace(e2e_settings, base_tiles_url=TILES, base_tiles_attribution="Example tiles"))
    server = make_server("127.0.0.1", 0, read_static_files_whole(app), threaded=True)
    # server_close() then waits for request threads: an engine disposed while a request still held a
    # connection kept it open in the old pool, and its ResourceWarning failed a later test when collected.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    app.extensions["fieldapp.db"].engine.dispose()


def test_the_configured_tiles_draw_over_the_coastline(browser, playwright_session, live_server, tiled_server):
    email, _ = live_server.account("Tiled Warden", password=PASSWORD)
    context = browser.new_context(
        **playwright_session.devices["Pixel 7"], base_url=tiled_server, geolocation=SHORE, permissions=["geolocation"]
    )
    png = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 240)).save(png, "PNG")
    asked: list[str] = []

    def tile(route: Route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=png.getvalue())

    context.route("https://tiles.example.org/**", tile)
    page = context.new_page()
    page.goto("/login?next=/record")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#map .leaflet-tile-pane img").first).to_be_attached()
    expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()  # the coastline, still drawn
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text("Example tiles")
    assert asked and all(u.startswith("https://tiles.example.org/") for u in asked)
    context.close()


def test_without_the_setting_no_tile_server_is_asked(browser, playwright_session, live_server):
    email, _ = live_server.account("Untiled Warden", password=PASSWORD)
    context = browser.new_context(**playwright_session.devices["Pixel 7"], base_url=live_server.url)
    outside: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server.url)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.goto("/login?next=/record")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()
    assert page.locator("#map .leaflet-tile-pane img").count() == 0
    assert outside == []
    context.close()
