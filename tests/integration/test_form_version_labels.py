"""A record keeps the labels (and choice labels) of the form version it was made with, after a later version renames
them: on its page, in the page's language, and for the map's popups (the tile names the version, the API serves it)."""

from __future__ import annotations

import copy
import math
import re

import mapbox_vector_tile
import pytest

from tests.integration.test_forms import SEASON_FORM, crab, record  # noqa: F401  (the fixture)

RENAMED = copy.deepcopy(SEASON_FORM)
RENAMED["fields"][0]["label"] = {"en": "Pots lifted", "fr": "Casiers levés"}
RENAMED["fields"][2]["choices"][0]["label"] = {"en": "Carrying eggs", "fr": "Avec des œufs"}


@pytest.fixture
def two_versions(client, make, crab):  # noqa: F811
    steward, dataset = crab
    fisher = make.account(name="Fisher")
    old = record(client, fisher, dataset, pots=12, berried="yes")
    assert old.status_code == 201, old.get_json()
    renamed = client.put(f"/api/v1/datasets/{dataset.slug}/form", json=RENAMED, headers=steward.headers)
    assert renamed.status_code == 201 and renamed.get_json()["form"]["version"] == 2
    new = record(client, fisher, dataset, pots=5, berried="yes")
    assert new.status_code == 201, new.get_json()
    return dataset, old.get_json()["id"], new.get_json()["id"]


def shown(client, observation_id: str) -> dict[str, str]:
    page = client.get(f"/observations/{observation_id}").get_data(as_text=True)
    pairs = re.findall(r'<dt class="form-field">([^<]*)</dt><dd data-field="(\w+)">([^<]*)</dd>', page)
    return {name: f"{label}={value.strip()}" for label, name, value in pairs}


def test_the_record_page_labels_each_record_by_its_own_version(client, two_versions):
    _, old, new = two_versions
    assert shown(client, old) == {"pots": "Pots hauled=12", "berried": "Berried females?=Yes"}
    assert shown(client, new) == {"pots": "Pots lifted=5", "berried": "Berried females?=Carrying eggs"}


def test_the_record_page_labels_in_the_page_s_language_else_the_form_s_first(client, two_versions):
    _, old, new = two_versions
    client.set_cookie("fieldapp_lang", "fr")
    assert shown(client, old) == {"pots": "Casiers relevés=12", "berried": "Femelles grainées ?=Oui"}
    assert shown(client, new) == {"pots": "Casiers levés=5", "berried": "Femelles grainées ?=Avec des œufs"}
    # Portuguese is not among the form's languages: its first language (English) is shown.
    client.set_cookie("fieldapp_lang", "pt")
    assert shown(client, old)["pots"] == "Pots hauled=12"


def test_tiles_name_each_record_s_version_and_the_api_serves_that_version(client, two_versions):
    dataset, old, new = two_versions
    n = 2**16
    lon, lat = -2.1542, 49.1869
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    tile = client.get(f"/tiles/observations/16/{x}/{y}.pbf", query_string={"dataset": dataset.slug})
    assert tile.status_code == 200
    versions = {
        f["properties"]["id"]: f["properties"]["form_version"]
        for layer in mapbox_vector_tile.decode(tile.data).values()
        for f in layer["features"]
    }
    assert versions == {old: 1, new: 2}
    first = client.get(f"/api/v1/datasets/{dataset.slug}/form", query_string={"version": 1})
    assert first.status_code == 200 and first.get_json()["form"]["fields"][0]["label"]["en"] == "Pots hauled"
    assert "max-age" in first.headers["Cache-Control"]
    current = client.get(f"/api/v1/datasets/{dataset.slug}/form").get_json()["form"]
    assert current["version"] == 2 and current["fields"][0]["label"]["en"] == "Pots lifted"


@pytest.mark.parametrize(("version", "status"), [("3", 404), ("0", 400), ("x", 400), ("99999999999", 400)])
def test_a_version_that_does_not_exist_is_named(client, two_versions, version, status):
    dataset, _, _ = two_versions
    response = client.get(f"/api/v1/datasets/{dataset.slug}/form", query_string={"version": version})
    assert response.status_code == status
    assert response.get_json()["error"]["details"][0]["path"] == "version"
