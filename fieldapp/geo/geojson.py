"""SQL builders for GeoJSON: features are made by PostGIS, never in a Python loop."""

from __future__ import annotations

import json
from typing import Any

# Seven decimals of a degree are about 1 cm: more is noise, fewer loses field precision.
COORDINATE_DECIMALS = 7


def geometry_json_sql(geometry_sql: str) -> str:
    """A SQL expression turning a geometry into a GeoJSON geometry (NULL stays NULL)."""
    return f"ST_AsGeoJSON({geometry_sql}, {COORDINATE_DECIMALS})::json"


def feature_sql(id_sql: str, geometry_sql: str, properties: dict[str, str]) -> str:
    """A SQL expression building one GeoJSON Feature from column expressions."""
    pairs = ", ".join(f"'{name}', {expr}" for name, expr in properties.items())
    return (
        f"json_build_object('type', 'Feature', 'id', {id_sql}, "
        f"'geometry', {geometry_json_sql(geometry_sql)}, 'properties', json_build_object({pairs}))"
    )


def feature_collection(features_json: str, **members: Any) -> str:
    """Wrap a SQL-built JSON array of features as a FeatureCollection without parsing it."""
    head = json.dumps({"type": "FeatureCollection", **members})
    return head[:-1] + ', "features": ' + features_json + "}"
