"""Bundled base geometry (geodata/): Jersey's outline for maps and demonstration data."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fieldapp.config import PROJECT_ROOT
from fieldapp.i18n import _l

GEODATA_DIR = PROJECT_ROOT / "geodata"
JERSEY_LAND = GEODATA_DIR / "jersey_ne10m_land.geojson"
# Natural Earth asks for no permission, but this is the credit line it suggests.
NATURAL_EARTH_CREDIT = "Made with Natural Earth"
# The base of every map (Jersey, Les Ecrehous and Les Minquiers, 1,451 vertices): GSHHG full
# resolution, LGPL-3.0-or-later; its credit goes wherever it is drawn (see geodata/README.md).
COASTLINE = GEODATA_DIR / "jersey_gshhg_full_land.geojson"
# Lazy: said in the language of the page it is shown on (the source and licence are names).
COASTLINE_CREDIT = _l("Coastline: %(source)s, %(licence)s", source="GSHHG (Wessel and Smith)", licence="LGPL-3.0")


def jersey_outline() -> dict[str, Any]:
    """Return Jersey's land polygon as a GeoJSON FeatureCollection (EPSG:4326, lon/lat)."""
    with JERSEY_LAND.open(encoding="utf-8") as source:
        return json.load(source)


@cache
def _coastline_text() -> str:
    return COASTLINE.read_text(encoding="utf-8")


def coastline() -> dict[str, Any]:
    """The detailed coastline (a FeatureCollection of land polygons, EPSG:4326) that maps draw as their base."""
    return json.loads(_coastline_text())


def coastline_as_one() -> dict[str, Any]:
    """The coastline as one MultiPolygon feature: one path for a map to draw (the folium maps' base)."""
    polygons: list[Any] = []
    for feature in coastline()["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            polygons.append(geometry["coordinates"])
        elif geometry["type"] == "MultiPolygon":
            polygons.extend(geometry["coordinates"])
    shape = {"type": "MultiPolygon", "coordinates": polygons}
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": shape}]}


def jersey_land_geometry() -> dict[str, Any]:
    """Return the GeoJSON geometry of Jersey's land polygon alone."""
    return jersey_outline()["features"][0]["geometry"]


# A place further than this from the park (the coastline's bounds: Jersey, Les Ecrehous and Les
# Minquiers) is worth a second look before a record is saved: a photo's EXIF from a holiday, a typo.
FAR_FROM_PARK_KM = 30


def _points(coordinates: Any) -> list[list[float]]:
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [coordinates]
    return [p for part in coordinates for p in _points(part)]


@cache
def park_bounds() -> tuple[tuple[float, float], tuple[float, float]]:
    """The coastline's bounds as ((south, west), (north, east)), in degrees."""
    points = [p for f in coastline()["features"] for p in _points(f["geometry"]["coordinates"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (min(lats), min(lons)), (max(lats), max(lons))
