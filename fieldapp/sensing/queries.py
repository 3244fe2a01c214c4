"""Sensing in SQL: per source and time bin, how much was looked at and what was found, as the viewer may see it.

A record counts where the viewer may see it (visible_geometry_sql: the public geometry, generalised
cells included, unless the viewer may see it precisely) and only if they may see it at all
(see_record_sql). Its time interval decides its bins: a record inside one bin counts there; a record
whose interval spans several bins (a decade's notebook in 5-year bins) is spread over them with
equal weights that sum to one, and the share so spread is kept so the page can mark it. Only
unspread records give quantities, which would otherwise be placed in a bin they do not claim.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, see_record_sql, viewer_params
from fieldapp.db import planner_settings
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.observations import wording
from fieldapp.observations.abundance import rank_sql
from fieldapp.observations.columns import record_columns
from fieldapp.observations.queries import FROM_SQL
from fieldapp.sensing.question import SensingQuery
from fieldapp.subjects.queries import named_subject_ids, subject_match_ids_sql, subject_match_sql

# Stated trends shown at most, newest last (a dataset of thousands of statements is summarised per source).
MAX_STATEMENTS = 300
# Degrees (about 7 to 11 m in the park): a record whose box lies this far inside the question's box is in it.
BOX_MARGIN = 1e-4


def _where(viewer: Viewer, query: SensingQuery) -> tuple[str, dict[str, Any]]:
    """Which records a question reads: seen by the viewer, in the box and period, from the chosen sources."""
    geometry = visible_geometry_sql(viewer, gated=False)  # see_record_sql below holds the gate
    envelope = "ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)"
    inside = f"ST_Intersects({geometry}, {envelope})"
    minx, miny, maxx, maxy = query.bbox
    if min(maxx - minx, maxy - miny) > 4 * BOX_MARGIN:
        # A geometry whose bounding box lies inside the box shrunk by the margin is inside the box: the
        # cheap box test (`@`) answers for nearly every record of a large box, ST_Intersects for the rest.
        # The margin is far wider than the rounding of PostGIS's float boxes (outwards, under a metre),
        # so the answer is ST_Intersects' own, record for record.
        inner = "ST_MakeEnvelope(:minx + :margin, :miny + :margin, :maxx - :margin, :maxy - :margin, 4326)"
        inside = f"({geometry} @ {inner} OR {inside})"
    if geometry == "o.public_geom":
        place = f"o.public_geom && {envelope} AND {inside}"  # the index's test, now outside ST_Intersects
    else:
        # Either geometry's index can find the row; the test is on the one this viewer sees.
        place = f"(o.public_geom && {envelope} OR o.geom && {envelope}) AND {inside}"
    clauses = [
        see_record_sql(viewer),
        place,
        "o.observed_start < :until AND coalesce(o.observed_end, o.observed_start) >= :since",
    ]
    if query.area:
        # Inside the drawn area or cell: a generalised cell that only touches its edge is a neighbour's.
        shape = "ST_GeomFromText(:area, 4326)"
        clauses.append(f"ST_Intersects({geometry}, {shape}) AND NOT ST_Touches({geometry}, {shape})")
    if query.months:
        clauses.append(SEASON_SQL)
    params: dict[str, Any] = viewer_params(viewer) | dict(
        zip(("minx", "miny", "maxx", "maxy"), query.bbox, strict=True)
    )
    params |= {
        "since": datetime(query.bins[0], 1, 1, tzinfo=UTC),
        "until": datetime(query.last_year + 1, 1, 1, tzinfo=UTC),
        "subject": query.subject,
        "margin": BOX_MARGIN,
    }
    if query.area:
        params["area"] = query.area
    if query.months:
        params["months"] = list(query.months)
    if query.kinds:
        clauses.append("o.dataset_id IN (SELECT id FROM dataset WHERE knowledge_kind = ANY(:kinds))")
        params["kinds"] = query.kinds
    if query.datasets:
        clauses.append("o.dataset_id IN (SELECT id FROM dataset WHERE slug = ANY(:datasets))")
        params["datasets"] = query.datasets
    return " AND ".join(clauses), params


# A record lies in the season when its stated season months meet it or, with none stated, when every
# month of its interval (shorter than a year, and not wrapping round to its first month) is in it: a
# record known only to its year or decade does not claim a season, so it is left out.
_START_MONTH = "date_part('month', o.observed_start AT TIME ZONE 'UTC')::int"
_END_MONTH = "date_part('month', coalesce(o.observed_end, o.observed_start) AT TIME ZONE 'UTC')::int"
_END = "coalesce(o.observed_end, o.observed_start)"
SEASON_SQL = f"""(CASE WHEN coalesce(cardinality(o.season_months), 0) > 0
      THEN o.season_months && CAST(:months AS smallint[])
    WHEN {_END} >= o.observed_start + interval '1 year'
      OR ({_START_MONTH} = {_END_MONTH} AND {_END} >= o.observed_start + interval '1 month')
      THEN false
    ELSE (SELECT bool_and(({_START_MONTH} - 1 + k) % 12 + 1 = ANY(CAST(:months AS int[])))
            FROM generate_series(0, ({_END_MONTH} - {_START_MONTH} + 12) % 12) AS k) END)"""


# A record's first and last year (UTC), and its first and last bin from them, as offsets from the axis'
# first bin (floor division, so a record starting before the axis gets a negative offset and its share
# outside the axis is not counted).
_YEAR = "date_part('year', {} AT TIME ZONE 'UTC')::int"
_FIRST = "floor((first_year - :first_bin) / CAST(:b AS float8))::int"
_LAST = "floor((last_year - :first_bin) / CAST(:b AS float8))::int"


def bin_rows(session: Session, viewer: Viewer, query: SensingQuery) -> list[dict[str, Any]]:
    """One row per dataset and bin (scale NULL, with effort and findings) and per scale used (median class).

    One scan, hashed in parallel: records are grouped by dataset, first and last year, what they found
    (0: another subject, 1: the subject present, 2: the subject absent), count and abundance class, a few
    thousand groups of plain counts. Every record's expressions are computed once, as grouping keys (the
    subject's match had been computed five times a record, once in each expression and filter naming it);
    those groups are regrouped by bin, shared out over their bins, and medians are taken over the groups
    inside one bin, each value repeated as often as it was recorded.
    """
    where, params = _where(viewer, query)
    params |= {"first_bin": query.bins[0], "b": query.bin_years, "last_i": len(query.bins) - 1}
    params["subject_ids"] = named_subject_ids(session, query.subject)
    sql = f"""
        WITH found AS (
          SELECT o.dataset_id, {_YEAR.format("o.observed_start")} AS first_year,
                 {_YEAR.format("coalesce(o.observed_end, o.observed_start)")} AS last_year,
                 CASE WHEN {subject_match_ids_sql()} THEN CASE o.occurrence_status WHEN 'present' THEN 1 ELSE 2 END
                      ELSE 0 END AS finding,
                 o.count, o.abundance_scale, o.abundance_value, count(*) AS n
            FROM observation o
           WHERE {where}
           GROUP BY 1, 2, 3, 4, 5, 6, 7
        ),
        spans AS (
          SELECT dataset_id, {_FIRST} AS first_i, {_LAST} AS last_i,
                 CASE WHEN finding = 1 THEN count END AS value,
                 CASE WHEN finding = 1 THEN abundance_scale END AS scale,
                 CASE WHEN finding = 1 THEN {rank_sql("found")} END AS rank,
                 sum(n)::bigint AS n, coalesce(sum(n) FILTER (WHERE finding = 1), 0)::bigint AS present,
                 coalesce(sum(n) FILTER (WHERE finding = 2), 0)::bigint AS absent
            FROM found
           GROUP BY 1, 2, 3, 4, 5, 6
        ),
        bins AS (
          SELECT dataset_id, i, sum(n * share)::float AS effort,
                 coalesce(sum(n * share) FILTER (WHERE last_i > first_i), 0)::float AS spread,
                 sum(present * share)::float AS present, sum(absent * share)::float AS absent
            FROM (SELECT *, 1.0 / (last_i - first_i + 1) AS share FROM spans) s
           CROSS JOIN LATERAL generate_series(greatest(first_i, 0), least(last_i, :last_i)) AS i
           GROUP BY dataset_id, i
        ),
        counted AS (
          SELECT dataset_id, first_i AS i, percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median_count,
                 count(*) AS counts
            FROM spans CROSS JOIN LATERAL generate_series(1, present) AS copy
           WHERE first_i = last_i AND value IS NOT NULL
           GROUP BY 1, 2
        ),
        ranked AS (
          SELECT dataset_id, first_i AS i, scale, percentile_disc(0.5) WITHIN GROUP (ORDER BY rank) AS median_rank,
                 count(*) AS ranks
            FROM spans CROSS JOIN LATERAL generate_series(1, present) AS copy
           WHERE first_i = last_i AND rank IS NOT NULL
           GROUP BY 1, 2, 3
        )
        SELECT b.dataset_id, :first_bin + b.i * :b AS bin, NULL AS scale, true AS whole_bin, b.effort, b.spread,
               b.present, b.absent, c.median_count, coalesce(c.counts, 0) AS counts, NULL AS median_rank, 0 AS ranks
          FROM bins b LEFT JOIN counted c USING (dataset_id, i)
        UNION ALL
        SELECT dataset_id, :first_bin + i * :b, scale, false, 0, 0, 0, 0, NULL, 0, median_rank, ranks
          FROM ranked WHERE i BETWEEN 0 AND :last_i
    """
    # The planner cannot estimate how few (dataset, first, last bin) groups there are (a few thousand, not
    # the 100,000 it guesses), so it would sort every record on disk: hashing needs no sort. JIT would
    # compile for longer than the grouping runs (FIELD-NOTES: PostGIS and JIT).
    settings = {"enable_sort": "off", "enable_incremental_sort": "off", "work_mem": "64MB", "jit": "off"}
    if query.whole_park:
        # The park's box holds (nearly) every record: the planner still chose to read the whole GiST index
        # into a bitmap first (its cost of ST_Intersects per row is the same either way), about a third of
        # the statement's time at 1,000,000 rows. Reading the table in order finds the same rows.
        settings["enable_bitmapscan"] = "off"
    with planner_settings(session, **settings):
        return [dict(r) for r in session.execute(text(sql), params).mappings()]


def stated_trends(session: Session, viewer: Viewer, query: SensingQuery) -> list[dict[str, Any]]:
    """Statements of a trend about the subject, with the interval they speak about and their credit line."""
    where, params = _where(viewer, query)
    columns = record_columns(viewer)
    sql = f"""
        SELECT o.dataset_id, o.trend, o.observed_start, coalesce(o.observed_end, o.observed_start) AS observed_end,
               o.time_precision, o.season_months, {wording.SEASON_SQL} AS season, {columns["attribution"]} AS credit
          FROM {FROM_SQL}
         WHERE {where} AND o.trend IS NOT NULL AND {subject_match_sql()}
         ORDER BY o.observed_start, o.id
         LIMIT {MAX_STATEMENTS}
    """
    return [dict(r._mapping) for r in session.execute(text(sql), params)]


def grid_cell(session: Session, lon: float, lat: float, cell_m: float, metric_srid: int) -> tuple[str, tuple]:
    """The park grid's cell (the generalisation grid) holding a point: its WKT and bounds in EPSG:4326."""
    sql = """
        SELECT ST_AsText(g) AS wkt, ST_XMin(g) AS minx, ST_YMin(g) AS miny, ST_XMax(g) AS maxx, ST_YMax(g) AS maxy
          FROM (SELECT ST_Transform(ST_MakeEnvelope(floor(ST_X(p) / :m) * :m, floor(ST_Y(p) / :m) * :m,
                                                    floor(ST_X(p) / :m) * :m + :m, floor(ST_Y(p) / :m) * :m + :m,
                                                    :srid), 4326) AS g
                  FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :srid) AS p) AS point) AS cell
    """
    row = session.execute(text(sql), {"lon": lon, "lat": lat, "m": cell_m, "srid": metric_srid}).one()
    return row.wkt, (row.minx, row.miny, row.maxx, row.maxy)


def season_words(session: Session, months: tuple[int, ...]) -> str | None:
    """The season in the words record pages use (observations.wording), e.g. 'June to August'."""
    sql = f"SELECT {wording.SEASON_SQL} FROM (SELECT CAST(:months AS smallint[]) AS season_months) AS o"
    return session.execute(text(sql), {"months": list(months)}).scalar()


def datasets(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Title, slug and kind of the datasets the rows name."""
    rows = session.execute(
        text("SELECT id, slug, title, knowledge_kind FROM dataset WHERE id = ANY(:ids)"), {"ids": sorted(ids)}
    )
    return {r.id: dict(r._mapping) for r in rows}
