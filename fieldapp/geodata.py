"""Bundled base geometry (geodata/): Jersey's outline for maps and demonstration data."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fieldapp.config import PROJECT_ROOT

GEODATA_DIR = PROJECT_ROOT / "geodata"
JERSEY_LAND = GEODATA_DIR / "jersey_ne10m_land.geojson"
# Natural Earth asks for no permission, but this is the credit line it suggests.
NATURAL_EARTH_CREDIT = "Made with Natural Earth"


def jersey_outline() -> dict[str, Any]:
    """Return Jersey's land polygon as a GeoJSON FeatureCollection (EPSG:4326, lon/lat)."""
    with JERSEY_LAND.open(encoding="utf-8") as source:
        return json.load(source)


def jersey_land_geometry() -> dict[str, Any]:
    """Return the GeoJSON geometry of Jersey's land polygon alone."""
    return jersey_outline()["features"][0]["geometry"]


# A place further than this from the park (Jersey's outline, with Les Ecrehous and Les Minquiers
# well inside the distance) is worth a second look before a record is saved: a photo's EXIF from a
# holiday, swapped coordinates.
FAR_FROM_PARK_KM = 30


def _points(coordinates: Any) -> list[list[float]]:
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [coordinates]
    return [p for part in coordinates for p in _points(part)]


@cache
def park_bounds() -> tuple[tuple[float, float], tuple[float, float]]:
    """The outline's bounds as ((south, west), (north, east)), in degrees."""
    points = _points(jersey_land_geometry()["coordinates"])
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (min(lats), min(lons)), (max(lats), max(lons))
