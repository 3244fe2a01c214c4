"""Repair of invalid geometry, the same for every way in: same kind kept, a note that never holds a place."""

from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry

# GEOS's validity problems (TopologyValidationError's messages). Its text ends with the place of the
# problem ("Self-intersection[-2.12 49.20]"): a note must never carry it, so only these names are kept.
PROBLEMS = (
    "Repeated Point",
    "Hole lies outside shell",
    "Holes are nested",
    "Interior is disconnected",
    "Self-intersection",
    "Ring Self-intersection",
    "Nested shells",
    "Duplicate Rings",
    "Too few distinct points in geometry component",
    "Invalid Coordinate",
    "Ring is not closed",
)
_KIND = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "LinearRing": "line",
    "MultiLineString": "line",
    "Polygon": "area",
    "MultiPolygon": "area",
}


class Unrepairable(ValueError):
    """The geometry cannot be made valid without changing its kind (the message holds no coordinates)."""


def geometry_kind(shape: BaseGeometry) -> str:
    """'point', 'line', 'area' or 'mixed': the kind a repair must keep."""
    if shape.geom_type == "GeometryCollection":
        kinds = {geometry_kind(part) for part in shape.geoms}
        return kinds.pop() if len(kinds) == 1 else "mixed"
    return _KIND[shape.geom_type]


def problem(shape: BaseGeometry) -> str:
    """What is wrong with a geometry, in GEOS's words but without the place where it is."""
    reason = shapely.is_valid_reason(shape).split("[", 1)[0].strip()
    return next((name for name in PROBLEMS if name.lower() == reason.lower()), "invalid geometry")


def repair(shape: BaseGeometry) -> tuple[BaseGeometry, str]:
    """A valid geometry of the same kind and a note of what was done, or Unrepairable.

    'structure' unions overlapping parts (a drawn area keeps its overlap, which 'linework' would
    punch out) and keeps collapsed rings as lines, so a zero-area polygon fails the kind check
    instead of silently losing a part.
    """
    what = problem(shape)
    repaired = shapely.make_valid(shape, method="structure", keep_collapsed=True)
    if repaired.is_empty or geometry_kind(repaired) != geometry_kind(shape):
        raise Unrepairable(f"{shape.geom_type} is invalid ({what}) and cannot be repaired without changing its kind")
    return repaired, f"Invalid {shape.geom_type} ({what}) repaired with make_valid into a {repaired.geom_type}."
