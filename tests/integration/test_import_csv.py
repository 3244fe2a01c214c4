"""CSV imports: sniffed delimiter and encoding, coordinates in several forms, dates read day-first, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from fieldapp.cli import main
from fieldapp.transfer.importer import ImportRejected
from tests.integration.transfer_helpers import count, do_import
from tests.shared_data import data


@pytest.fixture
def dataset(make, steward):
    return make.dataset(steward, knowledge_kind="volunteer")


def _rows(db, dataset):
    return db.execute(
        text("""SELECT source_ref, subject_text, count, recorded_by_text, licence, observed_start,
                                     time_precision, ST_X(geom) AS lon, ST_Y(geom) AS lat, attributes, visibility
                              FROM observation WHERE dataset_id = :d ORDER BY source_ref"""),
        {"d": dataset.id},
    ).all()


def test_semicolon_cp1252_csv_with_dms_coordinates_and_day_first_dates(db, dataset, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(
        "Record ID;Species;Latitude;Longitude;Date;Recorder;Count;Licence;Notes\n"
        "r1;Ormer (Haliotis tuberculata);49°11'13.2\"N;2°09'15\"W;25/04/2021;Amélie;3;CC0;rocky pool\n"
        "r2;Spider crab;49.1869;-2.1542;03/05/2021;Jérôme;;CC-BY 4.0;\n".encode("cp1252")
    )
    report = do_import(db, path, dataset.slug, tmp_path / "w")
    assert report.created == 2, report.rejected
    assert report.readings["delimiter"] == "';'"
    assert report.readings["encoding"].startswith("cp1252") or report.readings["encoding"].startswith("windows")
    assert report.readings["dates"].startswith("dmy (a first number above 12")
    assert report.mapping["latitude"] == "column 'Latitude' (detected)"
    first, second = _rows(db, dataset)
    assert first.source_ref == "r1" and first.subject_text == "Ormer (Haliotis tuberculata)"
    assert first.lat == pytest.approx(49 + 11 / 60 + 13.2 / 3600)
    assert first.lon == pytest.approx(-(2 + 9 / 60 + 15 / 3600))
    assert first.observed_start == datetime(2021, 4, 25, tzinfo=UTC) and first.time_precision == "day"
    assert (first.count, first.recorded_by_text, first.licence) == (3, "Amélie", "CC0-1.0")
    assert second.observed_start == datetime(2021, 5, 3, tzinfo=UTC)
    assert (second.licence, second.recorded_by_text) == ("CC-BY-4.0", "Jérôme")
    # Coordinates never stay in attributes; everything else does.
    assert set(first.attributes) == {"Record ID", "Species", "Date", "Recorder", "Count", "Licence", "Notes"}


def test_wkt_column_and_iso_intervals(db, dataset, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(
        "id,subject,wkt,eventDate\n"
        'a,maerl bed,"POLYGON((-2.2 49.2,-2.1 49.2,-2.1 49.25,-2.2 49.2))",2019-06\n'
        'b,eelgrass,"LINESTRING(-2.2 49.2,-2.1 49.21)",2018-05-01/2018-08-31\n',
        encoding="utf-8",
    )
    report = do_import(db, path, dataset.slug, tmp_path / "w")
    assert report.created == 2, report.rejected
    rows = db.execute(
        text(
            "SELECT source_ref, GeometryType(geom), time_precision, observed_start, observed_end"
            " FROM observation WHERE dataset_id = :d ORDER BY source_ref"
        ),
        {"d": dataset.id},
    ).all()
    assert rows[0][:3] == ("a", "POLYGON", "month")
    assert rows[1][:3] == ("b", "LINESTRING", "day")
    assert rows[1].observed_end.date().isoformat() == "2018-08-31"


def test_a_bad_row_rejects_the_whole_import_unless_skipped(db, dataset, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "lat,lon,species,date\n49.2,-2.1,crab,2021-01-01\n95,-2.1,crab,2021-01-01\n"
        "49.2,,crab,2021-01-01\n49.2,-2.1,crab,31/31/2021\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        do_import(db, path, dataset.slug, tmp_path / "a")
    report = caught.value.report
    assert [r["row"] for r in report.rejected] == [3, 4, 5]
    assert "latitude -90..90" in report.rejected[0]["reason"]
    assert "no coordinates" in report.rejected[1]["reason"]
    assert "not a real date" in report.rejected[2]["reason"]
    assert count(db, dataset.slug) == 0
    kept = do_import(db, path, dataset.slug, tmp_path / "b", skip_rejected=True)
    assert (kept.created, kept.rejected_count) == (1, 3)


def test_generalised_dataset_keeps_no_position_in_attributes(db, make, steward, tmp_path):
    hidden = make.dataset(steward, default_visibility="generalised")
    path = tmp_path / "nest.csv"
    path.write_text(
        "species,decimalLatitude,decimalLongitude,verbatimCoordinates,remarks\n"
        "Puffin,49.25012,-2.24321,49 15 0.4 N 2 14 35.6 W,nest at 49.25012 -2.24321 under rock\n",
        encoding="utf-8",
    )
    report = do_import(db, path, hidden.slug, tmp_path / "w")
    assert report.created == 1
    attributes, public = db.execute(
        text("SELECT attributes, ST_AsText(public_geom) FROM observation WHERE dataset_id = :d"), {"d": hidden.id}
    ).one()
    assert attributes == {"species": "Puffin"}
    assert "49.25012" not in json.dumps(attributes)
    assert public.startswith("POLYGON")
    assert any("quoting the record's coordinates" in w for w in report.warnings)


def test_gbif_pink_sea_fan_subset_imports(db, dataset, tmp_path):
    path = data("test-only/occurrences/pinkseafan_channel_islands_subset.csv")
    report = do_import(db, path, dataset.slug, tmp_path, skip_rejected=True, dry_run=True)
    assert report.rows_read == 309
    assert report.to_create + report.rejected_count == 309
    assert report.to_create > 250


def test_cli_import_prints_the_report_and_writes(app, db, dataset, tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("latitude,longitude,vernacularName,eventDate\n49.2,-2.1,spider crab,2022-07-01\n", encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(main, args=["import", str(path), "--dataset", dataset.slug, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would import few.csv (csv)" in dry.output and "to create: 1" in dry.output
    assert count(db, dataset.slug) == 0
    done = runner.invoke(main, args=["import", str(path), "--dataset", dataset.slug, "--map", "subject=vernacularName"])
    assert done.exit_code == 0, done.output
    assert "created: 1, updated: 0" in done.output
    assert count(db, dataset.slug) == 1
    missing = runner.invoke(main, args=["import", str(path), "--dataset", dataset.slug, "--map", "subject=nope"])
    assert missing.exit_code == 1 and "no column 'nope'" in missing.output
