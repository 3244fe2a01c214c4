"""Exports read back by real readers: GeoJSON, CSV, ogrinfo for GeoPackage, python-dwca-reader and xmllint for DwC-A."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from dwca.read import DwCAReader
from sqlalchemy import text

from fieldapp.cli import main
from tests.integration.transfer_helpers import do_import

XSD = Path(__file__).resolve().parents[1] / "data_xsd" / "tdwg_dwc_text.xsd"
DWC = "http://rs.tdwg.org/dwc/terms/"
DC = "http://purl.org/dc/terms/"
ROWS = (
    "id,subject,recordedBy,wkt,eventDate,count,sacfor,notes\n"
    'p1,Spider crab,Warden A,"POINT(-2.1542 49.1869)",2021-04-25T10:30:00Z,3,,\n'
    'p2,Ormer,Diver B,"POINT(-2.2 49.2)",2019-06,,C,\n'
    'a1,Eelgrass bed,Survey team,"POLYGON((-2.2 49.2,-2.1 49.2,-2.1 49.25,-2.2 49.2))",2018-05-01/2018-08-31,,,\n'
    'l1,Litter,Warden A,"LINESTRING(-2.2 49.2,-2.1 49.21)",2020,,,\n'
    'g1,Puffin nest,Warden A,"POINT(-2.24321 49.25012)",2022-05-02,1,,secret\n'
)


@pytest.fixture
def steward(make):
    return make.account("steward", name="Jersey Seasearch")


@pytest.fixture
def dataset(db, make, steward, tmp_path):
    dataset = make.dataset(
        steward,
        title="Shore survey",
        description="Shore walks in St Aubin's Bay.",
        method="Timed search, 30 minutes.",
        citation="Jersey Seasearch (2024). Shore survey.",
        licence="CC-BY-4.0",
    )
    path = tmp_path / "rows.csv"
    path.write_text(ROWS, encoding="utf-8")
    report = do_import(db, path, dataset.slug, tmp_path / "w", mapping=["abundance_scale==SACFOR"])
    assert report.created == 5, report.rejected
    db.execute(
        text("UPDATE observation SET visibility = 'generalised' WHERE source_ref = 'g1' AND dataset_id = :d"),
        {"d": dataset.id},
    )
    db.commit()
    return dataset


def _export(client, dataset, fmt, headers=None):
    response = client.get(f"/api/v1/datasets/{dataset.slug}/export?format={fmt}", headers=headers or {})
    assert response.status_code == 200, response.data[:500]
    return response


def test_geojson_export_gives_public_geometry_to_anonymous_and_precise_to_the_steward(client, dataset, steward):
    public = json.loads(_export(client, dataset, "geojson").data)
    assert public["type"] == "FeatureCollection" and len(public["features"]) == 5
    nest = next(f for f in public["features"] if f["properties"]["source_ref"] == "g1")
    assert nest["geometry"]["type"] == "Polygon"
    assert nest["properties"]["attributes"] is None
    assert "49.25012" not in json.dumps(public)
    precise = json.loads(_export(client, dataset, "geojson", steward.headers).data)
    nest = next(f for f in precise["features"] if f["properties"]["source_ref"] == "g1")
    assert nest["geometry"] == {"type": "Point", "coordinates": [-2.24321, 49.25012]}


def test_csv_export_has_wkt_and_lon_lat_for_points(client, dataset):
    response = _export(client, dataset, "csv")
    assert response.mimetype == "text/csv"
    assert 'filename="' + dataset.slug + '.csv"' in response.headers["Content-Disposition"]
    rows = {r["source_ref"]: r for r in csv.DictReader(io.StringIO(response.data.decode()))}
    assert set(rows) == {"p1", "p2", "a1", "l1", "g1"}
    assert (rows["p1"]["lon"], rows["p1"]["lat"]) == ("-2.1542000", "49.1869000")
    assert rows["a1"]["wkt"].startswith("POLYGON") and rows["a1"]["lon"] == ""
    assert rows["g1"]["wkt"].startswith("POLYGON") and rows["g1"]["lon"] == ""
    assert rows["p1"]["attribution"] == "Warden A · Shore survey · CC-BY-4.0"


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs gdal-bin (scripts/setup.sh test)")
def test_geopackage_export_opens_in_ogrinfo_with_count_and_crs(client, dataset, tmp_path):
    path = tmp_path / "out.gpkg"
    path.write_bytes(_export(client, dataset, "gpkg").data)
    info = subprocess.run(["ogrinfo", "-so", "-al", str(path)], check=True, capture_output=True, text=True).stdout
    assert f"Layer name: {dataset.slug}" in info
    assert "Feature Count: 5" in info
    assert 'ID["EPSG",4326]' in info
    assert "subject_text: String" in info and "attribution: String" in info


@pytest.mark.skipif(shutil.which("xmllint") is None, reason="needs xmllint (scripts/setup.sh test)")
def test_darwin_core_archive_validates_and_reads_back_with_every_term(client, dataset, tmp_path):
    path = tmp_path / "out.zip"
    path.write_bytes(_export(client, dataset, "dwca").data)
    with zipfile.ZipFile(path) as zf:
        assert set(zf.namelist()) == {"meta.xml", "eml.xml", "occurrence.txt"}
        zf.extract("meta.xml", tmp_path)
        eml = zf.read("eml.xml").decode()
    lint = subprocess.run(
        ["xmllint", "--nonet", "--noout", "--schema", str(XSD), str(tmp_path / "meta.xml")],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stderr
    for fragment in (
        "<title>Shore survey</title>",
        "Shore walks in St Aubin",
        "<creator>",
        "<contact>",
        "https://creativecommons.org/licenses/by/4.0/",
        "Jersey Seasearch (2024). Shore survey.",
        "organismQuantityType SACFOR: Superabundant",
    ):
        assert fragment in eml
    with DwCAReader(str(path)) as archive:
        rows = {row.data[DWC + "occurrenceID"]: row.data for row in archive}
    assert len(rows) == 5
    terms = [
        DWC + t
        for t in (
            "occurrenceID",
            "basisOfRecord",
            "eventDate",
            "scientificName",
            "vernacularName",
            "recordedBy",
            "datasetName",
            "decimalLatitude",
            "decimalLongitude",
            "geodeticDatum",
            "coordinateUncertaintyInMeters",
            "footprintWKT",
            "occurrenceStatus",
            "organismQuantity",
            "organismQuantityType",
            "individualCount",
            "samplingProtocol",
            "informationWithheld",
            "dataGeneralizations",
        )
    ] + [DC + "license", DC + "rightsHolder"]
    for data in rows.values():
        assert all(term in data for term in terms)
        assert data[DC + "license"] == "https://creativecommons.org/licenses/by/4.0/"
        assert data[DWC + "occurrenceStatus"] == "present" and data[DWC + "geodeticDatum"] == "EPSG:4326"
        assert data[DWC + "datasetName"] == "Shore survey"
        assert data[DWC + "samplingProtocol"] == "Timed search, 30 minutes."
    by_subject = {d[DWC + "vernacularName"]: d for d in rows.values()}
    assert by_subject["Spider crab"][DWC + "eventDate"] == "2021-04-25T10:30:00Z"
    assert by_subject["Spider crab"][DWC + "individualCount"] == "3"
    assert by_subject["Ormer"][DWC + "eventDate"] == "2019-06"
    assert (by_subject["Ormer"][DWC + "organismQuantity"], by_subject["Ormer"][DWC + "organismQuantityType"]) == (
        "C",
        "SACFOR",
    )
    assert by_subject["Eelgrass bed"][DWC + "eventDate"] == "2018-05-01/2018-08-31"
    assert by_subject["Eelgrass bed"][DWC + "footprintWKT"].startswith("POLYGON")
    assert by_subject["Litter"][DWC + "eventDate"] == "2020"
    assert by_subject["Litter"][DWC + "footprintWKT"].startswith("LINESTRING")
    assert by_subject["Spider crab"][DWC + "footprintWKT"] == ""
    assert by_subject["Spider crab"][DWC + "recordedBy"] == "Warden A"
    nest = by_subject["Puffin nest"]
    assert nest[DWC + "informationWithheld"].startswith("Precise location withheld")
    assert "1000 m grid cell" in nest[DWC + "dataGeneralizations"]
    assert nest[DWC + "footprintWKT"].startswith("POLYGON")
    assert float(nest[DWC + "coordinateUncertaintyInMeters"]) == pytest.approx(707.1, abs=0.1)
    assert "49.25012" not in json.dumps(nest)


def test_unknown_format_and_unknown_dataset_are_answered_clearly(client, dataset):
    bad = client.get(f"/api/v1/datasets/{dataset.slug}/export?format=shp")
    assert bad.status_code == 400 and "format" in bad.json["error"]["message"]
    missing = client.get("/api/v1/datasets/no-such/export?format=csv")
    assert missing.status_code == 404


def test_cli_export_writes_precise_or_public_files(app, dataset, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "all.geojson"
    result = runner.invoke(main, args=["export", "--dataset", dataset.slug, "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Exported 5 observations of {dataset.slug}" in result.output
    nest = next(f for f in json.loads(out.read_text())["features"] if f["properties"]["source_ref"] == "g1")
    assert nest["geometry"]["type"] == "Point"
    public = tmp_path / "public.geojson"
    runner.invoke(
        main, args=["export", "--dataset", dataset.slug, "--format", "geojson", "-o", str(public), "--public"]
    )
    nest = next(f for f in json.loads(public.read_text())["features"] if f["properties"]["source_ref"] == "g1")
    assert nest["geometry"]["type"] == "Polygon"
