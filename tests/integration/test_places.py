"""The gazetteer: places named in every language, credited, and gated like observations for every viewer."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import text

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
    names = [{k: v for k, v in n.items() if k != "id"} for n in names]
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


def _name_ids(client, place_id: int, headers) -> dict[str, int]:
    feature = client.get(f"/api/v1/places/{place_id}", headers=headers).get_json()
    return {n["name"]: n["id"] for n in feature["properties"]["names"]}


def test_a_place_name_is_annotated_like_a_subject_name(client, gazetteer):
    g, bay = gazetteer, gazetteer["ids"]["bay"]
    name_id = _name_ids(client, bay, {})["Grève de Lecq"]
    url = f"/api/v1/places/{bay}/names/{name_id}/annotations"
    assert client.post(url, json={"kind": "corroborate"}).status_code == 401
    for who, body in (
        ("other", {"kind": "corroborate"}),
        ("fisher", {"kind": "question", "body": "Only the harbour end is called so."}),
        ("steward", {"kind": "corroborate"}),  # the name's own giver: not counted as corroboration
    ):
        made = client.post(url, json=body, headers=g[who].headers)
        assert made.status_code == 201, made.get_json()
        assert made.get_json()["status"] == "open" and made.headers["Location"].endswith(url)
    # A name is not corrected (another is added), and a question says why.
    for refused, field in (({"kind": "correction"}, "kind"), ({"kind": "question"}, "body")):
        answer = client.post(url, json=refused, headers=g["other"].headers)
        assert answer.status_code == 422 and answer.get_json()["error"]["details"][0]["path"] == field
    listed = client.get(url).get_json()["annotations"]
    assert [(a["kind"], a["author"]["display_name"]) for a in listed] == [
        ("corroborate", "Someone else"),
        ("question", "Demo fisher Anne"),
        ("corroborate", g["steward"].user.contributor.display_name),
    ]
    # The same tally as a subject's name: the giver's own corroboration is not counted.
    page = client.get(f"/places/{bay}").get_data(as_text=True)
    assert "Known too by 1 · questioned by 1 · context from 0" in page
    # A name of another place is not this place's.
    other_name = _name_ids(client, gazetteer["ids"]["generalised"], {})["The Tongs"]
    assert client.get(f"/api/v1/places/{bay}/names/{other_name}/annotations").status_code == 404
    assert (
        client.post(
            f"/api/v1/places/{bay}/names/{other_name}/annotations",
            json={"kind": "corroborate"},
            headers=g["other"].headers,
        ).status_code
        == 404
    )


def test_a_private_marks_names_are_annotated_by_its_holders_only(client, gazetteer):
    g, mark = gazetteer, gazetteer["ids"]["private"]
    name_id = _name_ids(client, mark, g["fisher"].headers)["Le Trou ès Congres"]
    url = f"/api/v1/places/{mark}/names/{name_id}/annotations"
    note = {"kind": "context", "body": "Best on the flood, Le Trou ès Congres."}
    assert client.post(url, json=note, headers=g["steward"].headers).status_code == 201
    for headers in ({}, g["other"].headers):
        hidden = client.get(url, headers=headers)
        assert hidden.status_code == 404 and "Congres" not in hidden.get_data(as_text=True)
    refused = client.post(url, json={"kind": "corroborate"}, headers=g["other"].headers)
    assert refused.status_code == 404
    for holder in ("fisher", "steward", "staff"):
        seen = client.get(url, headers=g[holder].headers)
        assert seen.status_code == 200 and seen.get_json()["annotations"][0]["body"] == note["body"], holder
    assert client.post(url, json={"kind": "corroborate"}, headers=g["fisher"].headers).status_code == 201


def test_the_place_page_annotates_a_name_and_refuses_with_the_field(client, make, gazetteer):
    from tests.integration.test_accounts import csrf_token, login

    walker = make.account(name="Page Walker", password="a long enough passphrase")
    bay, mark = gazetteer["ids"]["bay"], gazetteer["ids"]["private"]
    name_id = _name_ids(client, bay, {})["Greve de Lecq"]
    private_name = _name_ids(client, mark, gazetteer["fisher"].headers)["Le Trou ès Congres"]
    assert login(client, walker.user.email, "a long enough passphrase").status_code == 302
    token = csrf_token(client, f"/places/{bay}")
    form = f"/places/{bay}/names/{name_id}/annotate"
    assert (
        client.post(
            form, data={"kind": "context", "body": "Said by the older fishers.", "csrf_token": token}
        ).status_code
        == 302
    )
    empty = client.post(form, data={"kind": "question", "csrf_token": token})
    assert empty.status_code == 422 and "body" in empty.get_data(as_text=True)
    assert client.post(form, data={"kind": "corroborate"}).status_code == 400  # no CSRF token
    page = client.get(f"/places/{bay}").get_data(as_text=True)
    assert "context from 1" in page
    hidden = client.post(
        f"/places/{mark}/names/{private_name}/annotate", data={"kind": "corroborate", "csrf_token": token}
    )
    assert hidden.status_code == 404 and "Congres" not in hidden.get_data(as_text=True)


def test_the_new_place_page_saves_a_drawn_place_and_refuses_naming_the_field(app, client, make, dataset, db):
    from tests.integration.test_accounts import csrf_token, login

    assert client.get("/places/new").status_code == 302  # sign in first
    walker = make.account(name="Form Walker", password="a long enough passphrase")
    assert login(client, walker.user.email, "a long enough passphrase").status_code == 302
    page = client.get("/places/new")
    assert page.status_code == 200 and dataset.title in page.get_data(as_text=True)
    token = csrf_token(client, "/places/new")
    area = {"type": "Polygon", "coordinates": [[[-2.20, 49.24], [-2.19, 49.24], [-2.19, 49.25], [-2.20, 49.24]]]}
    form = {
        "csrf_token": token,
        "geometry": json.dumps(area),
        "kind": "bay",
        "dataset": dataset.slug,
        "visibility": "private",
        "name_0": "Lé Hâvre dé Form",
        "language_0": "nrf",
        "name_1": "Form Harbour",
        "language_1": "en",
        "community_1": "Demo fishers",
    }
    saved = client.post("/places/new", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    place_id = int(saved.headers["Location"].rsplit("/", 1)[1])
    mine = client.get(f"/api/v1/places/{place_id}", headers=walker.headers).get_json()
    assert mine["geometry"]["type"] == "Polygon" and mine["properties"]["visibility"] == "private"
    assert [(n["name"], n["language"], n.get("community")) for n in mine["properties"]["names"]] == [
        ("Lé Hâvre dé Form", "nrf", None),
        ("Form Harbour", "en", "Demo fishers"),
    ]
    assert app.test_client().get(f"/api/v1/places/{place_id}").status_code == 404  # private: nobody else
    # Refused: each problem named by its field, the values kept, nothing written.
    count = db.scalar(text("SELECT count(*) FROM place"))
    for change, field in (
        ({"geometry": ""}, "geometry"),
        ({"geometry": "{not json"}, "geometry"),
        ({"geometry": json.dumps({"type": "Point", "coordinates": [200, 95]})}, "geometry"),
        ({"name_0": "", "name_1": "", "community_1": ""}, "name_0"),  # no name at all
        ({"name_0": "", "community_0": "Demo fishers"}, "name_0"),  # a row without its name
        ({"language_1": "Jersey"}, "language_1"),
        ({"kind": "lighthouse"}, "kind"),
        ({"visibility": "secret"}, "visibility"),
        ({"dataset": "no-such-dataset"}, "dataset"),
    ):
        refused = client.post("/places/new", data=form | change)
        body = refused.get_data(as_text=True)
        assert refused.status_code == 422, (change, refused.status_code)
        assert f'data-error-for="{field}"' in body and f'href="#field-{field}"' in body, change
        kept = (form | change)["name_1"]
        assert not kept or f'value="{kept}"' in body  # what was typed is kept
    assert db.scalar(text("SELECT count(*) FROM place")) == count
    assert client.post("/places/new", data={k: v for k, v in form.items() if k != "csrf_token"}).status_code == 400
