"""Hostile files answer a clear error naming the row or field, never a 500, and write nothing."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from fieldapp.errors import FieldAppError
from tests.integration.transfer_helpers import count, do_import

OCCURRENCES = "id\tdecimalLatitude\tdecimalLongitude\tscientificName\n1\t49.2\t-2.1\tMaja squinado\n"


def _meta(**core: str) -> str:
    fields = core.pop("fields", None) or (
        '<field index="1" term="http://rs.tdwg.org/dwc/terms/decimalLatitude"/>'
        '<field index="2" term="http://rs.tdwg.org/dwc/terms/decimalLongitude"/>'
        '<field index="3" term="http://rs.tdwg.org/dwc/terms/scientificName"/>'
    )
    attributes = {"encoding": "UTF-8", "fieldsTerminatedBy": "\\t", "ignoreHeaderLines": "1", **core}
    attrs = " ".join(f'{k}="{v}"' for k, v in attributes.items())
    return (
        '<archive xmlns="http://rs.tdwg.org/dwc/text/">'
        f'<core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" {attrs}>'
        f'<files><location>occurrence.txt</location></files><id index="0"/>{fields}</core></archive>'
    )


def _archive(tmp_path, meta: str, rows: str = OCCURRENCES) -> os.PathLike:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.xml", meta)
        zf.writestr("occurrence.txt", rows)
    return path


def _refused(db, dataset, path, tmp_path, where: str, **options) -> FieldAppError:
    """The import fails with a FieldAppError whose message or details name `where`; nothing is written."""
    with pytest.raises(FieldAppError) as caught:
        do_import(db, path, dataset.slug, tmp_path / "work", **options)
    db.rollback()
    error = caught.value
    assert error.status < 500
    said = error.message + " " + " ".join(f"{d['path']} {d['message']}" for d in error.details)
    assert where in said, said
    assert count(db, dataset.slug) == 0
    return error


def _csv(tmp_path, content: bytes, name: str = "rows.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_nul_in_a_csv_cell_rejects_its_row_naming_the_column(db, dataset, tmp_path):
    path = _csv(tmp_path, b"lat,lon,species\n49.2,-2.1,Crab\n49.2,-2.1,Cr\x00ab\n")
    error = _refused(db, dataset, path, tmp_path, "row 3")
    assert "'species'" in error.details[0]["message"] and "NUL" in error.details[0]["message"]


def test_a_nul_in_a_csv_header_refuses_the_file_naming_the_column(db, dataset, tmp_path):
    path = _csv(tmp_path, b"lat,lon,spe\x00cies\n49.2,-2.1,Crab\n")
    error = _refused(db, dataset, path, tmp_path, "column 3")
    assert "NUL" in error.message


def test_a_nul_in_a_geojson_property_never_reaches_the_database(db, dataset, tmp_path):
    body = (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a\\u0000b"},'
        '"geometry":{"type":"Point","coordinates":[-2.1,49.2]}}]}'
    )
    try:
        report = do_import(db, _csv(tmp_path, body.encode(), "nul.geojson"), dataset.slug, tmp_path / "work")
    except FieldAppError as error:  # GDAL may keep the NUL: then the feature is rejected by name
        assert "NUL" in error.details[0]["message"] and count(db, dataset.slug) == 0
    else:  # or cut the text at it, and the rest is stored
        assert report.created == 1


@pytest.mark.parametrize(
    ("core", "where"),
    [
        ({"fields": '<field index="abc" term="http://rs.tdwg.org/dwc/terms/decimalLatitude"/>'}, "index"),
        ({"fields": '<field index="-1" term="http://rs.tdwg.org/dwc/terms/decimalLatitude"/>'}, "index"),
        ({"ignoreHeaderLines": "x"}, "ignoreHeaderLines"),
        ({"ignoreHeaderLines": "-3"}, "ignoreHeaderLines"),
        ({"fieldsTerminatedBy": "ab"}, "fieldsTerminatedBy"),
        ({"fieldsTerminatedBy": ""}, "fieldsTerminatedBy"),
        ({"fieldsEnclosedBy": "ab"}, "fieldsEnclosedBy"),
        ({"fieldsEnclosedBy": "\\t"}, "fieldsEnclosedBy"),
        ({"encoding": "rot13"}, "encoding"),
    ],
)
def test_a_malformed_meta_xml_is_refused_naming_the_attribute(db, dataset, tmp_path, core, where):
    _refused(db, dataset, _archive(tmp_path, _meta(**core)), tmp_path, where)


def test_an_id_element_with_a_bad_index_is_refused(db, dataset, tmp_path):
    meta = _meta().replace('<id index="0"/>', '<id index="zero"/>')
    _refused(db, dataset, _archive(tmp_path, meta), tmp_path, "index")


def test_a_huge_ignore_header_lines_reads_no_rows_quickly(db, dataset, tmp_path):
    _refused(db, dataset, _archive(tmp_path, _meta(ignoreHeaderLines="999999999")), tmp_path, "no rows")
    _refused(db, dataset, _archive(tmp_path, _meta(ignoreHeaderLines="9" * 12)), tmp_path, "ignoreHeaderLines")


def test_an_entity_expansion_bomb_in_meta_xml_is_refused(db, dataset, tmp_path):
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    meta = f"<!DOCTYPE archive [{entities}]>" + _meta().replace("occurrence.txt</location>", "&i;</location>")
    _refused(db, dataset, _archive(tmp_path, meta), tmp_path, "meta.xml")


def test_a_zip_named_as_darwin_core_without_meta_xml_is_refused(db, dataset, tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("occurrence.txt", OCCURRENCES)
    _refused(db, dataset, path, tmp_path, "meta.xml", format="dwca")


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"\xef\xbb\xbf", "empty"),
        (b"\xff\xfe", "empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "empty"),
        (bytes(range(256)) * 64, "file"),
        (os.urandom(0) + b"\x00" * 4096, "file"),
        (b"lat,lon,species\n49.2,-2.1," + b"x" * (17 * 1024 * 1024) + b"\n", "row 2"),
    ],
)
def test_odd_csv_bytes_are_refused_clearly(db, dataset, tmp_path, content, where):
    _refused(db, dataset, _csv(tmp_path, content), tmp_path, where)


def test_binary_garbage_named_as_csv_is_refused(db, dataset, tmp_path):
    garbage = bytes((i * 7919 + 13) % 256 for i in range(20000))
    _refused(db, dataset, _csv(tmp_path, garbage), tmp_path, "file")


@pytest.mark.parametrize(
    "content",
    [
        b"lat,lon,species,species,,\n49.2,-2.1,Crab,Maja,x,y\n",  # repeated and empty header names
        b'lat,lon,species\n49.2,-2.1,"never closed\n',  # the csv module reads to the end of the file
        b"\xef\xbb\xbflat;lon;species\r\n49.2;-2.1;Crab\r\n",
    ],
)
def test_odd_but_readable_csv_imports(db, dataset, tmp_path, content):
    report = do_import(db, _csv(tmp_path, content), dataset.slug, tmp_path / "work")
    assert report.created == 1


def test_a_nested_zip_bomb_in_a_zip_is_refused(db, dataset, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("rows.csv", b"lat,lon,species\n" + b"0" * (50 * 1024 * 1024))
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner.zip", inner.getvalue())
    _refused(db, dataset, outer, tmp_path, "file")


def test_a_nested_geometry_collection_is_rejected_naming_its_row(db, dataset, tmp_path):
    nested = "GEOMETRYCOLLECTION(" * 3 + "POINT(-2.1 49.2)" + ")" * 3
    path = _csv(tmp_path, f'wkt,species\n"{nested}",Crab\n'.encode())
    error = _refused(db, dataset, path, tmp_path, "row 2")
    assert "GeometryCollection holds another" in error.details[0]["message"]


def test_gdal_errors_do_not_show_the_servers_folders(db, dataset, tmp_path):
    path = _csv(tmp_path, b"\x00\x01garbage", "track.gpx")
    error = _refused(db, dataset, path, tmp_path, "GDAL cannot read")
    assert str(tmp_path) not in error.message


def test_hostile_files_through_the_api_answer_4xx_and_write_nothing(client, db, dataset, steward, tmp_path):
    cases = [
        (b"lat,lon,species\n49.2,-2.1,Cr\x00ab\n", "rows.csv", "row 2"),
        (_archive(tmp_path, _meta(fieldsTerminatedBy="ab")).read_bytes(), "dwca.zip", "fieldsTerminatedBy"),
        (_archive(tmp_path, _meta(ignoreHeaderLines="x")).read_bytes(), "dwca.zip", "ignoreHeaderLines"),
        (b"\xef\xbb\xbf", "bom.csv", "empty"),
    ]
    for body, name, where in cases:
        response = client.post(
            f"/api/v1/datasets/{dataset.slug}/imports",
            data={"file": (io.BytesIO(body), name)},
            headers=steward.headers,
            content_type="multipart/form-data",
        )
        assert response.status_code == 422, (name, response.json)
        error = response.json["error"]
        assert where in error["message"] + " ".join(d["path"] + d["message"] for d in error["details"]), error
    assert count(db, dataset.slug) == 0


def test_heights_are_dropped_and_the_report_says_so(db, dataset, tmp_path):
    path = _csv(tmp_path, b'wkt,species\n"POINT Z (-2.1 49.2 12.5)",Crab\n')
    report = do_import(db, path, dataset.slug, tmp_path / "work")
    assert report.created == 1
    assert any("1 features have heights (Z coordinates)" in w and "dropped" in w for w in report.warnings)
