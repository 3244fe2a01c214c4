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
from fieldapp.observations.abundance import rank_sql
from fieldapp.observations.columns import record_columns
from fieldapp.observations.queries import FROM_SQL
from fieldapp.sensing.question import SensingQuery
from fieldapp.subjects.queries import named_subject_ids, subject_match_ids_sql, subject_match_sql

# Stated trends shown at most, newest last (a dataset of thousands of statements is summarised per source).
MAX_STATEMENTS = 300


def _where(viewer: Viewer, query: SensingQuery) -> tuple[str, dict[str, Any]]:
    """Which records a question reads: seen by the viewer, in the box and period, from the chosen sources."""
    geometry = visible_geometry_sql(viewer)
    envelope = "ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)"
    place = f"ST_Intersects({geometry}, {envelope})"
    if geometry != "o.public_geom":
        # Either geometry's index can find the row; the test is on the one this viewer sees.
        place = f"(o.public_geom && {envelope} OR o.geom && {envelope}) AND {place}"
    clauses = [
        see_record_sql(viewer),
        place,
        "o.observed_start < :until AND coalesce(o.observed_end, o.observed_start) >= :since",
    ]
    params: dict[str, Any] = viewer_params(viewer) | dict(
        zip(("minx", "miny", "maxx", "maxy"), query.bbox, strict=True)
    )
    params |= {
        "since": datetime(query.bins[0], 1, 1, tzinfo=UTC),
        "until": datetime(query.last_year + 1, 1, 1, tzinfo=UTC),
        "subject": query.subject,
    }
    if query.kinds:
        clauses.append("o.dataset_id IN (SELECT id FROM dataset WHERE knowledge_kind = ANY(:kinds))")
        params["kinds"] = query.kinds
    if query.datasets:
        clauses.append("o.dataset_id IN (SELECT id FROM dataset WHERE slug = ANY(:datasets))")
        params["datasets"] = query.datasets
    return " AND ".join(clauses), params


# A record's first and last bin, as offsets from the axis' first bin (floor division, so a record
# starting before the axis gets a negative offset and its share outside the axis is not counted).
_YEAR = "date_part('year', {} AT TIME ZONE 'UTC')::int"
_FIRST = f"floor(({_YEAR.format('o.observed_start')} - :first_bin) / CAST(:b AS float8))::int"
_LAST = f"floor(({_YEAR.format('coalesce(o.observed_end, o.observed_start)')} - :first_bin) / CAST(:b AS float8))::int"


def bin_rows(session: Session, viewer: Viewer, query: SensingQuery) -> list[dict[str, Any]]:
    """One row per dataset and bin (scale NULL, with effort and findings) and per scale used (median class).

    One scan, hashed in parallel: records are grouped by dataset, first and last bin, and (for the
    subject's present records) their count or abundance class, a few thousand groups of plain counts.
    The groups are then shared out over their bins; medians are taken over the groups inside one bin,
    each value repeated as often as it was recorded.
    """
    where, params = _where(viewer, query)
    params |= {"first_bin": query.bins[0], "b": query.bin_years, "last_i": len(query.bins) - 1}
    params["subject_ids"] = named_subject_ids(session, query.subject)
    sql = f"""
        WITH spans AS (
          SELECT o.dataset_id, {_FIRST} AS first_i, {_LAST} AS last_i,
                 CASE WHEN f.found THEN o.count END AS value,
                 CASE WHEN f.found THEN o.abundance_scale END AS scale,
                 CASE WHEN f.found THEN {rank_sql()} END AS rank,
                 count(*) AS n, count(*) FILTER (WHERE f.found) AS present,
                 count(*) FILTER (WHERE s.subject AND o.occurrence_status = 'absent') AS absent
            FROM observation o
           CROSS JOIN LATERAL (SELECT {subject_match_ids_sql()} AS subject) s
           CROSS JOIN LATERAL (SELECT s.subject AND o.occurrence_status = 'present' AS found) f
           WHERE {where}
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
    with planner_settings(session, enable_sort="off", enable_incremental_sort="off", work_mem="64MB", jit="off"):
        return [dict(r) for r in session.execute(text(sql), params).mappings()]


def stated_trends(session: Session, viewer: Viewer, query: SensingQuery) -> list[dict[str, Any]]:
    """Statements of a trend about the subject, with the interval they speak about and their credit line."""
    where, params = _where(viewer, query)
    columns = record_columns(viewer)
    sql = f"""
        SELECT o.dataset_id, o.trend, o.observed_start, coalesce(o.observed_end, o.observed_start) AS observed_end,
               o.time_precision, o.season_months, {columns["attribution"]} AS credit
          FROM {FROM_SQL}
         WHERE {where} AND o.trend IS NOT NULL AND {subject_match_sql()}
         ORDER BY o.observed_start, o.id
         LIMIT {MAX_STATEMENTS}
    """
    return [dict(r._mapping) for r in session.execute(text(sql), params)]


def datasets(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Title, slug and kind of the datasets the rows name."""
    rows = session.execute(
        text("SELECT id, slug, title, knowledge_kind FROM dataset WHERE id = ANY(:ids)"), {"ids": sorted(ids)}
    )
    return {r.id: dict(r._mapping) for r in rows}
