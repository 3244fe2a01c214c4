"""Mapbox Vector Tiles of observations built by PostGIS, from public geometry only.

Zoom 13 and above: every matching feature, clipped by ST_AsMVTGeom, with its review tally.
Zoom 12 and below: points come as counts per grid cell from the map_cell aggregate (kept on
write, see fieldapp/sql/functions/fieldapp_map_observation_changed.sql); lines and areas, which
are few, still come as shapes through a partial index. A record's layer follows the geometry the
public sees (a generalised record is its cells, an area), never its hidden kind. The aggregate knows datasets and kinds
only: a subject, time, bbox, review or shape filter at a low zoom counts the matching raw rows of
the tile on the fly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS
from fieldapp.datasets.queries import agreement_labels_sql
from fieldapp.db import cached_text, no_jit
from fieldapp.errors import BadRequest
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.maps.queries import dataset_where_sql
from fieldapp.observations.columns import record_columns
from fieldapp.observations.queries import FROM_SQL, ObservationFilter, where_sql
from fieldapp.observations.review import corroboration_sql
from fieldapp.observations.wording import SEASON_CODE_SQL, SEASON_SQL, WHEN_CODE_SQL, WHEN_SQL

# Changing what a tile holds changes this, so no cached tile outlives a new format.
TILE_FORMAT = "obs-tile-8"
EXTENT, BUFFER = 4096, 64
MAX_ZOOM, AGGREGATE_MAX_ZOOM = 22, 12
# Tiles at zoom z show counts on a grid of level z + CELL_SHIFT (32 x 32 cells per tile).
CELL_SHIFT = 5
# The grid levels kept in map_cell (fieldapp/sql/functions/fieldapp_map_cells.sql; a test checks they agree).
STORED_LEVELS = (5, 8, 11, 14, 17)
SHAPES = {"point": "= 0", "line": "= 1", "area": "= 2"}
HALF = 20037508.342789244
WORLD = 2 * HALF

# A count, a value on a scale or the words given; the trend is a popup row of its own.
QUANTITY_SQL = """CASE WHEN o.occurrence_status = 'absent' THEN 'absent'
    ELSE nullif(concat_ws(', ', o.count::text,
      CASE WHEN o.abundance_scale IS NOT NULL THEN o.abundance_value || ' (' || o.abundance_scale || ')' END,
      CASE WHEN o.count IS NULL AND o.abundance_scale IS NULL THEN o.abundance_verbatim END), '') END"""
# Tiles are public and cached: whoever asks, they hold what anonymous visitors may see.
_SEEN = record_columns(ANONYMOUS)
SEEN_GEOMETRY = visible_geometry_sql(ANONYMOUS)
# What the spatial and partial indexes hold: the public geometry (SEEN_GEOMETRY is it, for every record
# the tile's WHERE, holding access.shared_sql, lets through).
INDEXED_GEOMETRY = "o.public_geom"
# A small attribute set: what a popup shows, nothing more.
ATTRIBUTES_SQL = {
    "id": "o.id::text",
    "dataset": _SEEN["dataset"],
    "kind": _SEEN["knowledge_kind"],
    "subject": f"coalesce({_SEEN['scientific_name']}, {_SEEN['subject_text']})",
    "subject_text": f"CASE WHEN {_SEEN['scientific_name']} IS NOT NULL THEN {_SEEN['subject_text']} END",
    # The named place, for a public record at a public place only (a precise field: tiles are public).
    "place": f"({_SEEN['place']})->>'name'",
    "when": WHEN_SQL,
    "season": SEASON_SQL,
    # The same as codes, worded in the page's language by the popup (static/js/folium-glue.js).
    "when_code": WHEN_CODE_SQL,
    "season_code": SEASON_CODE_SQL,
    "quantity": QUANTITY_SQL,
    "trend": "o.trend",
    "attribution": _SEEN["attribution"],
    # Nobody known to credit (NULL, so left out, otherwise): the popup says so in the page's language.
    "uncredited": f"CASE WHEN {_SEEN['recorded_by']} IS NULL THEN true END",
    # The dataset's Traditional Knowledge / Biocultural labels, by name.
    "terms": agreement_labels_sql(),
    "note": f"left({_SEEN['notes']}, 120)",
    # The dataset's own fields as anyone may see them (a sensitive one withheld), as JSON text (a tile's
    # values are scalars): the popup labels them from the dataset's form in the page's language.
    "fields": f"""nullif(CAST({_SEEN["fields"]} AS text), '{{}}')""",
    # The form version the record was made with: the popup labels its fields from that version, not the latest.
    "form_version": "o.form_version",
    "generalised": f"{_SEEN['visibility']} = 'generalised'",
    # The review tally as people per kind, NULL (so left out of the tile) when nobody has.
    "corroborated": "review.corroborated",
    "questioned": "review.questioned",
}
# One index lookup per feature gives both counts, the same people-count as observations.review.tally_sql.
REVIEW_JOIN_SQL = f"""LEFT JOIN LATERAL (SELECT
      nullif(count(DISTINCT a.contributor_id) FILTER (WHERE {corroboration_sql()}), 0)::integer AS corroborated,
      nullif(count(DISTINCT a.contributor_id) FILTER (WHERE a.kind = 'question'), 0)::integer AS questioned
    FROM annotation a WHERE a.observation_id = o.id) AS review ON true"""


@dataclass(frozen=True)
class TileRequest:
    """One tile: its address, the list filters, and optionally one geometry class."""

    z: int
    x: int
    y: int
    filters: ObservationFilter
    shape: str | None = None


def check_address(z: int, x: int, y: int) -> None:
    """Reject tile addresses outside the tile pyramid."""
    if not 0 <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        message = f"no tile {z}/{x}/{y}: zoom 0..{MAX_ZOOM}, x and y in 0..2^zoom - 1"
        raise BadRequest(f"Tile address: {message}", [{"path": "z/x/y", "message": message}])


def parse_shape(raw: str | None) -> str | None:
    """Read the optional geometry class (point, line, area)."""
    if raw in (None, ""):
        return None
    if raw not in SHAPES:
        message = f"{raw!r} is not one of {', '.join(SHAPES)}"
        raise BadRequest(f"Parameter 'shape': {message}", [{"path": "shape", "message": message}])
    return raw


def uses_aggregate(tile: TileRequest) -> bool:
    """Low-zoom point counts come from map_cell unless a filter needs the raw rows."""
    f = tile.filters
    # The aggregate knows datasets and kinds only: a shape filter (like the others) counts the raw rows.
    return (
        tile.z <= AGGREGATE_MAX_ZOOM
        and tile.shape is None
        and f.subject is None
        and f.interval is None
        and f.bbox is None
        and not f.review
        and not f.field_values
    )


def layer_sqls(tile: TileRequest) -> list[tuple[str, dict[str, Any]]]:
    """The SQL of each layer the tile holds: 'counts' at low zoom, 'observations' otherwise or for shapes."""
    layers = []
    if tile.z <= AGGREGATE_MAX_ZOOM and tile.shape in (None, "point"):
        layers.append(count_layer_sql(tile) if uses_aggregate(tile) else raw_count_layer_sql(tile))
    if tile.z > AGGREGATE_MAX_ZOOM or tile.shape != "point":
        layers.append(feature_layer_sql(tile, shapes_only=tile.z <= AGGREGATE_MAX_ZOOM))
    return layers


def tile_sql(tile: TileRequest, query_string: str, known: list[str]) -> tuple[str, dict[str, Any]]:
    """One statement giving the tile's ETag, and its MVT bytes unless the ETag is among `known`.

    The ETag hashes the tile address, its query and the version of every dataset it reads
    (moved on every write, see migrations 0002 and 0007). One round trip serves both a fresh
    tile and a revalidation; the tile's subqueries run only when the CASE needs them.
    """
    where, params = dataset_where_sql(tile.filters)
    layers = layer_sqls(tile)
    for _, layer_params in layers:
        params = params | layer_params
    # MVT layers are repeated protobuf fields: concatenated tiles are one valid tile.
    body = " || ".join(f"coalesce(({sql}), ''::bytea)" for sql, _ in layers)
    sql = f"""
        WITH tag AS (
          SELECT left(encode(sha256(convert_to(:etag_key || coalesce(
                   string_agg(s.dataset_id || '.' || s.version, ',' ORDER BY s.dataset_id), ''), 'UTF8')),
                   'hex'), 32) AS etag
          FROM map_dataset_state s JOIN dataset d ON d.id = s.dataset_id WHERE {where})
        SELECT tag.etag, CASE WHEN tag.etag = ANY(CAST(:known AS text[])) THEN NULL ELSE {body} END AS tile
        FROM tag
    """
    key = "|".join((TILE_FORMAT, f"{tile.z}/{tile.x}/{tile.y}", query_string, ""))
    return sql, params | {"etag_key": key, "known": known}


def read_tile(session: Session, tile: TileRequest, query_string: str, known: list[str]) -> tuple[str, bytes | None]:
    """The tile's ETag and its bytes (None when the client's copy, one of `known`, is current)."""
    sql, params = tile_sql(tile, query_string, known)
    with no_jit(session):
        etag, body = session.execute(cached_text(sql), params).one()
    return etag, None if body is None else bytes(body)


def _shape_clause(tile: TileRequest, shapes_only: bool) -> str:
    clauses = []
    if shapes_only:  # the same predicate as the partial index, so the planner uses it
        clauses.append(f"ST_Dimension({INDEXED_GEOMETRY}) > 0")
    if tile.shape:
        # What the viewer sees decides the class: a generalised point is its cell, an area.
        clauses.append(f"ST_Dimension({INDEXED_GEOMETRY}) {SHAPES[tile.shape]}")
    return " AND ".join(clauses) or "true"


def feature_layer_sql(tile: TileRequest, shapes_only: bool = False) -> tuple[str, dict[str, Any]]:
    """SQL for the 'observations' layer: matching features, clipped to the tile."""
    # Public geometry only, whoever asks: a cached tile never carries a precise location.
    where, params = where_sql(tile.filters, ANONYMOUS)
    columns = ", ".join(f'{expr} AS "{name}"' for name, expr in ATTRIBUTES_SQL.items())
    sql = f"""
        WITH env AS (SELECT ST_TileEnvelope(:z, :x, :y) AS e),
        box AS (SELECT e, ST_Transform(ST_Expand(e, (ST_XMax(e) - ST_XMin(e)) * {BUFFER} / {EXTENT}),
                                       4326) AS b FROM env),
        features AS (
          SELECT ST_AsMVTGeom(ST_Transform({SEEN_GEOMETRY}, 3857), box.e, {EXTENT}, {BUFFER}, true) AS geom,
                 {columns}
          FROM {FROM_SQL} CROSS JOIN box {REVIEW_JOIN_SQL}
          WHERE {INDEXED_GEOMETRY} && box.b AND {_shape_clause(tile, shapes_only)} AND {where})
        SELECT ST_AsMVT(features.*, 'observations', {EXTENT}, 'geom') FROM features WHERE geom IS NOT NULL
    """
    return sql, params | {"z": tile.z, "x": tile.x, "y": tile.y}


def _cell_window(tile: TileRequest) -> dict[str, int]:
    """Which stored level to read, and the cell range of the tile at that level."""
    target = tile.z + CELL_SHIFT
    level = min(lv for lv in STORED_LEVELS if lv >= target)
    span = 2 ** (level - tile.z)
    return {
        "level": level,
        "shift": level - target,
        "target": target,
        "x0": tile.x * span,
        "x1": (tile.x + 1) * span - 1,
        "y0": tile.y * span,
        "y1": (tile.y + 1) * span - 1,
    }


def _counts_select(cells_sql: str) -> str:
    """Turn (cx, cy, n) cells at level :target into a 'counts' layer of cell-centre points."""
    return f"""
        WITH env AS (SELECT ST_TileEnvelope(:z, :x, :y) AS e),
        cells AS ({cells_sql}),
        counts AS (
          SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(
                   -{HALF} + (cells.cx + 0.5) * ({WORLD} / (1 << :target)),
                   {HALF} - (cells.cy + 0.5) * ({WORLD} / (1 << :target))), 3857),
                   env.e, {EXTENT}, 0, true) AS geom,
                 cells.n::integer AS count
          FROM cells CROSS JOIN env)
        SELECT ST_AsMVT(counts.*, 'counts', {EXTENT}, 'geom') FROM counts WHERE geom IS NOT NULL
    """


def count_layer_sql(tile: TileRequest) -> tuple[str, dict[str, Any]]:
    """SQL for the 'counts' layer read from the map_cell aggregate (no raw observation rows)."""
    # Only dataset and kind narrow the aggregate; uses_aggregate() checked the rest is unset.
    where, params = dataset_where_sql(tile.filters)
    cells = f"""
        SELECT m.cx >> :shift AS cx, m.cy >> :shift AS cy, sum(m.n) AS n
        FROM map_cell m JOIN dataset d ON d.id = m.dataset_id
        WHERE m.level = :level AND m.cx BETWEEN :x0 AND :x1 AND m.cy BETWEEN :y0 AND :y1 AND {where}
        GROUP BY 1, 2
    """
    return _counts_select(cells), params | _cell_window(tile) | {"z": tile.z, "x": tile.x, "y": tile.y}


def raw_count_layer_sql(tile: TileRequest) -> tuple[str, dict[str, Any]]:
    """SQL for the 'counts' layer aggregated on the fly, for subject, time, bbox, review or shape filters."""
    where, params = where_sql(tile.filters, ANONYMOUS)
    window = _cell_window(tile) | {"shift": 0}
    cells = f"""
        SELECT cell.cx, cell.cy, count(*) AS n
        FROM {FROM_SQL}
        CROSS JOIN LATERAL (SELECT
            floor((ST_X(p) + {HALF}) / ({WORLD} / (1 << :target)))::integer AS cx,
            floor(({HALF} - ST_Y(p)) / ({WORLD} / (1 << :target)))::integer AS cy
          FROM ST_Transform(ST_PointOnSurface({SEEN_GEOMETRY}), 3857) AS p) AS cell
        WHERE {INDEXED_GEOMETRY} && ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326)
          AND ST_Dimension({INDEXED_GEOMETRY}) = 0 AND {_shape_clause(tile, shapes_only=False)} AND {where}
        GROUP BY 1, 2
    """
    return _counts_select(cells), params | window | {"z": tile.z, "x": tile.x, "y": tile.y}


def dataset_shapes(session: Session) -> dict[str, dict[str, int]]:
    """Public feature counts per dataset slug and geometry class (from the aggregate state)."""
    sql = """
        SELECT d.slug, coalesce(s.points, 0) AS point, coalesce(s.lines, 0) AS line,
               coalesce(s.areas, 0) AS area
        FROM dataset d LEFT JOIN map_dataset_state s ON s.dataset_id = d.id
    """
    return {row.slug: {"point": row.point, "line": row.line, "area": row.area} for row in session.execute(text(sql))}
