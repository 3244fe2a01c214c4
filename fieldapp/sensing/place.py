"""Where and when a sensing question looks: a drawn area (GeoJSON or WKT), a grid cell, and season months."""

from __future__ import annotations

import json
import math

import shapely
import shapely.wkt
from marshmallow import ValidationError
from shapely.errors import ShapelyError

from fieldapp.errors import Invalid, bad_parameter
from fieldapp.geo.fields import parse_geometry
from fieldapp.rules import MAX_VERTICES

AREA_TYPES = ("Polygon", "MultiPolygon")
MONTHS = range(1, 13)


def bad_area(message: str) -> Invalid:
    """A drawn area that cannot be used: a 422 naming the parameter."""
    return Invalid(f"Parameter 'area': {message}", [{"path": "area", "message": message}])


def parse_area(raw: str) -> tuple[str, tuple[float, float, float, float]]:
    """A polygon or multipolygon in EPSG:4326, as GeoJSON or WKT: its WKT (repaired if it had to be) and bounds."""
    # Read no more text than rules.MAX_VERTICES positions of about 40 characters each could take.
    if len(raw) > MAX_VERTICES * 40:
        raise bad_area(f"at most {MAX_VERTICES * 40:,} characters ({MAX_VERTICES:,} vertices)")
    try:
        geojson = json.loads(raw) if raw.startswith("{") else shapely.geometry.mapping(shapely.wkt.loads(raw))
    except (ValueError, ShapelyError):
        raise bad_area("give a GeoJSON Polygon or MultiPolygon, or its WKT (POLYGON ((lon lat, ...)))") from None
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in AREA_TYPES:
        raise bad_area(f"the area must be a {' or a '.join(AREA_TYPES)}")
    try:
        shape = parse_geometry(_lists(geojson)).shape
    except ValidationError as exc:
        raise bad_area(str(exc.messages[0] if isinstance(exc.messages, list) else exc.messages)) from None
    shape = shapely.force_2d(shape)
    if shape.geom_type not in AREA_TYPES or shape.area == 0:
        raise bad_area("the area encloses nothing: draw at least three distinct corners")
    minx, miny, maxx, maxy = shape.bounds
    return shape.wkt, (minx, miny, maxx, maxy)


def _lists(value):
    """WKT read by shapely gives tuples; the GeoJSON checks want lists."""
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def parse_cell(raw: str) -> tuple[float, float]:
    """A grid cell named by a point inside it, 'lon,lat' (EPSG:4326)."""
    parts = raw.split(",")
    try:
        lon, lat = (float(p) for p in parts)
    except ValueError:
        raise bad_parameter("cell", "give a point inside the cell as lon,lat (e.g. -2.15,49.19)") from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise bad_parameter("cell", "the longitude must lie in -180..180 and the latitude in -90..90")
    return lon, lat


def parse_months(raw: str) -> tuple[int, ...]:
    """Season months as numbers and ranges, '6,7,8', '6-8' or across the new year '11-2'."""
    months: set[int] = set()
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        first, _, last = part.partition("-")
        ends = [_month(first), _month(last or first)]
        run = range(ends[0], ends[1] + 1) if ends[0] <= ends[1] else [*range(ends[0], 13), *range(1, ends[1] + 1)]
        months.update(run)
    return tuple(sorted(months))


def _month(raw: str) -> int:
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) not in MONTHS:
        raise bad_parameter("season", f"{raw!r} is not a month: give numbers 1 to 12, e.g. 6-8 or 11,12,1")
    return int(raw)
