"""Incoming GeoJSON geometry: checked, repaired when that keeps its kind, as shapely."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import shapely
from marshmallow import Schema, ValidationError, fields, validate
from shapely.geometry.base import BaseGeometry

from fieldapp.geo.repair import Unrepairable, repair
from fieldapp.rules import MAX_COLLECTION_DEPTH, MAX_VERTICES

GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


@dataclass(frozen=True)
class CheckedGeometry:
    """A valid geometry, and a note of how it was repaired if it had to be."""

    shape: BaseGeometry
    repair_note: str | None = None


def parse_geometry(value: Any) -> CheckedGeometry:
    """Check a GeoJSON geometry object and return it as a valid shapely geometry."""
    counter = [0]
    _check_object(value, counter)
    try:
        shape = shapely.geometry.shape(value)
    except ValueError:  # e.g. 2D and 3D positions mixed, which numpy cannot make one array of
        raise ValidationError("The positions of a geometry must all have the same number of values.") from None
    # Elevation is accepted and dropped: geometry is stored, compared and served in 2-D (the importer does the same).
    shape = shapely.force_2d(shape)
    if shape.is_empty:
        raise ValidationError("The geometry is empty.")
    if shape.is_valid:
        return CheckedGeometry(shape)
    return _repair(shape)


def _check_object(value: Any, counter: list[int], depth: int = 0) -> None:
    if not isinstance(value, dict):
        raise ValidationError("A geometry must be a GeoJSON geometry object.")
    kind = value.get("type")
    if kind not in GEOMETRY_TYPES:
        raise ValidationError(f"Unknown geometry type {kind!r}; use one of {', '.join(GEOMETRY_TYPES)}.")
    if kind == "GeometryCollection":
        if depth >= MAX_COLLECTION_DEPTH:
            raise ValidationError(f"GeometryCollections nest at most {MAX_COLLECTION_DEPTH} deep.")
        members = value.get("geometries")
        if not isinstance(members, list) or not members:
            raise ValidationError("A GeometryCollection needs at least one geometry.")
        for member in members:
            _check_object(member, counter, depth + 1)
        return
    if "coordinates" not in value:
        raise ValidationError(f"A {kind} needs 'coordinates'.")
    _check_coordinates(kind, value["coordinates"], counter)


def _check_coordinates(kind: str, coords: Any, counter: list[int]) -> None:
    if kind == "Point":
        _check_position(coords, counter)
        return
    if not isinstance(coords, list) or (kind.startswith("Multi") and not coords):
        raise ValidationError(f"The coordinates of a {kind} must be a non-empty array.")
    if kind == "MultiPoint":
        for position in coords:
            _check_position(position, counter)
    elif kind == "LineString":
        _check_line(coords, counter)
    elif kind == "MultiLineString":
        for line in coords:
            _check_line(line, counter)
    elif kind == "Polygon":
        _check_polygon(coords, counter)
    elif kind == "MultiPolygon":
        for polygon in coords:
            _check_polygon(polygon, counter)


def _check_line(line: Any, counter: list[int]) -> None:
    if not isinstance(line, list) or len(line) < 2:
        raise ValidationError("A line needs at least 2 positions.")
    for position in line:
        _check_position(position, counter)


def _check_polygon(rings: Any, counter: list[int]) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError("A polygon needs at least one ring.")
    for number, ring in enumerate(rings):
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(f"Ring {number} has fewer than 4 positions; a ring needs at least 4.")
        for position in ring:
            _check_position(position, counter)
        if ring[0] != ring[-1]:
            raise ValidationError(f"Ring {number} is not closed: its first and last positions differ.")


def _check_position(position: Any, counter: list[int]) -> None:
    if not isinstance(position, list) or len(position) not in (2, 3):
        raise ValidationError("A position must be [longitude, latitude] (optionally with elevation).")
    for number in position:
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
            raise ValidationError(f"Coordinates must be finite numbers, not {number!r}.")
    lon, lat = position[0], position[1]
    if not -180 <= lon <= 180:
        raise ValidationError(f"Longitude {lon} is out of range (-180 to 180).")
    if not -90 <= lat <= 90:
        raise ValidationError(f"Latitude {lat} is out of range (-90 to 90).")
    counter[0] += 1
    if counter[0] > MAX_VERTICES:
        raise ValidationError(f"The geometry has more than {MAX_VERTICES:,} vertices.")


def _repair(shape: BaseGeometry) -> CheckedGeometry:
    try:
        repaired, note = repair(shape)
    except Unrepairable as exc:
        raise ValidationError(f"The {exc}; fix it and send it again.") from None
    return CheckedGeometry(repaired, note)


class Geometry(fields.Field):
    """A marshmallow field for a GeoJSON geometry, loaded as a CheckedGeometry."""

    def _deserialize(self, value, attr, data, **kwargs) -> CheckedGeometry:
        return parse_geometry(value)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        shape = value.shape if isinstance(value, CheckedGeometry) else value
        return shapely.geometry.mapping(shape)


class GeometrySchema(Schema):
    """A GeoJSON geometry as the OpenAPI document describes it (the Geometry field reads and checks one)."""

    class Meta:
        description = (
            f"A GeoJSON geometry in longitude/latitude (EPSG:4326), at most {MAX_VERTICES:,} vertices. "
            "An invalid polygon is repaired when the repair keeps its kind (noted in repair_note). "
            "A position's third value (elevation) is accepted and dropped: geometry is stored in 2-D. "
            f"GeometryCollections nest at most {MAX_COLLECTION_DEPTH} deep."
        )

    type = fields.String(
        required=True, validate=validate.OneOf(GEOMETRY_TYPES), metadata={"description": "The geometry type."}
    )
    coordinates = fields.List(fields.Raw(), metadata={"description": "Positions, nested as GeoJSON requires."})
    geometries = fields.List(
        fields.Nested(lambda: GeometrySchema()),
        metadata={"description": "The members of a GeometryCollection (at least one)."},
    )
