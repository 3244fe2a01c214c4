"""The leak detector finds planted leaks in every form it reads, and stays quiet on what is not a leak."""

from __future__ import annotations

import io
import json
import math
import zipfile

import mapbox_vector_tile
import numpy as np
import pyogrio
import pytest
import shapely
from PIL import Image
from pyproj import Transformer

from tests.leakcheck.detector import Detector, numbers

LON, LAT = -2.123456, 49.201234
SECRETS = ("Zebedee Canaryowner", "Quillon Canarymember")


@pytest.fixture(scope="module")
def detector():
    return Detector(LON, LAT, SECRETS)


def _in(epsg: int, lon: float = LON, lat: float = LAT) -> tuple[float, float]:
    return Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)


def _moved(metres_east: float, metres_north: float) -> tuple[float, float]:
    x, y = _in(3109)
    return Transformer.from_crs(3109, 4326, always_xy=True).transform(x + metres_east, y + metres_north)


@pytest.mark.parametrize("epsg", [4326, 3109, 27700, 3857])
def test_a_page_with_the_place_in_any_crs_is_a_leak(detector, epsg):
    x, y = _in(epsg, *_moved(40, -50))  # 64 m away
    digits = 6 if epsg == 4326 else 2
    page = f"<html><body><p>Found at <b>{x:.{digits}f}</b>, <b>{y:.{digits}f}</b> by a fisher.</p></body></html>"
    [finding] = detector.scan("GET /planted", page.encode(), "text/html")
    assert f"EPSG:{epsg}" in finding.what and "64." in finding.what


def test_reversed_order_hemisphere_letters_and_a_decimal_comma(detector):
    assert detector.scan("x", b"lat 49.20125 N, lon 2.12350 W", "text/plain")
    assert detector.scan("x", b"49,201234;-2,123456", "text/plain")
    assert detector.scan("x", "49°12'4.4\"N 2°7'24.4\"W".encode(), "text/plain")
    assert detector.scan("x", b'{"lat_e7": 492012340, "lon_e7": -21234560}', "application/json")


def test_numbers_split_across_fields_of_a_row_or_an_object(detector):
    x, y = _in(3109)
    row = ",".join(["id", "easting"] + [f"c{i}" for i in range(20)] + ["northing"])
    values = ",".join(["7", f"{x:.0f}"] + [str(i) for i in range(20)] + [f"{y:.0f}"])
    assert detector.scan("export.csv", f"{row}\n{values}\n".encode(), "text/csv")
    body = {"properties": {"x": round(x), **{f"f{i}": i for i in range(20)}, "y": round(y)}}
    assert detector.scan("api", json.dumps(body).encode(), "application/json")


def test_a_place_100_m_or_more_away_or_a_generalised_cell_is_not_a_leak(detector):
    lon, lat = _moved(80, 80)  # 113 m
    assert not detector.scan("x", f"[{lon:.6f}, {lat:.6f}]".encode(), "application/json")
    x, y = _in(3109)
    cx, cy = math.floor(x / 1000) * 1000, math.floor(y / 1000) * 1000
    cell = shapely.transform(shapely.box(cx, cy, cx + 1000, cy + 1000), lambda c: np.array(_to_lonlat(c)))
    assert not detector.scan("x", json.dumps(shapely.geometry.mapping(cell)).encode(), "application/geo+json")


def _to_lonlat(coords):
    return np.column_stack(Transformer.from_crs(3109, 4326, always_xy=True).transform(coords[:, 0], coords[:, 1]))


def test_secret_names_are_found_escaped_or_in_a_link(detector):
    assert detector.scan("x", b"<p>Answer from Zebedee Canaryowner</p>", "text/html")
    assert detector.scan("x", b"<a href='/?q=quillon+canarymember'>", "text/html")
    assert detector.scan("x", b'{"by": "Quillon\\u0020Canarymember"}', "application/json")
    assert not detector.scan("x", b"<p>Answer from Silent Heron</p>", "text/html")


def test_a_vector_tile_is_read_back_to_lon_lat_without_its_clip_edges(detector):
    z = 16
    n = 2**z
    fx = (LON + 180) / 360 * n
    fy = (1 - math.asinh(math.tan(math.radians(LAT))) / math.pi) / 2 * n
    tile = (z, int(fx), int(fy))
    px, py = (fx - int(fx)) * 4096, (fy - int(fy)) * 4096
    point = {"name": "observations", "features": [{"geometry": f"POINT ({px} {py})", "properties": {"id": "a"}}]}
    body = mapbox_vector_tile.encode([point], default_options={"y_coord_down": True})
    assert "EPSG:4326" in detector.scan("tile", body, "application/vnd.mapbox-vector-tile", tile)[0].what
    # A cell covering the whole tile is clipped to the tile's buffer: its corners are not the canary.
    clipped = {
        "name": "observations",
        "features": [{"geometry": "POLYGON ((-64 -64, 4160 -64, 4160 4160, -64 4160, -64 -64))", "properties": {}}],
    }
    assert not detector.scan("tile", mapbox_vector_tile.encode([clipped]), "application/vnd.mapbox-vector-tile", tile)


def test_a_geopackage_and_a_zipped_csv_are_opened(detector, tmp_path):
    x, y = _in(3109)
    path = tmp_path / "leak.gpkg"
    pyogrio.raw.write(
        path,
        geometry=np.array([shapely.to_wkb(shapely.Point(x, y))], dtype=object),
        field_data=[np.array(["a"], dtype=object)],
        fields=["name"],
        driver="GPKG",
        crs="EPSG:3109",
        geometry_type="Point",
    )
    findings = detector.scan("export", path.read_bytes(), "application/geopackage+sqlite3")
    assert any("feature 0" in f.where and "EPSG:3109" in f.what for f in findings)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("occurrence.txt", f"id\tdecimalLatitude\tdecimalLongitude\n1\t{LAT}\t{LON}\n")
        archive.writestr("eml.xml", "<creator>Zebedee Canaryowner</creator>")
    findings = detector.scan("dwca", buffer.getvalue(), "application/zip")
    assert {f.where.split(" > ")[1].split(" ")[0] for f in findings} == {"occurrence.txt", "eml.xml"}


def test_a_photo_with_gps_in_its_exif_is_a_leak_and_a_stripped_one_is_not(detector):
    image = Image.new("RGB", (8, 8))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (49.0, 12.0, 4.4424), 3: "W", 4: (2.0, 7.0, 24.4416)})
    with_gps, without = io.BytesIO(), io.BytesIO()
    image.save(with_gps, "JPEG", exif=exif)
    image.save(without, "JPEG")
    assert "EXIF GPS" in detector.scan("photo", with_gps.getvalue(), "image/jpeg")[0].where
    assert not detector.scan("photo", without.getvalue(), "image/jpeg")


def test_numbers_keeps_document_order():
    assert [p[0] for p in numbers("a 1.5 b -2 c 3e2")] == [1.5, -2.0, 300.0]
