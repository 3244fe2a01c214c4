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


def lean_feature_sql(id_sql: str, geometry_sql: str, properties: dict[str, str]) -> str:
    """Like feature_sql, but a property whose value is NULL is left out of the Feature.

    The properties object is written as text: concat_ws skips the NULL pairs (to_json of NULL is NULL),
    which is cheaper than building every pair and stripping the nulls after; only the top level is
    concerned (a null inside a nested value, such as an imported attribute, stays). The names are the
    caller's fixed column names, never user input.
    """
    pairs = ", ".join(f"'{json.dumps(name)}:' || to_json({expr})::text" for name, expr in properties.items())
    return (
        f"json_build_object('type', 'Feature', 'id', {id_sql}, "
        f"'geometry', {geometry_json_sql(geometry_sql)}, 'properties', ('{{' || concat_ws(',', {pairs}) || '}}')::json)"
    )


def feature_collection(features_json: str, raw: dict[str, str] | None = None, **members: Any) -> str:
    """Wrap a SQL-built JSON array of features as a FeatureCollection without parsing it.

    `raw` holds further members whose values are JSON text already (built by SQL), kept as they are."""
    head = json.dumps({"type": "FeatureCollection", **members})
    extra = "".join(f", {json.dumps(name)}: {value}" for name, value in (raw or {}).items())
    return head[:-1] + extra + ', "features": ' + features_json + "}"
