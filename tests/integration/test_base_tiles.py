"""An online tile layer over the offline coastline only when the deployment configures one (no default)."""

from __future__ import annotations

import dataclasses

import pytest

from fieldapp import create_app
from fieldapp.config import Settings, SettingsError

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def test_without_a_setting_the_recording_maps_ask_no_tile_server(client, make):
    member = make.account()
    page = client.get("/record", headers=member.headers)
    assert 'name="fieldapp-tiles"' not in page.text
    assert "tiles.example.org" not in page.headers["Content-Security-Policy"]


@pytest.fixture
def tiled_app(settings, migrated, connection):
    app = create_app(dataclasses.replace(settings, base_tiles_url=TILES, base_tiles_attribution="© <Example> maps"))
    app.extensions["fieldapp.db"].bind_to(connection)
    yield app
    app.extensions["fieldapp.db"].engine.dispose()


def test_a_configured_tile_layer_reaches_every_map_and_the_policy(tiled_app, make):
    client = tiled_app.test_client()
    member = make.account()
    page = client.get("/record", headers=member.headers)
    assert f'<meta name="fieldapp-tiles" content="{TILES}" data-attribution="© &lt;Example&gt; maps">' in page.text
    assert (
        "img-src 'self' data: https://tile.openstreetmap.org https://tiles.example.org;"
        in page.headers["Content-Security-Policy"]
    )
    shared = client.get("/map")
    assert TILES in shared.text


def test_the_setting_must_be_an_https_template():
    base = {"FIELDAPP_ENV": "development"}
    assert Settings.from_env(base | {"FIELDAPP_BASE_TILES_URL": TILES}).base_tiles_url == TILES
    for bad in ("http://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/tile.png"):
        with pytest.raises(SettingsError, match="FIELDAPP_BASE_TILES_URL"):
            Settings.from_env(base | {"FIELDAPP_BASE_TILES_URL": bad})
