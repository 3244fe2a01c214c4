"""A dataset's own recording form: published in versions, values checked everywhere, sensitive ones withheld."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.factories import JERSEY_POINT, feature

SEASON_FORM = {
    "title": "Spider crab pots",
    "languages": ["en", "fr"],
    "fields": [
        {
            "name": "pots",
            "type": "integer",
            "label": {"en": "Pots hauled", "fr": "Casiers relevés"},
            "min": 0,
            "max": 500,
            "required": True,
        },
        {
            "name": "soak_hours",
            "type": "decimal",
            "unit": "h",
            "label": {"en": "Soak time", "fr": "Temps d'immersion"},
            "min": 0,
        },
        {
            "name": "berried",
            "type": "select_one",
            "label": {"en": "Berried females?", "fr": "Femelles grainées ?"},
            "choices": [
                {"name": "yes", "label": {"en": "Yes", "fr": "Oui"}},
                {"name": "no", "label": {"en": "No", "fr": "Non"}},
            ],
            "relevant": "${pots} > 0",
        },
        {"name": "mark", "type": "text", "label": {"en": "Which mark", "fr": "Quelle marque"}, "sensitive": True},
        {"name": "sea_state", "type": "integer", "label": {"en": "Sea state (Beaufort)"}, "constraint": ". <= 12"},
    ],
}


@pytest.fixture
def crab(client, make):
    steward = make.account("steward", name="Season Steward")
    dataset = make.dataset(steward, knowledge_kind="local", title="Pot logs")
    published = client.put(f"/api/v1/datasets/{dataset.slug}/form", json=SEASON_FORM, headers=steward.headers)
    assert published.status_code == 201, published.get_json()
    return steward, dataset


def record(client, account, dataset, **fields):
    body = feature(
        dataset.slug, {"type": "Point", "coordinates": list(JERSEY_POINT)}, subject_text="spider crab", fields=fields
    )
    return client.post("/api/v1/observations", json=body, headers=account.headers)


def test_stewards_publish_versions_and_anyone_reads_the_current_one(client, make, crab):
    steward, dataset = crab
    form = client.get(f"/api/v1/datasets/{dataset.slug}/form").get_json()["form"]
    assert form["version"] == 1 and [f["name"] for f in form["fields"]] == [
        "pots",
        "soak_hours",
        "berried",
        "mark",
        "sea_state",
    ]
    assert form["fields"][0]["label"]["fr"] == "Casiers relevés"
    member = make.account()
    assert (
        client.put(f"/api/v1/datasets/{dataset.slug}/form", json=SEASON_FORM, headers=member.headers).status_code == 403
    )
    again = client.put(f"/api/v1/datasets/{dataset.slug}/form", json=SEASON_FORM, headers=steward.headers)
    assert again.get_json()["form"]["version"] == 2
    assert client.get("/api/v1/datasets/nope/form").status_code == 404


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"fields": [{"name": "x", "type": "select_one", "label": {"en": "X"}}]}, "fields.0.choices"),
        ({"fields": [{"name": "count", "type": "integer", "label": {"en": "C"}}]}, "fields.0.name"),
        (
            {"fields": [{"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "${b} = 1"}]},
            "fields.0.relevant",
        ),
        (
            {"fields": [{"name": "a", "type": "text", "label": {"en": "A"}, "relevant": "count(${b})"}]},
            "fields.0.relevant",
        ),
        ({"fields": [{"name": "a", "type": "colour", "label": {"en": "A"}}]}, "fields.0.type"),
        ({"fields": [{"name": "a", "type": "text", "label": {"en": "A"}, "min": 3}]}, "fields.0.min"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_field(client, crab, change, path):
    steward, dataset = crab
    response = client.put(f"/api/v1/datasets/{dataset.slug}/form", json=change, headers=steward.headers)
    assert response.status_code == 422
    assert path in [d["path"] for d in response.get_json()["error"]["details"]], response.get_json()


def test_values_are_checked_against_the_form(client, make, crab, db):
    steward, dataset = crab
    warden = make.account()
    good = record(client, warden, dataset, pots=12, soak_hours=20.5, berried="yes", sea_state=3)
    assert good.status_code == 201, good.get_json()
    assert good.get_json()["properties"]["fields"] == {"pots": 12, "soak_hours": 20.5, "berried": "yes", "sea_state": 3}
    for values, path, message in (
        ({}, "properties.fields.pots", "required"),
        ({"pots": 2.5}, "properties.fields.pots", "not a whole number"),
        ({"pots": 501}, "properties.fields.pots", "above 500"),
        ({"pots": 0, "berried": "yes"}, "properties.fields.berried", "not asked here"),
        ({"pots": 3, "berried": "maybe"}, "properties.fields.berried", "is not one of"),
        ({"pots": 3, "sea_state": 14}, "properties.fields.sea_state", "does not meet . <= 12"),
        ({"pots": 3, "colour": "red"}, "properties.fields.colour", "no such field"),
    ):
        refused = record(client, warden, dataset, **values)
        assert refused.status_code == 422, values
        details = refused.get_json()["error"]["details"]
        assert any(d["path"] == path and message in d["message"] for d in details), details
    plain = make.dataset(steward, title="No form")
    assert record(client, warden, plain, pots=1).status_code == 422


def test_a_sensitive_field_is_withheld_like_a_precise_place(client, make, crab):
    steward, dataset = crab
    fisher, other = make.account(name="Fisher"), make.account(name="Other")
    created = record(client, fisher, dataset, pots=4, mark="Les Sauvages west end")
    oid = created.get_json()["id"]
    for viewer, sees in ((fisher, True), (steward, True), (other, False), (None, False)):
        headers = viewer.headers if viewer else {}
        detail = client.get(f"/api/v1/observations/{oid}", headers=headers).get_json()["properties"]["fields"]
        assert ("mark" in detail) is sees and detail["pots"] == 4
        listed = client.get("/api/v1/observations", query_string={"dataset": dataset.slug}, headers=headers)
        assert ("Les Sauvages" in listed.get_data(as_text=True)) is sees
        export = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=geojson", headers=headers)
        assert ("Les Sauvages" in export.get_data(as_text=True)) is sees
        page = client.get(f"/observations/{oid}", headers=headers).get_data(as_text=True)
        assert "Les Sauvages" not in page or sees


def test_a_record_keeps_its_form_version(client, make, crab, db):
    steward, dataset = crab
    fisher = make.account()
    old = record(client, fisher, dataset, pots=4).get_json()["id"]
    v2 = json.loads(json.dumps(SEASON_FORM))
    v2["fields"].append({"name": "bait", "type": "text", "label": {"en": "Bait"}, "required": True})
    client.put(f"/api/v1/datasets/{dataset.slug}/form", json=v2, headers=steward.headers)
    assert record(client, fisher, dataset, pots=4).status_code == 422  # the new version asks for the bait
    assert record(client, fisher, dataset, pots=4, bait="mackerel").status_code == 201
    # The old record stays valid under its own version, readable and changeable as it was.
    patched = client.patch(
        f"/api/v1/observations/{old}", json={"properties": {"fields": {"pots": 6}}}, headers=fisher.headers
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["properties"]["fields"] == {"pots": 6}
    versions = (
        db.execute(
            text("SELECT form_version FROM observation WHERE dataset_id = :d ORDER BY created_at, form_version"),
            {"d": dataset.id},
        )
        .scalars()
        .all()
    )
    assert sorted(versions) == [1, 2]


def test_darwin_core_gives_the_values_as_measurements_or_facts_as_the_viewer_may_see_them(client, make, crab, tmp_path):
    from dwca.read import DwCAReader

    steward, dataset = crab
    fisher = make.account()
    oid = record(client, fisher, dataset, pots=4, soak_hours=20.5, berried="yes", mark="Les Sauvages").get_json()["id"]
    for viewer, sees_mark in ((None, False), (steward, True)):
        response = client.get(
            f"/api/v1/datasets/{dataset.slug}/export?format=dwca", headers=viewer.headers if viewer else {}
        )
        assert response.status_code == 200
        path = tmp_path / f"archive-{sees_mark}.zip"
        path.write_bytes(response.data)
        with DwCAReader(str(path)) as archive:
            assert "Recording form version 1: pots (Pots hauled, integer)" in archive.metadata.find(
                ".//methods"
            ).findtext(".//para[last()]")
            (row,) = list(archive)
            assert row.id == f"urn:uuid:{oid}"
            facts = {
                e.data["http://rs.tdwg.org/dwc/terms/measurementType"]: (
                    e.data["http://rs.tdwg.org/dwc/terms/measurementValue"],
                    e.data["http://rs.tdwg.org/dwc/terms/measurementUnit"],
                )
                for e in row.extensions
            }
        assert facts["Pots hauled"] == ("4", "") and facts["Soak time"] == ("20.5", "h")
        assert facts["Berried females?"] == ("yes", "")
        assert ("Which mark" in facts) is sees_mark


def test_the_record_page_shows_the_values_it_may_with_their_labels(client, make, crab):
    steward, dataset = crab
    fisher, other = make.account(), make.account()
    oid = record(client, fisher, dataset, pots=4, soak_hours=20.5, berried="yes", mark="Les Sauvages").get_json()["id"]
    own = client.get(f"/observations/{oid}", headers=fisher.headers).get_data(as_text=True)
    assert 'Soak time</dt><dd data-field="soak_hours">20.5 h</dd>' in own
    assert 'Berried females?</dt><dd data-field="berried">Yes</dd>' in own and "Les Sauvages" in own
    theirs = client.get(f"/observations/{oid}", headers=other.headers).get_data(as_text=True)
    assert 'data-field="pots">4<' in theirs and "Les Sauvages" not in theirs and "Which mark" not in theirs


def test_the_importer_fills_the_form_from_columns_named_or_mapped(client, make, crab, db, tmp_path):
    from sqlalchemy import text as sql

    from fieldapp.errors import Invalid
    from fieldapp.transfer.importer import ImportRejected
    from tests.integration.transfer_helpers import do_import

    steward, dataset = crab
    path = tmp_path / "logs.csv"
    path.write_text(
        "id,species,lat,lon,date,Pots,soak_hours,Mark\n"
        "p1,spider crab,49.18,-2.12,2025-05-01,12,24,West reef\n"
        "p2,spider crab,49.19,-2.11,2025-05-02,0,,\n",
        encoding="utf-8",
    )
    report = do_import(db, path, dataset.slug, tmp_path / "w", mapping=["field:mark=Mark"])
    assert report.created == 2, report.rejected
    assert report.mapping["field:pots"].startswith("column 'Pots' (detected)")
    stored = dict(
        db.execute(
            sql("SELECT source_ref, field_values FROM observation WHERE dataset_id = :d"), {"d": dataset.id}
        ).all()
    )
    values = {ref.split("#")[-1] if "#" in ref else ref: v for ref, v in stored.items()}
    assert values["p1"] == {"pots": 12, "soak_hours": 24.0, "mark": "West reef"} and values["p2"] == {"pots": 0}
    # The sensitive mark is in the field values only, never also in the public attributes.
    attrs = db.execute(sql("SELECT attributes FROM observation WHERE dataset_id = :d"), {"d": dataset.id}).scalars()
    assert all("Mark" not in a and "Pots" not in a for a in attrs)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,species,lat,lon,date,Pots\nb1,spider crab,49.18,-2.12,2025-05-01,lots\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        do_import(db, bad, dataset.slug, tmp_path / "w2")
    (rejected,) = refused.value.report.rejected
    assert rejected["row"] == 2 and "field.pots: 'lots' is not a number" in rejected["reason"]
    unknown = tmp_path / "u.csv"
    unknown.write_text("id,species,lat,lon,date\nu1,crab,49.18,-2.12,2025-05-01\n", encoding="utf-8")
    with pytest.raises(Invalid, match="no field 'colour'"):
        do_import(db, unknown, dataset.slug, tmp_path / "w3", mapping=["field:colour=species"])


def test_the_recording_page_reads_every_form_it_may_record_with_at_once(client, make, db):
    """GET /api/v1/me/forms: the current form (or null) of each dataset the viewer may record into,
    the same as each GET /datasets/{slug}/form; a dataset whose stewards chose its recorders is left out
    for others (access.record_sql, as the page's dataset list); signed-out: 401."""
    steward, member = make.account(role="steward"), make.account()
    crabs, plain, closed = make.dataset(steward), make.dataset(steward), make.dataset(steward)
    put = client.put(f"/api/v1/datasets/{crabs.slug}/form", json=SEASON_FORM, headers=steward.headers)
    assert put.status_code == 201
    client.put(f"/api/v1/datasets/{closed.slug}/form", json=SEASON_FORM, headers=steward.headers)
    db.execute(text("UPDATE dataset SET recording = 'invited' WHERE id = :i"), {"i": closed.id})
    db.commit()
    assert client.get("/api/v1/me/forms").status_code == 401

    def forms(account) -> dict:
        answer = client.get("/api/v1/me/forms", headers=account.headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return {f["dataset"]: f["form"] for f in answer.get_json()["forms"]}

    mine = forms(member)
    assert closed.slug not in mine
    assert mine[plain.slug] is None
    assert mine[crabs.slug] == client.get(f"/api/v1/datasets/{crabs.slug}/form").get_json()["form"]
    assert mine[crabs.slug]["version"] == 1 and mine[crabs.slug]["fields"][0]["name"] == "pots"
    theirs = forms(steward)
    assert {crabs.slug, plain.slug, closed.slug} <= set(theirs)
