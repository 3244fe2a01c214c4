"""What a viewer may see of a record's place: the geometry they get, built on the access rules.

The other columns a viewer may see come from observations.columns.record_columns.
"""

from __future__ import annotations

from fieldapp.access import Viewer, manage_sql


def visible_geometry_sql(viewer: Viewer, alias: str = "o") -> str:
    """The geometry this viewer gets: precise where allowed, otherwise the public geometry."""
    allowed = manage_sql(viewer, alias)
    if allowed == "false":
        return f"{alias}.public_geom"
    if allowed == "true":
        return f"{alias}.geom"
    return f"CASE WHEN {allowed} THEN {alias}.geom ELSE {alias}.public_geom END"
