"""Bundled base geometry (geodata/): Jersey's outline for maps and demonstration data."""

from __future__ import annotations

import json
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
