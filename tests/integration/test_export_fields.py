"""A dataset's custom fields are columns of its CSV, GeoJSON and GeoPackage exports, as the viewer may see them,
read back by real readers (csv, json, GDAL through pyogrio)."""

from __future__ import annotations

import csv
import io

import pyogrio

from tests.integration.test_forms import crab, record  # noqa: F401  (the fixture)


def test_every_custom_field_is_a_column_in_csv_geojson_and_geopackage(client, make, crab, tmp_path):  # noqa: F811
    steward, dataset = crab
    fisher, other = make.account(name="Fisher"), make.account(name="Other")
    assert record(client, fisher, dataset, pots=12, berried="yes", sea_state=3, mark="north reef").status_code == 201
    assert record(client, fisher, dataset, pots=0, soak_hours=2.5).status_code == 201
    url = f"/api/v1/datasets/{dataset.slug}/export"
    names = ["field_pots", "field_soak_hours", "field_berried", "field_mark", "field_sea_state"]

    for viewer, sees in ((steward, True), (other, False)):
        rows = list(
            csv.DictReader(io.StringIO(client.get(url, query_string={"format": "csv"}, headers=viewer.headers).text))
        )
        assert all(name in rows[0] for name in names)
        assert [(r["field_pots"], r["field_berried"], r["field_sea_state"], r["field_soak_hours"]) for r in rows] == [
            ("12", "yes", "3", ""),
            ("0", "", "", "2.5"),
        ]
        assert [r["field_mark"] for r in rows] == (["north reef", ""] if sees else ["", ""])

        features = client.get(url, query_string={"format": "geojson"}, headers=viewer.headers).get_json()["features"]
        first = features[0]["properties"]
        assert (first["field_pots"], first["field_berried"], first["fields"]["pots"]) == (12, "yes", 12)
        assert ("field_mark" in first) is sees and ("north reef" in str(features)) is sees

        path = tmp_path / f"{viewer.user.id}.gpkg"
        path.write_bytes(client.get(url, query_string={"format": "gpkg"}, headers=viewer.headers).data)
        info = pyogrio.read_info(path)
        assert all(name in list(info["fields"]) for name in names)
        _, _, _, values = pyogrio.raw.read(path, columns=["field_pots", "field_mark"])
        assert list(values[0]) == ["12", "0"]
        assert list(values[1]) == (["north reef", None] if sees else [None, None])
