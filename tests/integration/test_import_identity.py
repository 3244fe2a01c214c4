"""Re-imports update a record only when the same source gives the same id; every import records its file."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from fieldapp.errors import BadRequest
from tests.integration.transfer_helpers import count, do_import
from tests.shared_data import data

MCZ = data("survey_layers/mcz_sweng.geojson")
SAC = data("survey_layers/sac_sweng.geojson")
SPA = data("survey_layers/spa_sweng.geojson")


@pytest.fixture
def dataset(make, steward):
    return make.dataset(steward, knowledge_kind="scientific")


def _snapshot(db, dataset_id: int) -> list[tuple]:
    sql = """SELECT id, subject_text, ST_AsEWKB(geom), updated_at FROM observation
              WHERE dataset_id = :d ORDER BY id"""
    return [tuple(r) for r in db.execute(text(sql), {"d": dataset_id})]


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_second_layer_without_ids_leaves_the_first_layers_records_intact(db, dataset, tmp_path):
    first = do_import(db, MCZ, dataset.slug, tmp_path / "1", mapping=["subject=MCZ_NAME"])
    before = _snapshot(db, dataset.id)
    dry = do_import(db, SAC, dataset.slug, tmp_path / "2", mapping=["subject=SAC_NAME"], dry_run=True)
    assert (dry.to_create, dry.to_update, dry.updates_from) == (15, 0, [])
    second = do_import(db, SAC, dataset.slug, tmp_path / "3", mapping=["subject=SAC_NAME"])
    assert (first.created, second.created, second.updated) == (33, 15, 0)
    assert count(db, dataset.slug) == 48
    mcz = [row for row in _snapshot(db, dataset.id) if row[0] in {b[0] for b in before}]
    assert mcz == before


def test_the_same_file_again_updates_its_records_and_names_the_earlier_import(db, dataset, tmp_path):
    first = do_import(db, MCZ, dataset.slug, tmp_path / "1", mapping=["subject=MCZ_NAME"])
    import_id = first.source["import_id"]
    assert first.source["sha256"] == _sha256(MCZ) and first.source["name"] == "mcz_sweng.geojson"
    dry = do_import(db, MCZ, dataset.slug, tmp_path / "2", mapping=["subject=MCZ_NAME"], dry_run=True)
    assert (dry.to_create, dry.to_update) == (0, 33)
    assert [(e["import_id"], e["file"], e["sha256"], e["records"]) for e in dry.updates_from] == [
        (import_id, "mcz_sweng.geojson", _sha256(MCZ), 33)
    ]
    assert dry.identity_changes["geometry_kind"] == dry.identity_changes["subject"] == 0
    assert not any("CHECK THIS" in w for w in dry.warnings)
    again = do_import(db, MCZ, dataset.slug, tmp_path / "3", mapping=["subject=MCZ_NAME"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 33)
    assert count(db, dataset.slug) == 33
    # Each record is traced to the import (file name and checksum) that wrote it.
    origins = db.execute(
        text("""SELECT f.name, f.sha256, f.created, count(*) FROM observation o
                  JOIN import_file f ON f.id = o.import_file_id WHERE o.dataset_id = :d GROUP BY 1, 2, 3"""),
        {"d": dataset.id},
    ).all()
    assert [tuple(r) for r in origins] == [("mcz_sweng.geojson", _sha256(MCZ), 33, 33)]


def test_an_edited_copy_without_ids_creates_unless_the_user_names_the_source(db, dataset, tmp_path):
    edited = tmp_path / "sac_sweng.geojson"
    layer = json.loads(SAC.read_text())
    layer["features"][0]["properties"]["SAC_NAME"] = "Renamed"
    edited.write_text(json.dumps(layer))
    keyed = {"mapping": ["subject=SAC_NAME"], "source_key": "sac-natural-england"}
    do_import(db, SAC, dataset.slug, tmp_path / "1", **keyed)
    update = do_import(db, edited, dataset.slug, tmp_path / "2", **keyed)
    assert (update.created, update.updated) == (0, 1)
    assert "source key 'sac-natural-england'" in update.source["identified"]
    renamed = db.execute(
        text("SELECT count(*) FROM observation WHERE dataset_id = :d AND subject_text = 'Renamed'"), {"d": dataset.id}
    ).scalar()
    assert (renamed, count(db, dataset.slug)) == (1, 15)
    # Without a key, the edited file is another source: new records beside the first ones, and a hint.
    do_import(db, SAC, dataset.slug, tmp_path / "3", mapping=["subject=SAC_NAME"])
    unkeyed = do_import(db, edited, dataset.slug, tmp_path / "4", mapping=["subject=SAC_NAME"], dry_run=True)
    assert (unkeyed.to_create, unkeyed.to_update) == (15, 0)
    assert any("no id column, so its rows are new records" in w for w in unkeyed.warnings)


def test_an_update_that_changes_geometry_kind_or_subject_is_warned_loudly(db, dataset, tmp_path):
    do_import(db, SPA, dataset.slug, tmp_path / "1", mapping=["subject=SPA_NAME"], source_key="zones")
    points = tmp_path / "points.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"species": "Crab"},
            "geometry": {"type": "Point", "coordinates": [-4.1, 50.1]},
        }
    ] * 4
    points.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    dry = do_import(db, points, dataset.slug, tmp_path / "2", source_key="zones", dry_run=True)
    assert (dry.to_create, dry.to_update) == (0, 4)
    assert (dry.identity_changes["geometry_kind"], dry.identity_changes["subject"]) == (4, 4)
    assert dry.identity_changes["examples"][0]["geometry_kind"] == ["area", "point"]
    assert dry.warnings[0].startswith("CHECK THIS: 4 updates would change a record's geometry kind")
    assert "spa_sweng.geojson" in dry.warnings[0]
    assert dry.updates_from[0]["file"] == "spa_sweng.geojson" and dry.updates_from[0]["source_key"] == "zones"


def test_a_files_own_ids_update_across_versions_of_the_file(db, dataset, tmp_path):
    one, two = tmp_path / "v1.csv", tmp_path / "v2.csv"
    one.write_text("occurrenceID,latitude,longitude,species,count\nA1,49.2,-2.1,Crab,1\nA2,49.21,-2.1,Crab,2\n")
    two.write_text("occurrenceID,latitude,longitude,species,count\nA2,49.21,-2.1,Crab,5\nA3,49.22,-2.1,Crab,1\n")
    first = do_import(db, one, dataset.slug, tmp_path / "1")
    second = do_import(db, two, dataset.slug, tmp_path / "2")
    assert (second.created, second.updated) == (1, 1)
    assert second.updates_from[0]["import_id"] == first.source["import_id"]
    refs = db.execute(
        text("SELECT source_ref, count FROM observation WHERE dataset_id = :d ORDER BY 1"), {"d": dataset.id}
    ).all()
    assert [tuple(r) for r in refs] == [("A1", 1), ("A2", 5), ("A3", 1)]


@pytest.mark.parametrize("key", ["has space", "a:b", "-lead", "x" * 65, "nul\x00"])
def test_a_malformed_source_key_is_refused_naming_the_option(db, dataset, tmp_path, key):
    with pytest.raises(BadRequest) as refused:
        do_import(db, SPA, dataset.slug, tmp_path, source_key=key)
    assert refused.value.details[0]["path"] == "source_key"
    assert count(db, dataset.slug) == 0


def test_a_records_origin_is_shown_to_those_who_may_manage_it_only(client, db, make, dataset, steward, tmp_path):
    report = do_import(db, SPA, dataset.slug, tmp_path, mapping=["subject=SPA_NAME"], user_id=steward.user.id)
    oid = db.execute(text("SELECT id FROM observation WHERE dataset_id = :d LIMIT 1"), {"d": dataset.id}).scalar()
    db.commit()
    origin = client.get(f"/api/v1/observations/{oid}", headers=steward.headers).json["properties"]["imported_from"]
    assert origin["import_id"] == report.source["import_id"]
    assert (origin["file"], origin["sha256"]) == ("spa_sweng.geojson", _sha256(SPA))
    for headers in ({}, make.account("member").headers):
        properties = client.get(f"/api/v1/observations/{oid}", headers=headers).json["properties"]
        assert properties.get("imported_from") is None
    page = client.get(f"/observations/{oid}", headers=steward.headers).get_data(as_text=True)
    assert "spa_sweng.geojson" in page and _sha256(SPA)[:16] in page
    assert "spa_sweng.geojson" not in client.get(f"/observations/{oid}").get_data(as_text=True)


def test_records_keyed_by_bare_row_numbers_before_this_rule_are_pointed_out(db, dataset, tmp_path):
    do_import(db, SPA, dataset.slug, tmp_path / "1", mapping=["subject=SPA_NAME"])
    # As an import before this rule left them: bare feature numbers, no recorded file.
    db.execute(
        text(
            "UPDATE observation SET source_ref = split_part(source_ref, '#', 2), import_file_id = NULL"
            " WHERE dataset_id = :d"
        ),
        {"d": dataset.id},
    )
    again = do_import(db, SPA, dataset.slug, tmp_path / "2", mapping=["subject=SPA_NAME"], dry_run=True)
    assert (again.to_create, again.to_update) == (4, 0)
    assert any(w.startswith("4 records in this dataset were imported before imports recorded") for w in again.warnings)
