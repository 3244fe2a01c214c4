"""Find a canary's place (in any CRS, within a radius) or a secret name in a response, decoded by what it is."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import mapbox_vector_tile
import pyogrio
import shapely
from PIL import Image
from pyproj import Geod, Transformer

# Where a leak could be written: lon/lat, Jersey TM, British National Grid, Web Mercator.
CRSES = (4326, 3109, 27700, 3857)
# Numbers this close together in a document are read as a pair (x y, lat lon, two fields side by side).
WINDOW = 6
NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
# A decimal comma, as a spreadsheet in another locale writes it: 49,201234.
COMMA_NUMBER = re.compile(r"[-+]?\d+,\d{3,}")
# Degrees, minutes and seconds with a hemisphere: 49°12'4.4"N, 49 12 4.4 N, 2°7.4'W.
DMS = re.compile(
    r"(\d{1,3})(?:°|º|\s)\s*(\d{1,2}(?:\.\d+)?)(?:['′]|\s)\s*(?:(\d{1,2}(?:\.\d+)?)(?:[\"″]|'')?\s*)?([NSEW])\b"
)
HEX_WKB = re.compile(r"\b(?:00|01)[0-9A-Fa-f]{40,}\b")
TILE_EXTENT = 4096


@dataclass(frozen=True)
class Finding:
    """One leak: where it was read and what it was."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass(frozen=True)
class _Target:
    epsg: int
    x: float
    y: float
    tol_x: float
    tol_y: float
    to_lonlat: Transformer


# A position in a document: the values a number there may stand for (e.g. 492012340 may be 49.201234 e7).
Position = tuple[float, ...]


class Detector:
    """Knows the canary's place and the secret names; reads responses of any kind and reports leaks."""

    def __init__(
        self,
        lon: float,
        lat: float,
        secrets: Iterable[str],
        radius_m: float = 100.0,
        secret_numbers: Iterable[float] = (),
    ):
        self.lon, self.lat, self.radius_m = lon, lat, radius_m
        self.secrets = tuple(s for s in secrets if s)
        # Values only the precise geometry's keepers may read (an uncertainty of a withheld place).
        self.secret_numbers = tuple(secret_numbers)
        self.geod = Geod(ellps="WGS84")
        self.targets = tuple(self._target(epsg) for epsg in CRSES)

    def _target(self, epsg: int) -> _Target:
        forward = Transformer.from_crs(4326, epsg, always_xy=True)
        x, y = forward.transform(self.lon, self.lat)
        # How far each axis moves over the radius (with a margin): a cheap filter before the exact distance.
        tol_x = tol_y = 0.0
        for azimuth in (0, 45, 90, 135, 180, 225, 270, 315):
            lon, lat, _ = self.geod.fwd(self.lon, self.lat, azimuth, self.radius_m * 1.5)
            ex, ey = forward.transform(lon, lat)
            tol_x, tol_y = max(tol_x, abs(ex - x)), max(tol_y, abs(ey - y))
        return _Target(epsg, x, y, tol_x, tol_y, Transformer.from_crs(epsg, 4326, always_xy=True))

    # -- the core: pairs of numbers near the canary ------------------------------------------------

    def distance_m(self, lon: float, lat: float) -> float:
        return self.geod.inv(self.lon, self.lat, lon, lat)[2]

    def _axis_hits(self, value: float) -> set[tuple[int, str]]:
        hits = set()
        for i, t in enumerate(self.targets):
            if abs(abs(value) - abs(t.x)) <= t.tol_x:
                hits.add((i, "x"))
            if abs(abs(value) - abs(t.y)) <= t.tol_y:
                hits.add((i, "y"))
        return hits

    def _pair(self, target: _Target, x: float, y: float) -> str | None:
        """A description when (x, y), signs aside, lies within the radius of the canary in this CRS."""
        lon, lat = target.to_lonlat.transform(math.copysign(x, target.x), math.copysign(y, target.y))
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return None
        distance = self.distance_m(lon, lat)
        if distance < self.radius_m:
            return f"coordinates ({x:g}, {y:g}) in EPSG:{target.epsg}, {distance:.1f} m from the canary"
        return None

    def pairs(self, positions: list[Position], window: int | None = WINDOW) -> list[str]:
        """Leaks among numbers in document order: any two within `window` positions (None: any two at all)."""
        marked = []
        for index, values in enumerate(positions):
            for value in values:
                hits = self._axis_hits(value)
                if hits:
                    marked.append((index, value, hits))
        found: list[str] = []
        for a, (i, value_i, hits_i) in enumerate(marked):
            for j, value_j, hits_j in marked[a + 1 :]:
                if window is not None and j - i > window:
                    break
                for target_index, axis in hits_i:
                    other = "y" if axis == "x" else "x"
                    if (target_index, other) not in hits_j:
                        continue
                    x, y = (value_i, value_j) if axis == "x" else (value_j, value_i)
                    described = self._pair(self.targets[target_index], x, y)
                    if described and described not in found:
                        found.append(described)
        return found

    def values(self, positions: list[Position]) -> list[str]:
        found = {n for values in positions for v in values for n in self.secret_numbers if abs(abs(v) - n) < 1e-9}
        return [f"the precise-only value {n:g}" for n in sorted(found)]

    def names(self, text: str) -> list[str]:
        folded = {text.casefold(), html.unescape(text).casefold(), unquote_plus(text).casefold()}
        return [f"the secret name {s!r}" for s in self.secrets if any(s.casefold() in f for f in folded)]

    # -- reading each kind of body ----------------------------------------------------------------

    def scan(self, where: str, body: bytes, content_type: str = "", tile: tuple[int, int, int] | None = None):
        """Every leak in a body, decoded by its bytes and media type (zip, GeoPackage, JPEG, MVT, JSON, CSV, text)."""
        return list(_Reader(self).read(where, body, content_type, tile))


