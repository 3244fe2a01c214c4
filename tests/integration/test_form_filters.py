"""Filtering lists, tiles and the map on a record's custom field values, as the viewer may see them."""

from __future__ import annotations

import json

import pytest

from tests.integration.test_forms import crab, record  # noqa: F401  (the fixture)


def ids(client, headers=None, **args) -> set[str]:
    response = client.get("/api/v1/observations", query_string=args, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return {f["id"] for f in response.get_json()["features"]}


@pytest.fixture
def logs(client, make, crab):  # noqa: F811
    steward, dataset = crab
    fisher = make.account(name="Fisher")
    made = {
        "berried": record(client, fisher, dataset, pots=12, berried="yes", sea_state=3, mark="north reef"),
        "empty": record(client, fisher, dataset, pots=12, berried="no", sea_state=5),
        "calm": record(client, fisher, dataset, pots=4, soak_hours=20.5, sea_state=3),
    }
    assert all(r.status_code == 201 for r in made.values())
    return steward, fisher, dataset, {k: r.get_json()["id"] for k, r in made.items()}


def test_the_list_keeps_records_whose_fields_hold_the_values(client, logs):
    steward, fisher, dataset, made = logs
    assert ids(client, dataset=dataset.slug, field="berried:yes") == {made["berried"]}
    assert ids(client, dataset=dataset.slug, field="sea_state:3") == {made["berried"], made["calm"]}
    assert ids(client, dataset=dataset.slug, field="sea_state:3,pots:4") == {made["calm"]}
    assert ids(client, dataset=dataset.slug, field=["sea_state:3", "pots:4"]) == {made["calm"]}
    assert ids(client, dataset=dataset.slug, field="soak_hours:20.5") == {made["calm"]}
    assert ids(client, dataset=dataset.slug, field="pots:12.0") == {made["berried"], made["empty"]}
    assert ids(client, dataset=dataset.slug, field="sea_state:9") == set()
    # A sensitive field filters only for those who may see it: others cannot probe its value.
    assert ids(client, dataset=dataset.slug, field="mark:north reef") == set()
    assert ids(client, headers=fisher.headers, dataset=dataset.slug, field="mark:north reef") == {made["berried"]}
    assert ids(client, headers=steward.headers, dataset=dataset.slug, field="mark:north reef") == {made["berried"]}


@pytest.mark.parametrize("bad", ["berried", ":yes", "berried:", "1x:3", "a b:c"])
def test_a_bad_field_filter_is_a_400_naming_it(client, bad):
    response = client.get("/api/v1/observations", query_string={"field": bad})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "field"
    assert client.get("/api/v1/observations", query_string={"field": "pots:nan"}).status_code == 200


def test_tiles_and_the_map_follow_the_field_filter(client, logs):
    _, _, dataset, made = logs
    import math

    import mapbox_vector_tile

    def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
        n = 2**z
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return z, int((lon + 180) / 360 * n), int(y)

    z, x, y = tile_of(-2.1542, 49.1869, 16)

    def features(**args) -> int:
        response = client.get(f"/tiles/observations/{z}/{x}/{y}.pbf", query_string={"dataset": dataset.slug, **args})
        assert response.status_code in (200, 204), response.status_code
        if response.status_code == 204 or not response.data:
            return 0
        layers = mapbox_vector_tile.decode(response.data)
        return sum(len(layer["features"]) for layer in layers.values())

    assert features() == 3
    # Popups show a record's own fields as anyone may see them: the sensitive mark is withheld.
    response = client.get(
        f"/tiles/observations/{z}/{x}/{y}.pbf", query_string={"dataset": dataset.slug, "field": "berried:yes"}
    )
    (popup,) = [
        f["properties"] for layer in mapbox_vector_tile.decode(response.data).values() for f in layer["features"]
    ]
    # As JSON text (the popup labels the names from the dataset's form, tests/e2e/test_map.py).
    assert json.loads(popup["fields"]) == {"berried": "yes", "pots": 12, "sea_state": 3}
    assert features(field="berried:yes") == 1
    assert features(field="sea_state:3") == 2
    assert features(field=["sea_state:3", "pots:4"]) == 1

    # Low zooms count from the rollup, which knows no field: the filter counts the raw rows instead.
    def counted(**args) -> int:
        z8 = tile_of(-2.1542, 49.1869, 8)
        response = client.get(
            "/tiles/observations/{}/{}/{}.pbf".format(*z8), query_string={"dataset": dataset.slug, **args}
        )
        layers = mapbox_vector_tile.decode(response.data) if response.status_code == 200 else {}
        return sum(int(f["properties"].get("count", 0)) for layer in layers.values() for f in layer["features"])

    assert counted() == 3 and counted(field="berried:yes") == 1
    page = client.get("/map", query_string={"dataset": dataset.slug, "field": "berried:yes"})
    assert page.status_code == 200 and "berried%3Ayes" in page.get_data(as_text=True)
