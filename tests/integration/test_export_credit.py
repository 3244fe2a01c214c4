"""Exports carry the annotation tally and remarks, and every export is logged so credit comes back."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from dwca.read import DwCAReader
from sqlalchemy import text

from fieldapp.cli import main
from tests.factories import feature

DWC = "http://rs.tdwg.org/dwc/terms/"
SECRET_PLACE = [-2.04321, 49.21234]


@pytest.fixture
def scene(client, make):
    """A warden's two sightings: one corroborated, questioned and corrected; a dataset stewarded by a trust."""
    steward = make.account("steward", name="Shore Trust")
    warden = make.account(name="Warden Le Cornu")
    fisher = make.account(name="Fisher Ahier")
    scientist = make.account(name="Dr Renouf")
    dataset = make.dataset(steward, title="Shore watch")
    ids = []
    for subject in ("spider crab", "ormer"):
        response = client.post(
            "/api/v1/observations", json=feature(dataset.slug, subject_text=subject), headers=warden.headers
        )
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    crab = ids[0]
    notes = [
        (fisher, {"kind": "corroborate", "body": "Seen them there every June."}),
        (scientist, {"kind": "corroborate", "body": ""}),
        (fisher, {"kind": "context", "body": "The bed shrank after the\t2014 storms."}),
        (scientist, {"kind": "question", "body": "Could it be a toad crab?"}),
        (fisher, {"kind": "correction", "field": "quantity", "proposed_value": {"count": 4}, "body": "I counted."}),
        (
            scientist,
            {
                "kind": "correction",
                "field": "place",
                "proposed_value": {"geometry": {"type": "Point", "coordinates": SECRET_PLACE}},
            },
        ),
    ]
    for account, body in notes:
        response = client.post(f"/api/v1/observations/{crab}/annotations", json=body, headers=account.headers)
        assert response.status_code == 201, response.json
    return {"steward": steward, "warden": warden, "dataset": dataset, "crab": crab, "ormer": ids[1]}


def _export(client, slug, fmt, headers=None):
    response = client.get(f"/api/v1/datasets/{slug}/export?format={fmt}", headers=headers or {})
    assert response.status_code == 200, response.data[:300]
    return response.data


def test_geojson_and_csv_carry_the_tally_of_people_per_kind(client, scene):
    slug = scene["dataset"].slug
    features = {f["id"]: f for f in json.loads(_export(client, slug, "geojson"))["features"]}
    assert features[scene["crab"]]["properties"]["annotations"] == {
        "corroborate": 2,
        "context": 1,
        "question": 1,
        "correction": 2,
    }
    assert features[scene["ormer"]]["properties"]["annotations"] == {}
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(_export(client, slug, "csv").decode()))}
    crab, ormer = rows[scene["crab"]], rows[scene["ormer"]]
    assert (
        crab["annotations_corroborate"],
        crab["annotations_question"],
        crab["annotations_context"],
        crab["annotations_correction"],
    ) == ("2", "1", "1", "2")
    assert ormer["annotations_corroborate"] == ormer["annotations_question"] == "0"


def _dwca_rows(client, slug, tmp_path, headers=None) -> dict[str, dict]:
    path = tmp_path / "out.zip"
    path.write_bytes(_export(client, slug, "dwca", headers))
    with zipfile.ZipFile(path) as archive:
        meta = archive.read("meta.xml").decode()
    assert DWC + "identificationRemarks" in meta and DWC + "occurrenceRemarks" in meta
    with DwCAReader(str(path)) as archive:
        return {row.data[DWC + "occurrenceID"].removeprefix("urn:uuid:"): row.data for row in archive}


def test_darwin_core_remarks_credit_the_authors_and_withhold_proposed_places(client, scene, tmp_path):
    rows = _dwca_rows(client, scene["dataset"].slug, tmp_path)
    crab = rows[scene["crab"]]
    identification, occurrence = crab[DWC + "identificationRemarks"], crab[DWC + "occurrenceRemarks"]
    assert "Questioned by Dr Renouf (" in identification and "Could it be a toad crab?" in identification
    assert "Correction proposed by Fisher Ahier (" in identification and "of quantity to count 4" in identification
    assert "Correction proposed by Dr Renouf (" in identification and "of place to a place (withheld)" in identification
    assert "Corroborated by Fisher Ahier (" in occurrence and "Seen them there every June." in occurrence
    assert "Corroborated by Dr Renouf (" in occurrence
    assert "Context from Fisher Ahier (" in occurrence and "after the 2014 storms" in occurrence
    assert "toad crab" not in occurrence and "storms" not in identification
    assert "49.21234" not in json.dumps(rows)
    assert rows[scene["ormer"]][DWC + "identificationRemarks"] == ""
    assert rows[scene["ormer"]][DWC + "occurrenceRemarks"] == ""


def test_the_dataset_steward_sees_the_proposed_place_in_the_remarks(client, scene, tmp_path):
    rows = _dwca_rows(client, scene["dataset"].slug, tmp_path, scene["steward"].headers)
    assert "49.21234" in rows[scene["crab"]][DWC + "identificationRemarks"]


def _usage(db, dataset_id: int) -> list:
    return list(
        db.execute(
            text(
                "SELECT e.kind, e.user_id, e.parameters, u.observations FROM usage_event e"
                " JOIN usage_dataset u ON u.event_id = e.id WHERE u.dataset_id = :d ORDER BY e.id"
            ),
            {"d": dataset_id},
        )
    )


def test_every_export_is_logged_once_with_its_count_and_parameters(client, app, db, scene, tmp_path):
    dataset = scene["dataset"]
    for fmt in ("geojson", "csv", "gpkg", "dwca"):
        _export(client, dataset.slug, fmt)
    _export(client, dataset.slug, "csv", scene["steward"].headers)
    result = app.test_cli_runner().invoke(
        main, args=["export", "--dataset", dataset.slug, "--format", "csv", "-o", str(tmp_path / "out.csv")]
    )
    assert result.exit_code == 0, result.output
    events = _usage(db, dataset.id)
    assert [(e.parameters["format"], e.parameters["via"]) for e in events] == [
        ("geojson", "api"),
        ("csv", "api"),
        ("gpkg", "api"),
        ("dwca", "api"),
        ("csv", "api"),
        ("csv", "cli"),
    ]
    assert all(e.kind == "export" and e.observations == 2 for e in events)
    assert all(e.parameters["dataset"] == dataset.slug for e in events)
    assert [e.user_id for e in events] == [None] * 4 + [scene["steward"].user.id, None]
    assert [e.parameters["viewer"] for e in events] == ["anonymous"] * 4 + ["steward", "admin"]


def test_a_failed_export_request_is_not_logged(client, db, scene):
    assert client.get(f"/api/v1/datasets/{scene['dataset'].slug}/export?format=shp").status_code == 400
    assert _usage(db, scene["dataset"].id) == []


def test_the_contributor_page_says_their_records_were_downloaded(client, scene):
    contributor_id = scene["warden"].user.contributor_id
    before = client.get(f"/contributors/{contributor_id}").get_data(as_text=True)
    assert "downloaded 0 times" in before
    for fmt in ("geojson", "dwca", "csv"):
        _export(client, scene["dataset"].slug, fmt)
    page = client.get(f"/contributors/{contributor_id}").get_data(as_text=True)
    assert "downloaded 3 times" in " ".join(page.split()), page
    assert "from 1 dataset," in " ".join(page.split())