def numbers(text: str) -> list[Position]:
    """The numbers of a text in order, each with what else it may stand for (decimal comma, DMS, E6/E7)."""
    found: list[tuple[int, Position]] = []
    for match in NUMBER.finditer(text):
        found.append((match.start(), _readings(match.group())))
    for match in COMMA_NUMBER.finditer(text):
        found.append((match.start(), (float(match.group().replace(",", ".")),)))
    for match in DMS.finditer(text):
        degrees, minutes, seconds, _ = match.groups()
        found.append((match.start(), (float(degrees) + float(minutes) / 60 + float(seconds or 0) / 3600,)))
    for match in HEX_WKB.finditer(text):
        for pair in _wkb_pairs(match.group()):
            found.extend((match.start(), (v,)) for v in pair)
    found.sort(key=lambda item: item[0])
    return [values for _, values in found]


def _readings(raw: str) -> Position:
    try:
        value = float(raw)
    except ValueError:
        return ()
    if not math.isfinite(value):
        return ()
    if value == int(value) and 1e6 <= abs(value) < 1e11:
        return (value, value / 1e6, value / 1e7)
    return (value,)


def _number_positions(value: Any) -> list[Position]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [_readings(repr(value))] if math.isfinite(value) else []
    if isinstance(value, bytes):
        return []
    return numbers(str(value))


def _wkb_pairs(hex_text: str) -> list[tuple[float, float]]:
    try:
        geometry = shapely.from_wkb(bytes.fromhex(hex_text))
    except (ValueError, shapely.errors.GEOSException):
        return []
    return [tuple(c[:2]) for c in shapely.get_coordinates(geometry).tolist()]


