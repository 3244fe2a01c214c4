"""The comparison in SQL: each side's public geometry assigned to grid cells, then classified per cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg.errors import QueryCanceled
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS
from fieldapp.comparison.selection import Selection, dataset_ids, selection_where
from fieldapp.errors import BadRequest, ServiceUnavailable
from fieldapp.geo.geojson import COORDINATE_DECIMALS
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.i18n import _, format_number


class TooMuchWork(BadRequest):
    """A comparison that would run too long: refused before it starts (the page shows it in the form)."""

    status = 422


# Comparisons are public: they read what anonymous visitors see, whoever asks.
SEEN_GEOMETRY = visible_geometry_sql(ANONYMOUS)
# Cell classes, named so that swapping A and B swaps the names pairwise (see SWAP).
CLASSES = (
    "both_present",
    "only_a",
    "only_b",
    "a_present_b_absent",
    "b_present_a_absent",
    "both_absent",
    "only_a_absent",
    "only_b_absent",
)
SWAP = {
    "both_present": "both_present",
    "only_a": "only_b",
    "only_b": "only_a",
    "a_present_b_absent": "b_present_a_absent",
    "b_present_a_absent": "a_present_b_absent",
    "both_absent": "both_absent",
    "only_a_absent": "only_b_absent",
    "only_b_absent": "only_a_absent",
}

_CLASSIFY = """
    CASE
      WHEN ap > 0 AND bp > 0 THEN 'both_present'
      WHEN ap > 0 AND ba > 0 THEN 'a_present_b_absent'
      WHEN bp > 0 AND aa > 0 THEN 'b_present_a_absent'
      WHEN ap > 0 THEN 'only_a'
      WHEN bp > 0 THEN 'only_b'
      WHEN aa > 0 AND ba > 0 THEN 'both_absent'
      WHEN aa > 0 THEN 'only_a_absent'
      ELSE 'only_b_absent'
    END
"""

# Points take cells by arithmetic (fast, no index needed); a point on a cell edge also takes
# the neighbouring cell(s). Lines take every cell they touch; areas every cell whose interior
# they share, so a polygon that only borders a cell is not counted in it. Coordinates are
# rounded to 1 mm so that cells generalised on the same grid line up after reprojection.
# Points are grouped per cell (and edge) first, so a million points become a few thousand rows.
_SQUARE_POINTS = """
    point_cells AS MATERIALIZED (
      SELECT side, present, i, j, x = i * :cell AS x_edge, y = j * :cell AS y_edge, count(*) AS n
        FROM (SELECT side, present, x, y, floor(x / :cell)::int AS i, floor(y / :cell)::int AS j
                FROM (SELECT side, present, round(ST_X(m) * 1000) / 1000 AS x, round(ST_Y(m) * 1000) / 1000 AS y
                        FROM (SELECT side, present, ST_Transform(public_geom, :srid) AS m
                                FROM sides WHERE GeometryType(public_geom) = 'POINT') t) p) q
       GROUP BY 1, 2, 3, 4, 5, 6
    ),
    point_touches AS (
      SELECT side, present, i, j, n FROM point_cells
      UNION ALL SELECT side, present, i - 1, j, n FROM point_cells WHERE x_edge
      UNION ALL SELECT side, present, i, j - 1, n FROM point_cells WHERE y_edge
      UNION ALL SELECT side, present, i - 1, j - 1, n FROM point_cells WHERE x_edge AND y_edge
    ),
"""
_SHAPES = """
    shapes AS (
      SELECT side, present, GeometryType(public_geom) AS gtype,
             ST_SnapToGrid(ST_Transform(public_geom, :srid), 0.001) AS g
        FROM sides WHERE public_geom IS NOT NULL {only_shapes}
    ),
    shape_touches AS (
      SELECT l.side, l.present, q.i, q.j, 1 AS n FROM shapes l CROSS JOIN LATERAL {grid}(:cell, l.g) AS q
       WHERE ST_Intersects(q.geom, l.g)
         AND (l.gtype NOT LIKE '%POLYGON' OR ST_Relate(q.geom, l.g, 'T********'))
    ),
