"""Participation figures, computed in SQL: a handful of grouped scans, fast with a million records.

They honour the holders' terms through the one gate: a dataset whose agreement keeps its records from
the viewer (audience, embargo) adds nothing (access.dataset_open_sql), withdrawn records are out of
the rollup (its trigger) and out of every count read from records or annotations (access.shared_sql).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, dataset_open_sql, shared_sql, viewer_params
from fieldapp.observations.review import corroboration_sql

# Months shown on the charts (the most recent ones with any activity).
MONTHS = 24


def monthly_by_kind(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """Per month (when recorded) and knowledge kind: records, active contributors, volunteer minutes.

    Read from participation_month, which triggers keep up to date on every write.
    """
    sql = f"""
        SELECT p.month, d.knowledge_kind AS kind, sum(p.observations)::bigint AS observations,
               count(DISTINCT p.contributor_key) AS contributors, sum(p.minutes)::bigint AS minutes,
               sum(p.timed)::bigint AS timed
        FROM participation_month p JOIN dataset d ON d.id = p.dataset_id
        WHERE p.month >= date_trunc('month', now()) - make_interval(months => :months)
          AND {dataset_open_sql(viewer, "p.dataset_id")}
        GROUP BY 1, 2 ORDER BY 1, 2
    """
    return [dict(r._mapping) for r in session.execute(text(sql), {"months": MONTHS - 1} | viewer_params(viewer))]


def annotations_by_month(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """Annotations per month and type, on records their holders share with the viewer."""
    sql = f"""
        SELECT date_trunc('month', a.created_at)::date AS month, a.kind, count(*) AS n
        FROM annotation a JOIN observation o ON o.id = a.observation_id
        WHERE a.created_at >= date_trunc('month', now()) - make_interval(months => :months) AND {shared_sql(viewer)}
        GROUP BY 1, 2 ORDER BY 1, 2
    """
    return [dict(r._mapping) for r in session.execute(text(sql), {"months": MONTHS - 1} | viewer_params(viewer))]


def cross_kind(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """Annotations by the annotator's own main knowledge kind against the annotated record's kind.

    An annotator's kind is the kind most of their own records belong to ('none' if they have none).
    """
    shared = shared_sql(viewer)
    sql = f"""
        WITH annotators AS (SELECT DISTINCT contributor_id FROM annotation),
        own AS (
          SELECT DISTINCT ON (o.contributor_id) o.contributor_id, d.knowledge_kind
          FROM observation o JOIN dataset d ON d.id = o.dataset_id
          WHERE o.contributor_id IN (SELECT contributor_id FROM annotators) AND {shared}
          GROUP BY o.contributor_id, d.knowledge_kind ORDER BY o.contributor_id, count(*) DESC, d.knowledge_kind
        )
        SELECT coalesce(own.knowledge_kind, 'none') AS from_kind, d.knowledge_kind AS to_kind, count(*) AS n
        FROM annotation a JOIN observation o ON o.id = a.observation_id JOIN dataset d ON d.id = o.dataset_id
        LEFT JOIN own ON own.contributor_id = a.contributor_id
        WHERE {shared}
        GROUP BY 1, 2 ORDER BY 1, 2
    """
    return [dict(r._mapping) for r in session.execute(text(sql), viewer_params(viewer))]


def corroborated_share(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """Per knowledge kind: records, and how many have been corroborated by someone."""
    sql = f"""
        WITH corroborated AS (
          SELECT DISTINCT a.observation_id FROM annotation a JOIN observation o ON o.id = a.observation_id
          WHERE {corroboration_sql()} AND {shared_sql(viewer)}
        ),
        totals AS (
          SELECT d.knowledge_kind AS kind, sum(p.observations)::bigint AS observations
          FROM participation_month p JOIN dataset d ON d.id = p.dataset_id
          WHERE {dataset_open_sql(viewer, "p.dataset_id")} GROUP BY 1
        ),
        hits AS (
          SELECT d.knowledge_kind AS kind, count(*) AS corroborated
          FROM corroborated c JOIN observation o ON o.id = c.observation_id JOIN dataset d ON d.id = o.dataset_id
          GROUP BY 1
        )
        SELECT t.kind, t.observations, coalesce(h.corroborated, 0) AS corroborated
        FROM totals t LEFT JOIN hits h USING (kind) ORDER BY t.kind
    """
    return [dict(r._mapping) for r in session.execute(text(sql), viewer_params(viewer))]
