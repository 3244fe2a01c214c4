"""A project's evaluation beside its science: records, coverage, comparisons, people, time, review, wellbeing.

Every figure is one SQL aggregate over the project's datasets, read from the rollups triggers keep
(participation_month, map_cell) where one exists, so the page stays fast with a million records.
Wellbeing is only ever an aggregate of at least rules.WELLBEING_MIN_PEOPLE people: a group smaller
than that comes back as its size alone, never its scores, to anyone (stewards and staff included).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, dataset_open_sql, resolved, shared_sql, viewer_params
from fieldapp.db import planner_settings
from fieldapp.rules import WELLBEING_MIN_PEOPLE, WELLBEING_QUESTIONS


def _datasets(viewer: Viewer) -> str:
    """The project's datasets whose agreement lets the viewer see their records (the one gate)."""
    return (
        "(SELECT pd.dataset_id FROM project_dataset pd WHERE pd.project_id = :project"
        f" AND {dataset_open_sql(viewer, 'pd.dataset_id')})"
    )


# The map aggregate's level for coverage: Web Mercator cells of about 1.6 km at Jersey's latitude.
COVERAGE_LEVEL = 14


def _rows(session: Session, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in session.execute(text(sql), params)]


def _period(year: int | None) -> tuple[date, date]:
    return (date(year, 1, 1), date(year + 1, 1, 1)) if year else (date(1000, 1, 1), date(9999, 1, 1))


def report_years(by_month: list[dict[str, Any]]) -> list[int]:
    """The years a yearly report can be asked for, from the whole project's months (no query of its own:
    a min/max over the rollup took 0.2 s of the page's 1 s with a million records)."""
    years = [m["month"].year for m in by_month]
    return list(range(min(years), max(years) + 1)) if years else []


def records_by_kind(session: Session, viewer: Viewer, project_id: int, year: int | None) -> list[dict[str, Any]]:
    """Per knowledge kind: records added, people who added them, volunteer minutes given, public map cells.

    Cells are the whole project's only (None in a yearly report): the map rollup keeps no time, and the
    year's cells from the records themselves took 3.2 s with a million records (no index on created_at)."""
    since, until = _period(year)
    sql = f"""
        WITH per_person AS (  -- grouped by dataset first: the join to dataset then meets a few thousand groups
          SELECT d.knowledge_kind AS kind, p.contributor_key, sum(p.records) AS records, sum(p.minutes) AS minutes
            FROM (SELECT dataset_id, contributor_key, sum(observations) AS records, sum(minutes) AS minutes
                    FROM participation_month
                   WHERE dataset_id IN {_datasets(viewer)} AND month >= :since AND month < :until GROUP BY 1, 2) AS p
            JOIN dataset d ON d.id = p.dataset_id
           GROUP BY 1, 2
        ),
        added AS (  -- people counted from per_person's groups: count(DISTINCT) sorted every row, on disk
          SELECT kind, sum(records)::bigint AS records, count(*) AS people, sum(minutes)::bigint AS minutes
            FROM per_person GROUP BY 1
        ),
        covered AS (  -- the map rollup has no time: a yearly report does not count cells (NULL), see below
          SELECT d.knowledge_kind AS kind, count(DISTINCT (m.cx, m.cy)) AS cells
            FROM map_cell m JOIN dataset d ON d.id = m.dataset_id
           WHERE m.dataset_id IN {_datasets(viewer)} AND m.level = :level AND m.n > 0 AND :whole GROUP BY 1
        )
        SELECT kind, coalesce(a.records, 0) AS records, coalesce(a.people, 0) AS people,
               coalesce(a.minutes, 0) AS minutes, CASE WHEN :whole THEN coalesce(c.cells, 0) END AS cells
          FROM added a FULL JOIN covered c USING (kind) ORDER BY kind
    """
    params = {"project": project_id, "since": since, "until": until, "level": COVERAGE_LEVEL, "whole": year is None}
    return _rows(session, sql, params | viewer_params(viewer))


def people_by_month(session: Session, viewer: Viewer, project_id: int, year: int | None) -> list[dict[str, Any]]:
    """Per month: people who added records, how many of them had added some in an earlier month, records, minutes."""
    since, until = _period(year)
    sql = f"""
        WITH months AS (  -- the period's months only: a yearly report groups a tenth of the rollup, not all of it
          SELECT month, contributor_key, sum(observations) AS records, sum(minutes) AS minutes
            FROM participation_month
           WHERE dataset_id IN {_datasets(viewer)} AND month >= :since AND month < :until GROUP BY 1, 2
        ),
        earlier AS (  -- who had added records before the period (one hashed group per person)
          SELECT DISTINCT contributor_key FROM participation_month
           WHERE dataset_id IN {_datasets(viewer)} AND month < :since
        ),
        firsts AS (SELECT contributor_key, min(month) AS first_month FROM months GROUP BY 1)
        SELECT m.month, count(*) AS people,
               count(*) FILTER (WHERE f.first_month < m.month OR e.contributor_key IS NOT NULL) AS returning,
               sum(m.records)::bigint AS records, sum(m.minutes)::bigint AS minutes
          FROM months m JOIN firsts f USING (contributor_key) LEFT JOIN earlier e USING (contributor_key)
         GROUP BY 1 ORDER BY 1
    """
    return _rows(session, sql, {"project": project_id, "since": since, "until": until} | viewer_params(viewer))


