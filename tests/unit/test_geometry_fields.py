"""Incoming GeoJSON geometry: each check of fieldapp.geo.fields on its own, and the repair rule."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon

from fieldapp.geo.fields import Geometry, parse_geometry
from fieldapp.geo.repair import geometry_kind
from fieldapp.rules import MAX_VERTICES

SQUARE = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
BOW_TIE = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


VALID = [
    point(-2.15, 49.19),
    {"type": "Point", "coordinates": [-2.15, 49.19, 12.5]},
    point(-180, -90),
    point(180, 90),
    {"type": "MultiPoint", "coordinates": [[0, 0], [1, 1]]},
    {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
    {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]], [[2, 2], [3, 3]]]},
    {"type": "Polygon", "coordinates": [SQUARE]},
    {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 1]]]},
    {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[5, 5], [6, 5], [6, 6], [5, 5]]]]},
    {
        "type": "GeometryCollection",
        "geometries": [point(0, 0), {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}],
    },
]


@pytest.mark.parametrize("value", VALID, ids=lambda v: v["type"])
def test_valid_geometry_is_kept_as_is(value):
    checked = parse_geometry(value)
    assert checked.shape.geom_type == value["type"]
    assert checked.shape.is_valid
    assert checked.repair_note is None


# (case id, geometry, words the message must contain)
INVALID = [
    ("not an object", [0, 0], "GeoJSON geometry object"),
    ("a string", "POINT (0 0)", "GeoJSON geometry object"),
    ("no type", {"coordinates": [0, 0]}, "Unknown geometry type"),
    ("unknown type", {"type": "Circle", "coordinates": [0, 0]}, "'Circle'"),
    ("a Feature is not a geometry", {"type": "Feature", "geometry": point(0, 0)}, "'Feature'"),
    ("no coordinates", {"type": "Point"}, "needs 'coordinates'"),
    ("position too short", {"type": "Point", "coordinates": [1]}, "[longitude, latitude]"),
    ("position too long", {"type": "Point", "coordinates": [1, 2, 3, 4]}, "[longitude, latitude]"),
    ("position not a list", {"type": "Point", "coordinates": "1,2"}, "[longitude, latitude]"),
    ("string coordinate", point("1", 2), "finite numbers"),
    ("null coordinate", point(None, 2), "finite numbers"),
    ("boolean coordinate", point(True, 2), "finite numbers"),
    ("NaN", point(float("nan"), 2), "finite numbers"),
    ("Infinity", point(0, float("inf")), "finite numbers"),
    ("-Infinity", point(float("-inf"), 0), "finite numbers"),
    ("longitude below -180", point(-180.0001, 0), "Longitude -180.0001 is out of range"),
    ("longitude above 180", point(200, 0), "Longitude 200 is out of range"),
    ("latitude below -90", point(0, -91), "Latitude -91 is out of range"),
    ("latitude above 90", point(0, 90.5), "Latitude 90.5 is out of range"),
    ("lat/lon swapped out of range", point(49.19, -182.15), "Latitude -182.15"),
    (
        "out of range in a ring",
        {"type": "Polygon", "coordinates": [[[0, 0], [190, 0], [1, 1], [0, 0]]]},
        "Longitude 190",
    ),
    ("line of one position", {"type": "LineString", "coordinates": [[0, 0]]}, "at least 2 positions"),
    ("empty MultiPoint", {"type": "MultiPoint", "coordinates": []}, "non-empty array"),
    ("empty MultiPolygon", {"type": "MultiPolygon", "coordinates": []}, "non-empty array"),
    ("polygon without rings", {"type": "Polygon", "coordinates": []}, "at least one ring"),
    (
        "ring of 3 positions",
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
        "Ring 0 has fewer than 4 positions",
    ),
    (
        "hole of 3 positions",
        {"type": "Polygon", "coordinates": [SQUARE, [[0.2, 0.2], [0.3, 0.3], [0.2, 0.2]]]},
        "Ring 1 has fewer than 4 positions",
    ),
    ("unclosed ring", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "Ring 0 is not closed"),
    (
        "unclosed ring in a MultiPolygon",
        {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 2]]]]},
        "not closed",
    ),
    ("empty GeometryCollection", {"type": "GeometryCollection", "geometries": []}, "at least one geometry"),
    ("GeometryCollection without geometries", {"type": "GeometryCollection"}, "at least one geometry"),
    (
        "nested empty GeometryCollection",
        {"type": "GeometryCollection", "geometries": [{"type": "GeometryCollection", "geometries": []}]},
        "at least one geometry",
    ),
    ("bad member of a GeometryCollection", {"type": "GeometryCollection", "geometries": [point(0, 95)]}, "Latitude 95"),
    ("2D and 3D positions mixed", {"type": "LineString", "coordinates": [[0, 0], [1, 1, 5]]}, "same number"),
    (
        "zero-area ring (repair would make a line)",
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]},
        "cannot be repaired",
    ),
    (
        "zero-area part of a MultiPolygon",
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[5, 5], [6, 5], [7, 5], [5, 5]]]]},
        "cannot be repaired",
    ),
    ("line of one repeated point", {"type": "LineString", "coordinates": [[0, 0], [0, 0]]}, "cannot be repaired"),
]


@pytest.mark.parametrize(("value", "words"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_geometry_is_rejected_with_a_clear_message(value, words):
    with pytest.raises(ValidationError) as caught:
        parse_geometry(value)
    assert words in str(caught.value.messages)


def test_vertex_limit_counts_every_position_of_every_part():
    at_limit = {"type": "LineString", "coordinates": [[i * 1e-4, 0] for i in range(MAX_VERTICES)]}
    assert len(parse_geometry(at_limit).shape.coords) == MAX_VERTICES
    half = [[i * 1e-4, 1] for i in range(MAX_VERTICES // 2 + 1)]
    over = {"type": "MultiLineString", "coordinates": [half, half]}
    with pytest.raises(ValidationError, match="more than 100,000 vertices"):
        parse_geometry(over)


def test_self_intersecting_polygon_is_repaired_into_the_same_kind_with_a_note():
    checked = parse_geometry({"type": "Polygon", "coordinates": [BOW_TIE]})
    assert isinstance(checked.shape, MultiPolygon)
    assert checked.shape.is_valid
    assert len(checked.shape.geoms) == 2
    assert checked.shape.area == pytest.approx(0.5)
    assert "Self-intersection" in checked.repair_note
    assert "make_valid" in checked.repair_note and "MultiPolygon" in checked.repair_note


def test_overlapping_multipolygon_is_repaired_and_noted():
    first = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    second = [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]
    checked = parse_geometry({"type": "MultiPolygon", "coordinates": [[first], [second]]})
    assert checked.shape.is_valid
    assert geometry_kind(checked.shape) == "area"
    assert checked.shape.area == pytest.approx(7)
    assert checked.repair_note and "MultiPolygon" in checked.repair_note


def test_polygon_with_a_spike_loses_the_spike_and_stays_a_polygon():
    spiked = [[0, 0], [1, 0], [1, 1], [1, 2], [1, 1], [0, 1], [0, 0]]
    checked = parse_geometry({"type": "Polygon", "coordinates": [spiked]})
    assert checked.shape.equals(Polygon(SQUARE))
    assert "Ring Self-intersection" in checked.repair_note


@pytest.mark.parametrize(
    ("shape", "kind"),
    [
        (Point(0, 0), "point"),
        (LineString([(0, 0), (1, 1)]), "line"),
        (Polygon(SQUARE), "area"),
        (MultiPolygon([Polygon(SQUARE)]), "area"),
        (GeometryCollection([Point(0, 0), Point(1, 1)]), "point"),
        (GeometryCollection([Polygon(SQUARE), LineString([(0, 0), (1, 1)])]), "mixed"),
    ],
)
def test_geometry_kind(shape, kind):
    assert geometry_kind(shape) == kind


def test_marshmallow_field_loads_and_dumps_geojson():
    field = Geometry()
    checked = field.deserialize(point(-2.15, 49.19))
    assert checked.shape.equals(Point(-2.15, 49.19))
    assert field._serialize(checked, "geometry", None) == {"type": "Point", "coordinates": (-2.15, 49.19)}
    assert field._serialize(None, "geometry", None) is None
    with pytest.raises(ValidationError, match="out of range"):
        field.deserialize(point(0, 100))