"""
# The cells, built in SQL: as a GeoJSON features array, or as CSV lines with WKT geometry.
_CELLS_OUTPUT = {
    "geojson": """(SELECT coalesce(json_agg(json_build_object(
                    'type', 'Feature', 'id', i || '_' || j,
                    'geometry', ST_AsGeoJSON(ST_Transform({cell_geometry}, 4326), {decimals})::json,
                    'properties', json_build_object('i', i, 'j', j, 'class', class,
                                  'a_present', ap, 'a_absent', aa, 'b_present', bp, 'b_absent', ba))
                  ORDER BY i, j), '[]'::json) FROM classified)::text AS features""",
    "csv": """(SELECT coalesce(string_agg(concat_ws(',', i, j, class, ap, aa, bp, ba,
                    '"' || ST_AsText(ST_Transform({cell_geometry}, 4326), {decimals}) || '"'), E'\\n'
                  ORDER BY i, j), '') FROM classified) AS features""",
}
# The page keeps its cells for vector tiles instead: the statement stores them and answers their
# number and their box (west, south, east, north), so the page stays small whatever the data.
_CELLS_OUTPUT["tiles"] = """(SELECT json_build_object('cells', n, 'bounds', CASE WHEN n > 0 THEN
                    json_build_array(ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box)) END)
                  FROM (SELECT count(*) AS n, ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, 3857), 4326) AS box
                          FROM stored) s)::text AS features"""
_STORE_CELLS = """
        stored AS (
          INSERT INTO comparison_cell (run_id, i, j, class, a_present, a_absent, b_present, b_absent, geom)
          SELECT CAST(:run_id AS uuid), i, j, class, ap, aa, bp, ba, ST_Transform({cell_geometry}, 3857)
            FROM classified
          RETURNING geom
        ),"""
CSV_HEADER = "i,j,class,a_present,a_absent,b_present,b_absent,wkt"
_CELL_GEOMETRY = {
    "square": "ST_MakeEnvelope(i * :cell, j * :cell, (i + 1) * :cell, (j + 1) * :cell, :srid)",
    "hex": "ST_SetSRID(ST_Hexagon(:cell, i, j), :srid)",
}


# The cell sizes the page offers, and a refusal may suggest instead.
SUGGESTED_CELLS = (100, 250, 500, 1000, 2500, 5000, 10000)


@dataclass(frozen=True)
class Limits:
    """How much work one comparison may do: cell x vertex tests before it runs, seconds while it runs."""

    max_work: int
    timeout_s: int


def compare(
    session: Session,
    a: Selection,
    b: Selection,
    cell_m: float,
    shape: str,
    srid: int,
    cells_format: str = "geojson",
    limits: Limits | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """Run the comparison; returns per-class counts, coverage, side tallies and the cells as GeoJSON text."""
    ids = {"a": dataset_ids(session, "a", a), "b": dataset_ids(session, "b", b)}
    sql, params = comparison_sql(a, b, ids, cell_m, shape, srid, cells_format, run_id)
    if limits is not None:
        check_work(estimate_work(session, a, b, ids, [cell_m, *SUGGESTED_CELLS], shape, srid), limits, cell_m)
    # Grouping a million cell assignments wants hashing in memory: the planner cannot estimate how many
    # rows are points (GeometryType has no statistics) and would otherwise sort them all. ST_SquareGrid's
    # huge cost estimate would also switch on JIT compilation, which costs about a second for nothing.
    session.execute(
        text(
            "SELECT set_config('work_mem', '256MB', true), set_config('enable_sort', 'off', true),"
            " set_config('jit', 'off', true), set_config('statement_timeout', :timeout, true)"
        ),
        {"timeout": f"{limits.timeout_s}s" if limits else "0"},
    )
    try:
        return dict(session.execute(text(sql), params).one()._mapping)
    except OperationalError as exc:
        if limits is not None and isinstance(exc.orig, QueryCanceled):
            raise _too_slow(limits, cell_m) from None
        raise


def estimate_work(
    session: Session, a: Selection, b: Selection, ids: dict[str, list[int]], cells: list[float], shape: str, srid: int
) -> dict[float, int]:
    """For each cell size: cells each shape's box covers times its vertices, what the grid join will test."""
    a_where, a_params = selection_where(a, "a", ids["a"])
    b_where, b_params = selection_where(b, "b", ids["b"])
    only_shapes = "AND GeometryType(public_geom) <> 'POINT'" if shape == "square" else ""
    sql = f"""
        SELECT c.cell, coalesce(sum((floor(ST_XMax(e) / c.cell) - floor(ST_XMin(e) / c.cell) + 1)
                                  * (floor(ST_YMax(e) / c.cell) - floor(ST_YMin(e) / c.cell) + 1) * n), 0)::bigint
          FROM unnest(CAST(:cells AS float8[])) AS c(cell)
          LEFT JOIN (SELECT ST_Transform(ST_Envelope(public_geom), :srid) AS e, ST_NPoints(public_geom) AS n
                       FROM observation o
                      WHERE (({a_where}) OR ({b_where})) AND public_geom IS NOT NULL {only_shapes}) s ON true
         GROUP BY c.cell
    """
    params = {**a_params, **b_params, "cells": sorted({float(c) for c in cells}), "srid": srid}
    return {float(cell): work for cell, work in session.execute(text(sql), params)}


