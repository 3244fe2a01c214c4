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
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.observations.abundance import rank_sql
from fieldapp.observations.columns import record_columns
from fieldapp.observations.queries import FROM_SQL
from fieldapp.sensing.question import SensingQuery
from fieldapp.subjects.queries import subject_match_sql

# Stated trends shown at most, newest last (a dataset of thousands of statements is summarised per source).
MAX_STATEMENTS = 300


def _where(viewer: Viewer, query: SensingQuery) -> tuple[str, dict[str, Any]]:
    """Which records a question reads: seen by the viewer, in the box and period, from the chosen sources."""
    geometry = visible_geometry_sql(viewer)
    envelope = "ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)"
    hint = f"o.public_geom && {envelope}"
    if geometry != "o.public_geom":
        hint = f"({hint} OR o.geom && {envelope})"
    clauses = [
        see_record_sql(viewer),
        f"{hint} AND ST_Intersects({geometry}, {envelope})",
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
        clauses.append("d.knowledge_kind = ANY(:kinds)")
        params["kinds"] = query.kinds
    if query.datasets:
        clauses.append("d.slug = ANY(:datasets)")
        params["datasets"] = query.datasets
    return " AND ".join(clauses), params


def bin_rows(session: Session, viewer: Viewer, query: SensingQuery) -> list[dict[str, Any]]:
    """One row per dataset and bin (scale NULL, with effort and counts) and per scale used (median class)."""
    where, params = _where(viewer, query)
    year = "extract(year FROM {} AT TIME ZONE 'UTC')::int"
    sql = f"""
        WITH recs AS (
          SELECT o.dataset_id, o.occurrence_status = 'present' AS present, o.count, o.abundance_scale,
                 {rank_sql()} AS rank, {subject_match_sql()} AS is_subject,
                 floor(({year.format("o.observed_start")} - :first_bin) / CAST(:b AS numeric))::int AS first_i,
                 floor(({year.format("coalesce(o.observed_end, o.observed_start)")} - :first_bin)
                       / CAST(:b AS numeric))::int AS last_i
            FROM observation o JOIN dataset d ON d.id = o.dataset_id
           WHERE {where}
        ),
        binned AS (
          SELECT r.*, :first_bin + i * :b AS bin, 1.0 / (last_i - first_i + 1) AS weight, last_i > first_i AS spread
            FROM recs r CROSS JOIN LATERAL generate_series(greatest(first_i, 0), least(last_i, :last_i)) AS i
        )
        SELECT dataset_id, bin, abundance_scale AS scale, GROUPING(abundance_scale) = 1 AS whole_bin,
               sum(weight)::float AS effort,
               coalesce(sum(weight) FILTER (WHERE spread), 0)::float AS spread,
               coalesce(sum(weight) FILTER (WHERE is_subject AND present), 0)::float AS present,
               coalesce(sum(weight) FILTER (WHERE is_subject AND NOT present), 0)::float AS absent,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY count)
                 FILTER (WHERE is_subject AND present AND NOT spread) AS median_count,
               count(count) FILTER (WHERE is_subject AND present AND NOT spread) AS counts,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY rank)
                 FILTER (WHERE is_subject AND present AND NOT spread) AS median_rank,
               count(rank) FILTER (WHERE is_subject AND present AND NOT spread) AS ranks
          FROM binned
         GROUP BY GROUPING SETS ((dataset_id, bin), (dataset_id, bin, abundance_scale))
         ORDER BY dataset_id, bin
    """
    first_bin = query.bins[0]
    params |= {"first_bin": first_bin, "b": query.bin_years, "last_i": len(query.bins) - 1}
    # JIT compiles for longer than this grouping runs (FIELD-NOTES: PostGIS and JIT).
    session.execute(text("SELECT set_config('jit', 'off', true)"))
    return [dict(r._mapping) for r in session.execute(text(sql), params)]


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
