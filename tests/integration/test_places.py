"""The gazetteer: places named in every language, credited, and gated like observations for every viewer."""

from __future__ import annotations

import io
import json

import pytest

from fieldapp.cli import main
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


def test_a_record_names_its_place_only_to_those_who_may_see_both(client, gazetteer):
    g, ids = gazetteer, gazetteer["ids"]
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": MARK},
        "properties": {
            "dataset": g["dataset"].slug,
            "subject_text": "bass",
            "visibility": "generalised",
            "place_id": ids["private"],
        },
    }
    # Naming a place one may not see is refused as if it did not exist.
    refused = client.post("/api/v1/observations", json=body, headers=g["other"].headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["path"] == "properties.place_id"
    created = client.post("/api/v1/observations", json=body, headers=g["fisher"].headers)
    assert created.status_code == 201, created.get_json()
    record_id = created.get_json()["id"]
    mine = client.get(f"/api/v1/observations/{record_id}", headers=g["fisher"].headers).get_json()["properties"]
    assert (mine["place_id"], mine["place"]["name"]) == (ids["private"], "Le Trou ès Congres")
    for headers in ({}, g["other"].headers):
        seen = client.get(f"/api/v1/observations/{record_id}", headers=headers)
        assert seen.status_code == 200
        assert "Congres" not in seen.get_data(as_text=True)
        properties = seen.get_json()["properties"]
        assert (properties.get("place_id"), properties.get("place")) == (None, None)
    page = client.get(f"/observations/{record_id}", headers=g["fisher"].headers)
    assert "Le Trou ès Congres" in page.get_data(as_text=True)
    assert "Congres" not in client.get(f"/observations/{record_id}").get_data(as_text=True)
    # A public place named by a public record is shown to everyone with it.
    public = {**body, "properties": {**body["properties"], "visibility": "public", "place_id": ids["bay"]}}
    record = client.post("/api/v1/observations", json=public, headers=g["other"].headers).get_json()["id"]
    assert client.get(f"/api/v1/observations/{record}").get_json()["properties"]["place"]["name"] == "Grève de Lecq"


def _import(client, account, dataset: str, name: str, content: bytes, **form):
    data = {"dataset": dataset, "file": (io.BytesIO(content), name), **form}
    return client.post("/api/v1/places/imports", data=data, headers=account.headers, content_type="multipart/form-data")


GEOJSON_PLACES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-2.0480, 49.2392]},
            "properties": {"name": "Rozel", "language": "fr", "kind": "bay"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-2.0175, 49.1990]},
            "properties": {"name_en": "Gorey", "name_nrf": "Gouray", "kind": "harbour"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-2.2700, 49.2000]},
            "properties": {"name": "West reef hole", "kind": "fishing mark", "visibility": "private"},
        },
    ],
}


def test_places_are_imported_from_a_file_all_or_nothing_and_once(client, make, steward, dataset):
    content = json.dumps(GEOJSON_PLACES).encode()
    dry = _import(client, steward, dataset.slug, "places.geojson", content, dry_run="true")
    assert dry.status_code == 200 and dry.get_json() == {"rows": 3, "created": 3, "unchanged": 0, "dry_run": True}
    assert names_listed(client) == set()
    done = _import(client, steward, dataset.slug, "places.geojson", content)
    assert done.status_code == 201 and done.get_json()["created"] == 3
    assert names_listed(client) == {"Rozel", "Gorey"}  # the private mark is its holders' alone
    assert "Gorey" in names_listed(client, q="gouray")
    assert names_listed(client, steward.headers) == {"Rozel", "Gorey", "West reef hole"}
    again = _import(client, steward, dataset.slug, "places.geojson", content)
    assert again.get_json() == {"rows": 3, "created": 0, "unchanged": 3, "dry_run": False}
    # A CSV with latitude and longitude; a bad row refuses the whole file, naming the row.
    csv = b"name,name_nrf,kind,latitude,longitude\nBouley Bay,,bay,49.2405,-2.0765\nNowhere,,volcano,49.2,-2.1\n"
    refused = _import(client, steward, dataset.slug, "more.csv", csv)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"][0]["path"] == "row 3"  # its line in the file
    assert "Bouley Bay" not in names_listed(client)
    good = _import(client, steward, dataset.slug, "more.csv", csv.replace(b"volcano", b"rock"))
    assert good.status_code == 201 and "Bouley Bay" in names_listed(client)
    # Only its stewards and staff import into a dataset; a member may not.
    member = make.account()
    assert _import(client, member, dataset.slug, "places.geojson", content).status_code == 403
    assert _import(client, steward, "no-such", "places.geojson", content).status_code == 422


def test_the_command_line_imports_places_credited_to_the_steward(app, client, dataset, steward, tmp_path):
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps(GEOJSON_PLACES), encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(main, args=["places", "import", str(path), "--dataset", dataset.slug, "--dry-run"])
    assert dry.exit_code == 0 and "would add 3 places" in dry.output
    done = runner.invoke(main, args=["places", "import", str(path), "--dataset", dataset.slug])
    assert done.exit_code == 0 and "added 3 places" in done.output, done.output
    rozel = next(f for f in client.get("/api/v1/places").get_json()["features"] if f["properties"]["name"] == "Rozel")
    assert rozel["properties"]["attribution"] == steward.user.contributor.display_name


def test_a_map_popup_names_the_place_of_a_public_record_at_a_public_place_only(client, gazetteer):
    from tests.integration.test_tiles import decode, tile_of

    g, ids = gazetteer, gazetteer["ids"]
    for visibility in ("public", "generalised"):
        body = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": LECQ},
            "properties": {
                "dataset": g["dataset"].slug,
                "subject_text": visibility,
                "visibility": visibility,
                "place_id": ids["bay"],
            },
        }
        assert client.post("/api/v1/observations", json=body, headers=g["other"].headers).status_code == 201
    z, x, y = tile_of(*LECQ, 14)
    tile = client.get(f"/tiles/observations/{z}/{x}/{y}.pbf", query_string={"dataset": g["dataset"].slug})
    assert tile.status_code == 200
    features = [props for layer in decode(tile.data, z, x, y).values() for _geometry, props in layer]
    places = {props.get("subject"): props.get("place") for props in features}
    assert places["public"] == "Grève de Lecq"
    assert "generalised" in places and places["generalised"] is None  # its cell is drawn, unnamed


def test_anyone_who_may_see_a_place_gives_it_another_name_credited(client, gazetteer):
    g, ids = gazetteer, gazetteer["ids"]
    body = {"name": "Lé Grève dé Lecq", "language": "nrf", "community": "Test speakers"}
    assert client.post(f"/api/v1/places/{ids['bay']}/names", json=body).status_code == 401
    added = client.post(f"/api/v1/places/{ids['bay']}/names", json=body, headers=g["other"].headers)
    assert added.status_code == 201, added.get_json()
    names = client.get(f"/api/v1/places/{ids['bay']}").get_json()["properties"]["names"]
    assert {
        "name": "Lé Grève dé Lecq",
        "language": "nrf",
        "community": "Test speakers",
        "credit": "Someone else",
    } in names
    assert client.post(f"/api/v1/places/{ids['bay']}/names", json=body, headers=g["other"].headers).status_code == 409
    # A private mark cannot be named (nor found) by those who may not see it.
    hidden = client.post(f"/api/v1/places/{ids['private']}/names", json=body, headers=g["other"].headers)
    assert hidden.status_code == 404
    bad = client.post(
        f"/api/v1/places/{ids['bay']}/names", json={"name": "x", "language": "Jersey"}, headers=g["other"].headers
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["path"] == "language"
