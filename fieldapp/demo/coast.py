"""Random places along Jersey's coast, in the metric CRS, for the demonstration data."""

from __future__ import annotations

import json
import math
import random

from shapely import wkb
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.geodata import jersey_land_geometry

# Records lie at sea within this distance of the land, or on the shore just inside it.
SEA_BAND_M = 2500
SHORE_M = 100
# Compass sectors (degrees clockwise from north, seen from the island's centre) for species that
# keep to one side of the island.
SECTORS = {"north": (315, 45), "east": (45, 135), "south": (135, 225), "west": (225, 315)}

# PostGIS builds the band in the deployment's metric CRS, so buffers are in metres.
_BAND_SQL = text("""
    WITH land AS (
        SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(:land), 4326), :srid) AS g
    )
    SELECT ST_AsBinary(ST_Difference(ST_Buffer(g, :sea), ST_Buffer(g, -:shore))),
           ST_AsBinary(ST_Buffer(g, -:shore)),
           ST_AsBinary(g)
    FROM land
""")


class Coast:
    """Jersey's coastal band in metres, and deterministic random shapes within it."""

    def __init__(self, band: BaseGeometry, inland: BaseGeometry, land: BaseGeometry):
        self.band = band
        self.land = land
        self._band = prep(band)
        self._inland = prep(inland)
        self.centre = land.centroid
        self.bounds = band.bounds

    @classmethod
    def load(cls, session: Session, metric_srid: int) -> Coast:
        """Build the band from the bundled outline."""
        params = {"land": json.dumps(jersey_land_geometry()), "srid": metric_srid, "sea": SEA_BAND_M, "shore": SHORE_M}
        band, inland, land = session.execute(_BAND_SQL, params).one()
        return cls(wkb.loads(bytes(band)), wkb.loads(bytes(inland)), wkb.loads(bytes(land)))

    def _in_sector(self, x: float, y: float, sector: str | None) -> bool:
        if sector is None:
            return True
        bearing = math.degrees(math.atan2(x - self.centre.x, y - self.centre.y)) % 360
        low, high = SECTORS[sector]
        return low <= bearing < high if low < high else bearing >= low or bearing < high

    def point(self, rng: random.Random, sector: str | None = None) -> Point:
        """A point at sea near the land or on the shore, optionally on one side of the island."""
        minx, miny, maxx, maxy = self.bounds
        while True:
            candidate = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if self._in_sector(candidate.x, candidate.y, sector) and self._band.contains(candidate):
                return candidate

    def line(
        self, rng: random.Random, min_m: float, max_m: float, sector: str | None = None, bends: int = 1
    ) -> LineString:
        """A line starting in the band that never crosses inland."""
        while True:
            x, y = self.point(rng, sector).coords[0]
            heading = rng.uniform(0, 2 * math.pi)
            step = rng.uniform(min_m, max_m) / (bends + 1)
            coords = [(x, y)]
            for _ in range(bends + 1):
                heading += rng.uniform(-0.5, 0.5)
                x, y = x + step * math.sin(heading), y + step * math.cos(heading)
                coords.append((x, y))
            line = LineString(coords)
            if self._band.contains(line):
                return line

    def patch(self, rng: random.Random, min_m: float, max_m: float, sector: str | None = None) -> Polygon:
        """An irregular polygon around a point in the band, cut back to the shore line."""
        while True:
            centre = self.point(rng, sector)
            radius = rng.uniform(min_m, max_m)
            corners = rng.randint(7, 12)
            ring = [
                (
                    centre.x + radius * rng.uniform(0.6, 1.0) * math.sin(2 * math.pi * i / corners),
                    centre.y + radius * rng.uniform(0.6, 1.0) * math.cos(2 * math.pi * i / corners),
                )
                for i in range(corners)
            ]
            shape = Polygon(ring).intersection(self.band)
            largest = _largest_polygon(shape)
            if largest is not None and largest.area > 0.2 * math.pi * min_m**2:
                return largest


def _largest_polygon(shape: BaseGeometry) -> Polygon | None:
    parts = [g for g in getattr(shape, "geoms", [shape]) if isinstance(g, Polygon) and not g.is_empty]
    return max(parts, key=lambda g: g.area) if parts else None
