"""Darwin Core Archives (with and without header rows), GBIF simple CSV, GPX and KML tracks."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from fieldapp.errors import Invalid
from tests.integration.transfer_helpers import count, do_import
from tests.shared_data import data


@pytest.fixture
def dataset(make):
    return make.dataset(make.account("steward"), knowledge_kind="historical")


def test_gbif_download_without_header_rows_maps_columns_from_meta_xml(db, dataset, tmp_path):
    report = do_import(db, data("dwca/gbif-results.zip"), dataset.slug, tmp_path, skip_rejected=True)
    assert report.format == "dwca" and report.readings["header lines skipped"] == "0"
    assert report.rows_read == 158
    assert report.created + report.rejected_count == 158 and report.created > 0
    assert all("coordinates" in r["reason"] for r in report.rejected)
    assert report.mapping["subject"] == "column 'scientificName' (detected)"
    assert report.mapping["id"] == "column 'occurrenceID' (detected)"
    row = db.execute(
        text(
            "SELECT subject_text, observed_start, time_precision, attributes FROM observation"
            " WHERE dataset_id = :d AND source_ref = '607759330'"
        ),
        {"d": dataset.id},
    ).one_or_none()
    if row is not None:  # this record has coordinates in some GBIF snapshots only
        assert row.subject_text.startswith("Chelonodon fluviatilis")
    dated = db.execute(
        text(
            "SELECT count(*) FROM observation WHERE dataset_id = :d AND time_precision = 'day'"
            " AND observed_start < '1990-01-01'"
        ),
        {"d": dataset.id},
    ).scalar()
    assert dated > 0  # "Tue Apr 01 00:00:00 CET 1930" read as a day


def test_gbif_simple_csv_in_a_zip(db, dataset, tmp_path):
    report = do_import(db, data("dwca/dwca-simple-csv.zip"), dataset.slug, tmp_path, skip_rejected=True)
    assert report.format == "csv" and report.readings["delimiter"] == "'\\t'"
    assert report.mapping["id"] == "column 'occurrenceid' (detected)" or report.mapping["id"].startswith(
        "column 'gbifid'"
    )
    assert report.created >= 1 and report.created + report.rejected_count == report.rows_read
    issues = (
        db.execute(
            text("SELECT attributes->>'issue' FROM observation WHERE dataset_id = :d AND attributes ? 'issue'"),
            {"d": dataset.id},
        )
        .scalars()
        .all()
    )
    assert any("GEODETIC_DATUM_ASSUMED_WGS84" in i for i in issues)
    leaked = db.execute(
        text(
            "SELECT count(*) FROM observation WHERE dataset_id = :d AND"
            " (attributes ? 'decimallatitude' OR attributes ? 'decimallongitude')"
        ),
        {"d": dataset.id},
    ).scalar()
    assert leaked == 0


def test_archive_without_coordinate_terms_is_refused_as_having_no_geometry(db, dataset, tmp_path):
    with pytest.raises(Invalid, match="no geometry"):
        do_import(db, data("dwca/dwca-simple-test-archive.zip"), dataset.slug, tmp_path)
    assert count(db, dataset.slug) == 0


def test_archive_with_odd_line_endings_and_resource_forks_imports(db, dataset, tmp_path):
    report = do_import(db, data("dwca/dwca-utf8-eol-test.zip"), dataset.slug, tmp_path, skip_rejected=True)
    assert report.created >= 1 and report.created + report.rejected_count == report.rows_read
    assert report.readings["core"] == "occurrence.txt"


@pytest.mark.parametrize("name", ["dwca-star-test-archive.zip", "dwca-2extensions.zip"])
def test_taxon_core_archives_are_refused_clearly(db, dataset, tmp_path, name):
    with pytest.raises(Invalid, match="core is Taxon, not Occurrence"):
        do_import(db, data(f"dwca/{name}"), dataset.slug, tmp_path)


def test_gpx_waypoints_and_tracks(db, dataset, tmp_path):
    # The first of the 8 track segments is empty: rejected with its number, the rest imported.
    report = do_import(db, data("gpx_kml/cerknicko-jezero.gpx"), dataset.slug, tmp_path, skip_rejected=True)
    assert report.readings["layers"].startswith("waypoints") and "tracks" in report.readings["layers"]
    assert report.rejected == [{"row": 1, "layer": "tracks", "reason": "its geometry is empty"}]
    kinds = dict(
        db.execute(
            text("SELECT GeometryType(geom), count(*) FROM observation WHERE dataset_id = :d GROUP BY 1"),
            {"d": dataset.id},
        ).all()
    )
    assert kinds == {"POINT": 7, "MULTILINESTRING": 7}
    vertices = db.execute(
        text(
            "SELECT sum(ST_NPoints(geom)) FROM observation WHERE dataset_id = :d AND"
            " GeometryType(geom) = 'MULTILINESTRING'"
        ),
        {"d": dataset.id},
    ).scalar()
    assert vertices == 296
    # GPX tracks carry times on their points only: the tracks take the default date, and the report says so.
    assert any("have no date" in w for w in report.warnings)
    assert any("area of interest" in w for w in report.warnings)


@pytest.mark.parametrize(
    "name", ["cerknicko-without-times.gpx", "track-with-empty-segment.gpx", "unicode_with_bom.gpx"]
)
def test_other_gpx_files_import(db, dataset, tmp_path, name):
    report = do_import(db, data(f"gpx_kml/{name}"), dataset.slug, tmp_path, skip_rejected=True)
    assert report.created >= 1 and report.created + report.rejected_count == report.rows_read


def test_kml_waypoints_tracks_and_track_points(db, dataset, tmp_path):
    report = do_import(db, data("gpx_kml/cerknicko-jezero.kml"), dataset.slug, tmp_path)
    assert report.format == "kml" and report.rejected_count == 0
    kinds = dict(
        db.execute(
            text("SELECT GeometryType(geom), count(*) FROM observation WHERE dataset_id = :d GROUP BY 1"),
            {"d": dataset.id},
        ).all()
    )
    assert kinds == {"POINT": 7 + 296, "LINESTRING": 7}
    # The KML descriptions quote each point's coordinates: they must not survive in attributes.
    quoting = db.execute(
        text(
            "SELECT count(*) FROM observation WHERE dataset_id = :d AND attributes->>'description' LIKE '%Longitude%'"
        ),
        {"d": dataset.id},
    ).scalar()
    assert quoting == 0
