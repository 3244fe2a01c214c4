"""What a viewer may see of a record's place: the geometry they get, built on the access rules.

The other columns a viewer may see come from observations.columns.record_columns.
"""

from __future__ import annotations

from fieldapp.access import Viewer, exact_sql, shared_sql


def visible_geometry_sql(viewer: Viewer, alias: str = "o") -> str:
    """The geometry this viewer gets: precise where allowed, otherwise the public geometry; none at all
    for a record its holders do not share with the viewer (withdrawn, or kept by its dataset's agreement).
    Exact where access.exact_sql allows: those who manage the record, or hold a grant for its dataset."""
    allowed = exact_sql(viewer, alias)
    if allowed == "false":
        geometry = f"{alias}.public_geom"
    elif allowed == "true":
        geometry = f"{alias}.geom"
    else:
        geometry = f"CASE WHEN {allowed} THEN {alias}.geom ELSE {alias}.public_geom END"
    shared = shared_sql(viewer, alias)
    return geometry if shared == "true" else f"CASE WHEN {shared} THEN {geometry} END"