def comparisons_run(session: Session, viewer: Viewer, project_id: int, year: int | None) -> int:
    """Comparisons anyone ran that drew on the project's datasets."""
    since, until = _period(year)
    sql = f"""
        SELECT count(DISTINCT e.id) FROM usage_event e JOIN usage_dataset u ON u.event_id = e.id
         WHERE e.kind = 'comparison' AND u.dataset_id IN {_datasets(viewer)} AND e.at >= :since AND e.at < :until
    """
    params = {"project": project_id, "since": since, "until": until} | viewer_params(viewer)
    return int(session.scalar(text(sql), params) or 0)


def review_across_kinds(session: Session, viewer: Viewer, project_id: int, year: int | None) -> list[dict[str, Any]]:
    """Annotations on the project's records: by the annotator's own main kind, the record's kind, and what they did."""
    since, until = _period(year)
    sql = f"""
        WITH notes AS (
          SELECT a.contributor_id, a.kind AS annotation, d.knowledge_kind AS to_kind
            FROM annotation a JOIN observation o ON o.id = a.observation_id JOIN dataset d ON d.id = o.dataset_id
           WHERE o.dataset_id IN {_datasets(viewer)} AND a.created_at >= :since AND a.created_at < :until
             AND {shared_sql(viewer)}
        ),
        own AS (  -- grouped (hashed) first, then the few groups sorted
          SELECT DISTINCT ON (contributor_key) contributor_key, knowledge_kind
            FROM (SELECT p.contributor_key, d.knowledge_kind, sum(p.records) AS records
                    FROM (SELECT contributor_key, dataset_id, sum(observations) AS records FROM participation_month
                           WHERE contributor_key IN (SELECT contributor_id FROM notes) GROUP BY 1, 2) AS p
                    JOIN dataset d ON d.id = p.dataset_id
                   GROUP BY 1, 2) AS kinds
           ORDER BY contributor_key, records DESC, knowledge_kind
        )
        SELECT coalesce(own.knowledge_kind, 'none') AS from_kind, n.to_kind, n.annotation, count(*) AS n
          FROM notes n LEFT JOIN own ON own.contributor_key = n.contributor_id
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    """
    return _rows(session, sql, {"project": project_id, "since": since, "until": until} | viewer_params(viewer))


def _means(alias: str) -> str:
    return ", ".join(
        f"CASE WHEN count(*) >= :least THEN round(avg({alias}.{q}), 1)::float END AS {q}" for q in WELLBEING_QUESTIONS
    )


def wellbeing(session: Session, project_id: int, year: int | None = None) -> dict[str, Any]:
    """Mean answers per half-year (each person's latest check-in in it) and the change from joining to the
    latest follow-up, each only where at least WELLBEING_MIN_PEOPLE people answered; in a yearly report,
    the year's check-ins only (the change: from each person's first check-in of the year to their latest)."""
    since, until = _period(year)
    periods_sql = f"""
        WITH latest AS (
          SELECT DISTINCT ON (user_id, date_trunc('year', at), extract(month FROM at) > 6) *,
                 make_date(extract(year FROM at)::int, CASE WHEN extract(month FROM at) > 6 THEN 7 ELSE 1 END, 1)
                   AS period
            FROM wellbeing_checkin WHERE project_id = :project AND at >= :since AND at < :until
           ORDER BY user_id, date_trunc('year', at), extract(month FROM at) > 6, at DESC
        )
        SELECT period, count(*) AS people, {_means("latest")} FROM latest GROUP BY period ORDER BY period
    """
    change_sql = f"""
        WITH firsts AS (
          SELECT DISTINCT ON (user_id) * FROM wellbeing_checkin
           WHERE project_id = :project AND at >= :since AND at < :until ORDER BY user_id, at
        ),
        lasts AS (
          SELECT DISTINCT ON (c.user_id) c.* FROM wellbeing_checkin c JOIN firsts f USING (user_id)
           WHERE c.project_id = :project AND c.at > f.at AND c.at < :until ORDER BY c.user_id, c.at DESC
        ),
        paired AS (
          SELECT {", ".join(f"l.{q} - f.{q} AS {q}" for q in WELLBEING_QUESTIONS)}
            FROM firsts f JOIN lasts l USING (user_id)
        )
        SELECT count(*) AS people, {_means("paired")} FROM paired
    """
    params = {"project": project_id, "least": WELLBEING_MIN_PEOPLE, "since": since, "until": until}
    return {
        "least_people": WELLBEING_MIN_PEOPLE,
        "periods": _rows(session, periods_sql, params),
        "change": _rows(session, change_sql, params)[0],
    }


def evaluation(session: Session, viewer: Viewer, project_id: int, year: int | None) -> dict[str, Any]:
    """Everything the evaluation page and its API show, for the whole project or one year, as the viewer
    may see it (a dataset its agreement keeps from them adds nothing).

    The groupings read a row per dataset, month and person of participation_month (hundreds of thousands
    for a million records): enough memory to hash them rather than sort on disk, and no JIT."""
    viewer = resolved(session, viewer)
    with planner_settings(session, work_mem="32MB", jit="off"):
        return {
            "year": year,
            "by_kind": records_by_kind(session, viewer, project_id, year),
            "by_month": people_by_month(session, viewer, project_id, year),
            "comparisons": comparisons_run(session, viewer, project_id, year),
            "review": review_across_kinds(session, viewer, project_id, year),
            "wellbeing": wellbeing(session, project_id, year),
        }