def check_work(work: dict[float, int], limits: Limits, cell_m: float) -> None:
    """Refuse a comparison whose grid join would run for too long, naming a cell size that would run."""
    if work[cell_m] <= limits.max_work:
        return
    fits = [cell for cell in sorted(work) if cell > cell_m and work[cell] <= limits.max_work]
    values = {
        "work": format_number(work[cell_m]),
        "cell": format_number(cell_m),
        "limit": format_number(limits.max_work),
    }
    if fits:
        message = _(
            "This comparison is too large to run: its areas and lines need about %(work)s cell-and-vertex tests at "
            "%(cell)s m cells, over the limit of %(limit)s. To compare them, choose cells of at least %(fits)s m, "
            "or narrower selections (a subject, dates or fewer datasets).",
            fits=format_number(round(fits[0])),
            **values,
        )
    else:
        message = _(
            "This comparison is too large to run: its areas and lines need about %(work)s cell-and-vertex tests at "
            "%(cell)s m cells, over the limit of %(limit)s. To compare them, choose narrower selections (a subject, "
            "dates or fewer datasets).",
            **values,
        )
    raise TooMuchWork(message, [{"path": "cell_m", "message": "too much work for this cell size"}])


def _too_slow(limits: Limits, cell_m: float) -> ServiceUnavailable:
    message = _(
        "The comparison took longer than %(seconds)s s and was stopped. Choose larger cells than %(cell)s m or "
        "narrower selections, or try again later when the server is less busy.",
        seconds=limits.timeout_s,
        cell=format_number(cell_m),
    )
    return ServiceUnavailable(message, [{"path": "cell_m", "message": "comparison timed out"}], retry_after=60)


# The summary every comparison answers: classes, coverage, presence, tallies per side and per dataset.
_SUMMARY = """-- One pass over both sides for the tallies and the per-dataset counts of the usage log.
        side_stats AS (
          SELECT side, dataset_id, count(*) AS n, count(*) FILTER (WHERE visibility = 'generalised') AS g,
                 count(*) FILTER (WHERE public_geom IS NULL) AS p
            FROM sides GROUP BY side, dataset_id
        )
        SELECT
          (SELECT coalesce(json_object_agg(class, n), '{}'::json)
             FROM (SELECT class, count(*) AS n FROM classified GROUP BY class) k)::text AS classes,
          (SELECT count(*) FROM classified WHERE ap + aa > 0) AS coverage_a,
          (SELECT count(*) FROM classified WHERE bp + ba > 0) AS coverage_b,
          (SELECT count(*) FROM classified WHERE ap > 0) AS presence_a,
          (SELECT count(*) FROM classified WHERE bp > 0) AS presence_b,
          (SELECT json_object_agg(side, json_build_object(
                    'observations', n, 'generalised', g, 'left_out_private', p))
             FROM (SELECT side, sum(n) AS n, sum(g) AS g, sum(p) AS p FROM side_stats GROUP BY side) t)::text
             AS tallies,
          (SELECT json_object_agg(dataset_id, n) FROM (SELECT dataset_id, sum(n - p) AS n FROM side_stats
             GROUP BY dataset_id) u)::text AS dataset_counts,"""


