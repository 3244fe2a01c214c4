"""Imports of the real survey files: counts, repairs, reprojection onto the same ground, upserts."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
from sqlalchemy import text

from fieldapp.errors import Invalid
from tests.integration.transfer_helpers import count, do_import
from tests.shared_data import data


@pytest.fixture
def dataset(make, steward):
    return make.dataset(steward, knowledge_kind="scientific")


def test_seamap_imports_all_features_repairing_the_36_invalid_ones(db, dataset, tmp_path):
    report = do_import(db, data("survey_layers/seamap_sweng.geojson"), dataset.slug, tmp_path)
    assert report.rows_read == 8936
    assert report.rejected_count == 0
    assert report.repaired_count == 36
    assert all("make_valid" in r["note"] and "MultiPolygon" in r["note"] for r in report.repaired)
    assert (report.created, report.updated) == (8936, 0)
    assert count(db, dataset.slug) == 8936
    invalid = db.execute(
        text(
            "SELECT count(*) FROM observation WHERE dataset_id = :d AND"
            " (NOT ST_IsValid(geom) OR ST_Dimension(geom) <> 2)"
        ),
        {"d": dataset.id},
    ).scalar()
    assert invalid == 0
    assert report.mapping["subject"] == "column 'JNCCName' (detected)"
    # Every original column is kept; the literal '#N/A' is a value like any other.
    attributes = db.execute(
        text("SELECT attributes FROM observation WHERE dataset_id = :d AND attributes->>'MSFDBBHT' = '#N/A' LIMIT 1"),
        {"d": dataset.id},
    ).scalar()
    assert set(attributes) == {"Substrate", "EUNIScombD", "MSFDBBHT", "JNCCName"}
    assert any("area of interest" in w for w in report.warnings)


def test_reimporting_the_same_file_updates_by_source_ref_instead_of_duplicating(db, dataset, tmp_path):
    path = data("survey_layers/mcz_sweng.geojson")
    first = do_import(db, path, dataset.slug, tmp_path / "1", mapping=["subject=MCZ_NAME"])
    second = do_import(db, path, dataset.slug, tmp_path / "2", mapping=["subject=MCZ_NAME"])
    assert (first.created, first.to_update) == (33, 0)
    assert (second.to_create, second.to_update, second.created, second.updated, second.unchanged) == (0, 33, 0, 0, 33)
    assert count(db, dataset.slug) == 33
    # A changed mapping changes the records in place.
    third = do_import(db, path, dataset.slug, tmp_path / "3", mapping=["subject==Marine Conservation Zone"])
    assert (third.created, third.updated) == (0, 33)
    subjects = (
        db.execute(text("SELECT DISTINCT subject_text FROM observation WHERE dataset_id = :d"), {"d": dataset.id})
        .scalars()
        .all()
    )
    assert subjects == ["Marine Conservation Zone"]


def test_dry_run_reports_everything_and_writes_nothing(db, dataset, tmp_path):
    report = do_import(db, data("survey_layers/sac_sweng.geojson"), dataset.slug, tmp_path, dry_run=True)
    assert report.dry_run and not report.written
    assert (report.rows_read, report.to_create, report.repaired_count) == (15, 15, 2)
    assert report.crs.startswith("EPSG:4326")
    assert "subject" in report.mapping
    assert count(db, dataset.slug) == 0


def _hausdorff_m(db, slug_a: str, slug_b: str, key: str | None = None) -> float:
    join = "a.attributes->>:key = b.attributes->>:key" if key else "true"
    sql = f"""SELECT max(ST_HausdorffDistance(ST_Transform(a.geom, 3109), ST_Transform(b.geom, 3109)))
              FROM observation a JOIN dataset da ON da.id = a.dataset_id AND da.slug = :a
              JOIN observation b ON {join} JOIN dataset db ON db.id = b.dataset_id AND db.slug = :b"""
    return db.execute(text(sql), {"a": slug_a, "b": slug_b, "key": key}).scalar()


def test_jersey_outline_in_epsg3109_lands_on_its_4326_original(db, make, steward, tmp_path):
    original, projected = make.dataset(steward), make.dataset(steward)
    do_import(db, data("coastline/jersey_ne10m_land.geojson"), original.slug, tmp_path / "a")
    report = do_import(db, data("crs/jersey_ne10m_land_EPSG3109.geojson"), projected.slug, tmp_path / "b")
    assert report.crs.startswith("EPSG:3109")
    assert report.created == 1
    assert _hausdorff_m(db, original.slug, projected.slug) < 1.0


def test_conservation_zones_in_british_national_grid_land_on_their_4326_originals(db, make, steward, tmp_path):
    original, projected = make.dataset(steward), make.dataset(steward)
    do_import(db, data("survey_layers/mcz_sweng.geojson"), original.slug, tmp_path / "a")
    report = do_import(db, data("crs/mcz_sweng_EPSG27700.gpkg"), projected.slug, tmp_path / "b")
    assert report.crs.startswith("EPSG:27700")
    assert (report.rows_read, report.created, report.rejected_count) == (33, 33, 0)
    assert _hausdorff_m(db, original.slug, projected.slug, key="MCZ_NAME") < 1.0


def _zipped_shapefile(tmp_path, with_prj: bool = True):
    shp = tmp_path / "shp"
    shp.mkdir()
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "ESRI Shapefile",
            "-t_srs",
            "EPSG:27700",
            str(shp / "zones.shp"),
            str(data("survey_layers/mcz_sweng.geojson")),
        ],
        check=True,
        capture_output=True,
    )
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.iterdir():
            if with_prj or part.suffix != ".prj":
                zf.write(part, f"zones/{part.name}")
    return archive


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs gdal-bin (scripts/setup.sh test)")
def test_zipped_shapefile_is_read_with_its_prj(db, make, steward, tmp_path):
    original, projected = make.dataset(steward), make.dataset(steward)
    do_import(db, data("survey_layers/mcz_sweng.geojson"), original.slug, tmp_path / "a")
    report = do_import(db, _zipped_shapefile(tmp_path), projected.slug, tmp_path / "b")
    assert report.format == "shapefile"
    assert "27700" in report.crs or "British National Grid" in report.crs
    assert report.created == 33
    assert _hausdorff_m(db, original.slug, projected.slug, key="MCZ_NAME") < 1.0


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs gdal-bin (scripts/setup.sh test)")
def test_shapefile_without_prj_needs_a_crs_and_then_imports(db, dataset, tmp_path):
    archive = _zipped_shapefile(tmp_path, with_prj=False)
    with pytest.raises(Invalid, match="coordinate reference system"):
        do_import(db, archive, dataset.slug, tmp_path / "a")
    assert count(db, dataset.slug) == 0
    report = do_import(db, archive, dataset.slug, tmp_path / "b", crs="EPSG:27700")
    assert report.created == 33
    assert report.crs == "EPSG:27700 (given)"


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs gdal-bin (scripts/setup.sh test)")
def test_geopackage_with_several_layers_asks_for_one(db, dataset, tmp_path):
    gpkg = tmp_path / "two.gpkg"
    for layer in ("mcz", "spa"):
        update = ["-update"] if gpkg.exists() else []
        subprocess.run(
            [
                "ogr2ogr",
                "-f",
                "GPKG",
                *update,
                "-nln",
                layer,
                str(gpkg),
                str(data(f"survey_layers/{layer}_sweng.geojson")),
            ],
            check=True,
            capture_output=True,
        )
    with pytest.raises(Invalid, match="several layers; choose one: mcz, spa"):
        do_import(db, gpkg, dataset.slug, tmp_path / "a")
    report = do_import(db, gpkg, dataset.slug, tmp_path / "b", layer="spa")
    assert report.created == 4
