"""Every bad input the importer can meet is answered with a clear error, and nothing is written."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

from fieldapp.errors import Invalid
from tests.integration.transfer_helpers import count, do_import
from tests.shared_data import data


def _fails(db, dataset, path, tmp_path, match: str, **options) -> Invalid:
    with pytest.raises(Invalid, match=match) as caught:
        do_import(db, path, dataset.slug, tmp_path / "work", **options)
    db.rollback()  # as the CLI and the API do after a failed import
    assert count(db, dataset.slug) == 0
    return caught.value


def test_zip_bomb_is_refused_before_unpacking(db, dataset, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf, zf.open("big.csv", "w") as member:
        member.write(b"lat,lon,species\n")
        zeros = b"0" * (1024 * 1024)
        for _ in range(64):
            member.write(zeros)
    assert bomb.stat().st_size < 1024 * 1024
    _fails(db, dataset, bomb, tmp_path, "zip bomb")
    assert not (tmp_path / "work" / "big.csv").exists()


def test_zip_with_path_traversal_names_is_refused(db, dataset, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ok.csv", "lat,lon,species\n49.2,-2.1,crab\n")
        zf.writestr("../../escaped.csv", "lat,lon,species\n49.2,-2.1,crab\n")
    _fails(db, dataset, archive, tmp_path, "unsafe file name '../../escaped.csv'")
    assert not (tmp_path / "escaped.csv").exists() and not (tmp_path.parent / "escaped.csv").exists()
    absolute = tmp_path / "absolute.zip"
    with zipfile.ZipFile(absolute, "w") as zf:
        zf.writestr("/etc/evil.csv", "x")
    _fails(db, dataset, absolute, tmp_path, "unsafe file name")


def test_csv_with_mixed_encodings_is_refused_with_its_line(db, dataset, tmp_path):
    early = tmp_path / "early.csv"
    early.write_bytes("lat,lon,species\n49.2,-2.1,Ormeau é\n".encode() + "49.2,-2.1,Araignée\n".encode("cp1252"))
    error = _fails(db, dataset, early, tmp_path, "mixes encodings")
    assert "line 3" in error.message
    late = tmp_path / "late.csv"
    rows = "".join(f"49.2,-2.1,Ormeau é {i}\n" for i in range(5000)).encode()
    late.write_bytes(b"lat,lon,species\n" + rows + "49.2,-2.1,Araignée\n".encode("cp1252"))
    error = _fails(db, dataset, late, tmp_path, "mixes encodings")
    assert "Line 5002" in error.message


@pytest.mark.parametrize("content", [b"", b"\n\n", b"lat,lon,species\n"])
def test_empty_files_are_refused(db, dataset, tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    _fails(db, dataset, path, tmp_path, "empty|no rows")


def test_files_that_are_not_what_they_claim(db, dataset, tmp_path):
    fake_zip = tmp_path / "fake.zip"
    fake_zip.write_text("not a zip")
    _fails(db, dataset, fake_zip, tmp_path, "not a readable zip")
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    _fails(db, dataset, broken, tmp_path, "GDAL cannot read")
    _fails(db, dataset, data("dwca/dwca-star-test-archive.zip"), tmp_path, "core is Taxon, not Occurrence")
    _fails(db, dataset, data("survey_layers/mpa_features_sweng.csv"), tmp_path, "no geometry")


def test_unknown_crs_and_unknown_mapping_target(db, dataset, tmp_path):
    path = data("coastline/jersey_ne10m_land.geojson")
    _fails(db, dataset, path, tmp_path, "Unknown coordinate reference system", crs="EPSG:99999999")
    _fails(db, dataset, path, tmp_path, "Unknown mapping target 'colour'", mapping=["colour=featurecla"])


def test_wrong_crs_puts_features_off_the_earth_and_rejects_them(db, dataset, tmp_path):
    error = _fails(
        db, dataset, data("crs/jersey_ne10m_land_EPSG3109.geojson"), tmp_path, "cannot be imported", crs="EPSG:4326"
    )
    assert "is the CRS right?" in error.report.rejected[0]["reason"]


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs gdal-bin (scripts/setup.sh test)")
def test_shapefile_without_prj_through_the_api_is_a_clear_422(client, db, dataset, steward, tmp_path):
    shp = tmp_path / "shp"
    shp.mkdir()
    source = str(data("survey_layers/spa_sweng.geojson"))
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(shp / "spa.shp"), source], check=True, capture_output=True)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.iterdir():
            if part.suffix != ".prj":
                zf.write(part, part.name)
    archive.seek(0)
    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        headers=steward.headers,
        data={"file": (archive, "spa.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "coordinate reference system" in response.json["error"]["message"]
    assert count(db, dataset.slug) == 0


def test_a_2gb_upload_is_refused_before_it_is_read(client, db, dataset, steward):
    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/imports",
        headers=steward.headers,
        input_stream=io.BytesIO(b"--x\r\n"),
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(2 * 1024**3)},
    )
    assert response.status_code == 413
    assert "larger than the limit" in response.json["error"]["message"]
    assert count(db, dataset.slug) == 0