def comparison_sql(
    a: Selection,
    b: Selection,
    ids: dict[str, list[int]],
    cell_m: float,
    shape: str,
    srid: int,
    cells_format: str = "geojson",
    run_id: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The whole comparison as one statement and its parameters (`tiles` stores the cells under run_id)."""
    a_where, a_params = selection_where(a, "a", ids["a"])
    b_where, b_params = selection_where(b, "b", ids["b"])
    if shape == "square":
        touched = (
            _SQUARE_POINTS
            + _SHAPES.format(only_shapes="AND GeometryType(public_geom) <> 'POINT'", grid="ST_SquareGrid")
            + "touched AS (SELECT * FROM point_touches UNION ALL SELECT * FROM shape_touches),"
        )
    else:
        touched = _SHAPES.format(only_shapes="", grid="ST_HexagonGrid") + "touched AS (SELECT * FROM shape_touches),"
    store = _STORE_CELLS.format(cell_geometry=_CELL_GEOMETRY[shape]) if cells_format == "tiles" else ""
    sql = f"""
        WITH sides AS NOT MATERIALIZED (
          SELECT 'a' AS side, o.occurrence_status = 'present' AS present, o.visibility,
                 {SEEN_GEOMETRY} AS public_geom, o.dataset_id
            FROM observation o WHERE {a_where}
          UNION ALL
          SELECT 'b', o.occurrence_status = 'present', o.visibility, {SEEN_GEOMETRY}, o.dataset_id
            FROM observation o WHERE {b_where}
        ),
        {touched}
        cells AS (
          SELECT i, j,
                 coalesce(sum(n) FILTER (WHERE side = 'a' AND present), 0)::bigint AS ap,
                 coalesce(sum(n) FILTER (WHERE side = 'a' AND NOT present), 0)::bigint AS aa,
                 coalesce(sum(n) FILTER (WHERE side = 'b' AND present), 0)::bigint AS bp,
                 coalesce(sum(n) FILTER (WHERE side = 'b' AND NOT present), 0)::bigint AS ba
            FROM touched GROUP BY i, j
        ),
        classified AS (SELECT i, j, ap, aa, bp, ba, {_CLASSIFY} AS class FROM cells),{store}
        {_SUMMARY}
          {_CELLS_OUTPUT[cells_format].format(cell_geometry=_CELL_GEOMETRY[shape], decimals=COORDINATE_DECIMALS)}
    """
    params = {**a_params, **b_params, "cell": float(cell_m), "srid": srid}
    return sql, params | ({"run_id": run_id} if cells_format == "tiles" else {})


# A stored run's cells as one vector-tile layer; the tile is NULL when the run is unknown or expired.
_CELL_TILE_SQL = """
    SELECT CASE WHEN EXISTS (SELECT 1 FROM comparison_run WHERE id = CAST(:run_id AS uuid)) THEN
      coalesce((SELECT ST_AsMVT(t, 'cells', 4096, 'geom')
        FROM (SELECT i || '_' || j AS id, class, a_present, a_absent, b_present, b_absent,
                     ST_AsMVTGeom(c.geom, ST_TileEnvelope(:z, :x, :y), 4096, 64) AS geom
                FROM comparison_cell c
               WHERE c.run_id = CAST(:run_id AS uuid) AND c.geom && ST_TileEnvelope(:z, :x, :y, margin => 64.0 / 4096)
             ) t), ''::bytea) END
"""


def cell_tile(session: Session, run_id: str, z: int, x: int, y: int) -> bytes | None:
    """One tile of a stored comparison's cells, or None when the run is not (or no longer) kept."""
    tile = session.execute(text(_CELL_TILE_SQL), {"run_id": run_id, "z": z, "x": x, "y": y}).scalar_one()
    return None if tile is None else bytes(tile)