class _Reader:
    """Decodes one body, recursing into archives, and yields findings."""

    def __init__(self, detector: Detector):
        self.d = detector

    def read(self, where: str, body: bytes, content_type: str, tile) -> Iterator[Finding]:
        if body.startswith(b"PK\x03\x04"):
            yield from self.zip(where, body)
        elif body.startswith(b"SQLite format 3\x00"):
            yield from self.sqlite(where, body)
        elif body.startswith(b"\xff\xd8"):
            yield from self.jpeg(where, body)
        elif "mapbox-vector-tile" in content_type or (tile is not None and not _is_text(body)):
            yield from self.mvt(where, body, tile)
        elif body.startswith(b"\x89PNG") or body.startswith(b"GIF8"):
            yield from self.image(where, body)
        else:
            yield from self.text(where, body.decode("utf-8", errors="replace"), content_type)

    def found(self, where: str, whats: Iterable[str]) -> Iterator[Finding]:
        for what in whats:
            yield Finding(where, what)

    def unit(self, where: str, values: Iterable[Any]) -> Iterator[Finding]:
        """Values that belong together (a row, an object's fields): any two numbers among them are a pair."""
        positions: list[Position] = []
        for value in values:
            positions.extend(_number_positions(value))
            if isinstance(value, str):
                yield from self.found(where, self.d.names(value))
        yield from self.found(where, self.d.pairs(positions, window=None))
        yield from self.found(where, self.d.values(positions))

    def text(self, where: str, text: str, content_type: str = "") -> Iterator[Finding]:
        yield from self.found(where, self.d.names(text))
        readable = numbers(unquote_plus(html.unescape(text)))
        yield from self.found(where, self.d.pairs(readable))
        yield from self.found(where, self.d.values(readable))
        stripped = text.lstrip()
        if "json" in content_type or stripped[:1] in ("{", "["):
            try:
                document = json.loads(text)
            except ValueError:
                document = None
            if document is not None:
                yield from self.json(where, document)
        if "csv" in content_type or where.endswith((".csv", ".txt", ".tsv")):
            yield from self.csv(where, text)

    def json(self, where: str, value: Any, path: str = "$") -> Iterator[Finding]:
        if isinstance(value, dict):
            yield from self.unit(f"{where} {path}", [v for v in value.values() if not isinstance(v, dict | list)])
            for key, item in value.items():
                yield from self.json(where, item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict | list):
                    yield from self.json(where, item, f"{path}[{index}]")

    def csv(self, where: str, text: str) -> Iterator[Finding]:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        for line, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            yield from self.unit(f"{where} row {line}", row)

    def zip(self, where: str, body: bytes) -> Iterator[Finding]:
        with zipfile.ZipFile(io.BytesIO(body)) as archive, tempfile.TemporaryDirectory() as tmp:
            archive.extractall(tmp)
            for name in archive.namelist():
                member = f"{where} > {name}"
                yield from self.found(member, self.d.names(name))
                path = Path(tmp) / name
                if path.is_dir():
                    continue
                if name.lower().endswith((".shp", ".dbf")):
                    yield from self.ogr(member, path)
                if not name.lower().endswith((".shp", ".shx", ".dbf")):
                    yield from self.read(member, path.read_bytes(), "", None)

    def ogr(self, where: str, path: Path) -> Iterator[Finding]:
        """Features read by GDAL: each one's coordinates and attributes form one unit."""
        for layer, _ in pyogrio.list_layers(path):
            meta, _, geometries, fields = pyogrio.raw.read(path, layer=layer)
            count = len(geometries) if geometries is not None else (len(fields[0]) if fields else 0)
            for index in range(count):
                here = f"{where} layer {layer} feature {index}"
                if geometries is not None and geometries[index] is not None:
                    coords = shapely.get_coordinates(shapely.from_wkb(geometries[index])).tolist()
                    yield from self.found(here, self.d.pairs([(v,) for c in coords for v in c[:2]], 1))
                yield from self.unit(here, [column[index] for column in fields])
            yield from self.found(f"{where} layer {layer} metadata", self.d.names(json.dumps(meta, default=str)))

    def sqlite(self, where: str, body: bytes) -> Iterator[Finding]:
        """A GeoPackage: features through GDAL, and every non-geometry value of every table (extents, indexes)."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "body.gpkg"
            path.write_bytes(body)
            yield from self.ogr(where, path)
            connection = sqlite3.connect(path)
            try:
                tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                for table in tables:
                    rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
                    for index, row in enumerate(rows):
                        yield from self.unit(f"{where} table {table} row {index}", row)
            finally:
                connection.close()

    def mvt(self, where: str, body: bytes, tile) -> Iterator[Finding]:
        """Vector tile features, their coordinates turned back into lon/lat (clip edges left out)."""
        layers = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})
        for name, layer in layers.items():
            extent = layer.get("extent", TILE_EXTENT)
            for index, feature in enumerate(layer["features"]):
                here = f"{where} layer {name} feature {index}"
                yield from self.unit(here, list(feature.get("properties", {}).values()))
                if tile is None:
                    continue
                coords = shapely.get_coordinates(shapely.geometry.shape(feature["geometry"])).tolist()
                lonlats = [_tile_to_lonlat(tile, extent, x, y) for x, y in coords if not _on_clip_edge(x, y, extent)]
                yield from self.found(here, self.d.pairs([(v,) for p in lonlats for v in p], 1))

    def jpeg(self, where: str, body: bytes) -> Iterator[Finding]:
        yield from self.image(where, body)

    def image(self, where: str, body: bytes) -> Iterator[Finding]:
        """Metadata a photo carries: EXIF GPS, every EXIF value, XMP and comments (never the pixels)."""
        with Image.open(io.BytesIO(body)) as image:
            exif = image.getexif()
            gps = exif.get_ifd(0x8825)
            if 2 in gps and 4 in gps:
                lat, lon = _dms_value(gps[2]), _dms_value(gps[4])
                yield from self.found(f"{where} EXIF GPS", self.d.pairs([(lon,), (lat,)], 1))
            values = [str(v) for v in exif.values()] + [str(v) for v in gps.values()]
            values += [str(v) for k, v in image.info.items() if k not in ("icc_profile", "exif")]
            yield from self.unit(f"{where} metadata", values)


def _is_text(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _dms_value(parts) -> float:
    degrees, minutes, seconds = (float(p) for p in parts)
    return degrees + minutes / 60 + seconds / 3600


def _on_clip_edge(x: float, y: float, extent: int) -> bool:
    """Vertices ST_AsMVTGeom adds where it clips a shape to the tile (and its buffer) are not data."""
    edges = {0, extent, -64, extent + 64}
    return x in edges or y in edges


def _tile_to_lonlat(tile: tuple[int, int, int], extent: int, x: float, y: float) -> tuple[float, float]:
    z, tx, ty = tile
    n = 2**z
    lon = (tx + x / extent) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (ty + y / extent) / n))))
    return lon, lat
