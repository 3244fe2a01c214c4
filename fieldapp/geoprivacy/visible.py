"""What a viewer may see of a record's place: the geometry they get, built on the access rules.

The other columns a viewer may see come from observations.columns.record_columns.
"""

from __future__ import annotations

from fieldapp.access import Viewer, exact_sql, shared_sql


def visible_geometry_sql(viewer: Viewer, alias: str = "o", gated: bool = True) -> str:
    """The geometry this viewer gets: precise where allowed, otherwise the public geometry; none at all
    for a record its holders do not share with the viewer (withdrawn, or kept by its dataset's agreement).
    Exact where access.exact_sql allows: those who manage the record, or hold a grant for its dataset.

    `gated=False` leaves out the last test (shared_sql), for a WHERE clause that holds shared_sql itself:
    the planner has statistics for a column (o.public_geom) but none for a CASE around it, and estimated
    ST_Intersects on the gated geometry as a hundredth of a percent of the rows, whatever the box."""
    allowed = exact_sql(viewer, alias)
    if allowed == "false":
        geometry = f"{alias}.public_geom"
    elif allowed == "true":
        geometry = f"{alias}.geom"
    else:
        geometry = f"CASE WHEN {allowed} THEN {alias}.geom ELSE {alias}.public_geom END"
    shared = shared_sql(viewer, alias) if gated else "true"
    return geometry if shared == "true" else f"CASE WHEN {shared} THEN {geometry} END"
