"""The gazetteer: places named in every language, credited, and gated like observations for every viewer."""

from __future__ import annotations

import json

import pytest

from tests.factories import JERSEY_POINT

LECQ = [-2.1990, 49.2460]
MARK = [-2.2411, 49.2537]  # a synthetic fishing mark off the north coast


def place(dataset: str, kind: str, coordinates, *names, visibility: str | None = None, geometry: str = "Point"):
    properties = {"dataset": dataset, "kind": kind, "names": [{"name": n, "language": lang} for n, lang in names]}
    if visibility:
        properties["visibility"] = visibility
    return {"type": "Feature", "geometry": {"type": geometry, "coordinates": coordinates}, "properties": properties}


@pytest.fixture
def gazetteer(client, make, steward, dataset):
    fisher = make.account(name="Demo fisher Anne")
    staff = make.account(role="staff")
    other = make.account(name="Someone else")
    made = {}
    for key, who, body in (
        ("bay", steward, place(dataset.slug, "bay", LECQ, ("Grève de Lecq", "fr"), ("Greve de Lecq", "en"))),
        (
            "private",
            fisher,
            place(dataset.slug, "fishing_mark", MARK, ("Le Trou ès Congres", "nrf"), visibility="private"),
        ),
        (
            "generalised",
            fisher,
            place(dataset.slug, "fishing_mark", [-2.2301, 49.2601], ("The Tongs", "en"), visibility="generalised"),
        ),
    ):
        response = client.post("/api/v1/places", json=body, headers=who.headers)
        assert response.status_code == 201, response.get_json()
        assert response.mimetype == "application/geo+json"
        made[key] = response.get_json()["id"]
    return {"ids": made, "fisher": fisher, "staff": staff, "other": other, "steward": steward, "dataset": dataset}


def names_listed(client, headers=None, **args) -> set[str]:
    response = client.get("/api/v1/places", query_string=args, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return {f["properties"]["name"] for f in response.get_json()["features"]}


def test_a_private_mark_is_seen_only_by_its_holders(client, gazetteer):
    g, ids = gazetteer, gazetteer["ids"]
    public = {"Grève de Lecq", "The Tongs"}
    assert names_listed(client) == public
    assert names_listed(client, g["other"].headers) == public
    for holder in ("fisher", "steward", "staff"):
        assert names_listed(client, g[holder].headers) == public | {"Le Trou ès Congres"}, holder
    for viewer in (None, "other"):
        headers = g[viewer].headers if viewer else {}
        assert client.get(f"/api/v1/places/{ids['private']}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/places/{ids['private']}", headers=headers).get_json()["error"]["message"] == (
            client.get("/api/v1/places/999999", headers=headers)
            .get_json()["error"]["message"]
            .replace("999999", str(ids["private"]))
        )
        # Its name finds nothing, and a box around it finds nothing.
        assert names_listed(client, headers, q="congres") == set()
        box = f"{MARK[0] - 0.001},{MARK[1] - 0.001},{MARK[0] + 0.001},{MARK[1] + 0.001}"
        assert names_listed(client, headers, bbox=box) == set()
    mine = client.get(f"/api/v1/places/{ids['private']}", headers=g["fisher"].headers).get_json()
    assert mine["geometry"] == {"type": "Point", "coordinates": MARK}
    assert mine["properties"]["attribution"] == "Demo fisher Anne"


def test_a_generalised_mark_shows_its_cell_to_others_and_its_point_to_its_holders(client, gazetteer):
    g, gid = gazetteer, gazetteer["ids"]["generalised"]
    for headers in ({}, g["other"].headers):
        seen = client.get(f"/api/v1/places/{gid}", headers=headers).get_json()
        assert seen["geometry"]["type"] == "Polygon"
        assert seen["properties"]["public_precision_m"] >= 1000
        assert "-2.2301" not in json.dumps(seen) and "49.2601" not in json.dumps(seen)
    for holder in ("fisher", "steward", "staff"):
        seen = client.get(f"/api/v1/places/{gid}", headers=g[holder].headers).get_json()
        assert seen["geometry"] == {"type": "Point", "coordinates": [-2.2301, 49.2601]}, holder


def test_the_map_labels_hold_public_places_only(client, gazetteer):
    response = client.get("/places/labels.geojson")
    assert response.status_code == 200
    labels = response.get_json()["features"]
    names = {f["properties"]["name"] for f in labels}
    assert names == {"Grève de Lecq", "The Tongs"}
    tongs = next(f for f in labels if f["properties"]["name"] == "The Tongs")
    assert tongs["geometry"]["coordinates"] != [-2.2301, 49.2601]
    assert "Trou" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["greve", "GRÈVE", "lecq", "grev", "de lec"])
def test_places_are_found_by_any_part_of_any_name_without_accents(client, gazetteer, query):
    assert names_listed(client, q=query) == {"Grève de Lecq"}


def test_a_new_place_is_checked_field_by_field(client, make, dataset, steward):
    assert client.post("/api/v1/places", json=place(dataset.slug, "bay", LECQ, ("x", "en"))).status_code == 401
    member = make.account()
    for body, path in (
        (place(dataset.slug, "bay", LECQ), "properties.names"),
        (place(dataset.slug, "volcano", LECQ, ("x", "en")), "properties.kind"),
        (place(dataset.slug, "bay", LECQ, ("x", "English")), "properties.names.0.language"),
        (place(dataset.slug, "bay", [500, 49], ("x", "en")), "geometry"),
        (place("no-such-dataset", "bay", LECQ, ("x", "en")), "properties.dataset"),
        ({**place(dataset.slug, "bay", LECQ, ("x", "en")), "secret": 1}, "secret"),
    ):
        response = client.post("/api/v1/places", json=body, headers=member.headers)
        assert response.status_code == 422, (body, response.get_json())
        assert path in {d["path"] for d in response.get_json()["error"]["details"]}, response.get_json()
    assert client.get("/api/v1/places", query_string={"kind": "volcano"}).status_code == 400
    assert client.get("/api/v1/places", query_string={"bbox": "1,2,3"}).status_code == 400


def test_a_place_may_be_a_line_or_an_area_and_keeps_every_name(client, dataset, steward):
    area = [[[-2.25, 49.17], [-2.21, 49.17], [-2.21, 49.22], [-2.25, 49.22], [-2.25, 49.17]]]
    body = place(dataset.slug, "bay", area, ("St Ouen's Bay", "en"), ("La Baie d'St Ouën", "nrf"), geometry="Polygon")
    created = client.post("/api/v1/places", json=body, headers=steward.headers)
    assert created.status_code == 201
    feature = client.get(created.headers["Location"]).get_json()
    assert feature["geometry"]["type"] == "Polygon"
    assert [(n["name"], n["language"], n["credit"]) for n in feature["properties"]["names"]] == [
        ("St Ouen's Bay", "en", steward.user.contributor.display_name),
        ("La Baie d'St Ouën", "nrf", steward.user.contributor.display_name),
    ]
    assert "St Ouen's Bay" in names_listed(client, q="ouen")
    line = place(
        dataset.slug,
        "slipway",
        [list(JERSEY_POINT), [JERSEY_POINT[0] + 0.001, JERSEY_POINT[1]]],
        ("Slip", "en"),
        geometry="LineString",
    )
    assert client.post("/api/v1/places", json=line, headers=steward.headers).status_code == 201
