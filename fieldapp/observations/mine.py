"""My records: what a person recorded or entered, with its review state; and the dataset, place and time
of one of them for its edit form."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, record_sql, viewer_params
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.observations.review import open_questions_sql, tally_sql

# Records listed on one page of My records, newest first.
LISTED = 200


def my_records(
    session: Session, viewer: Viewer, limit: int = LISTED, before: int | None = None
) -> list[dict[str, Any]]:
    """The records credited to the viewer (or a pseudonym of theirs) or entered by them, newest (by arrival)
    first: when they reached the server, their dataset, sharing, review tallies and open questions.
    `before` is a paging cursor: only records that arrived before that one (its `seq`)."""
    sql = f"""
        SELECT o.id, coalesce(s.scientific_name, o.subject_text) AS subject, d.slug AS dataset,
               d.title AS dataset_title,
               o.observed_start, o.time_precision, o.created_at, o.updated_at, o.visibility,
               o.withdrawn_at IS NOT NULL AS withdrawn, {tally_sql("o")} AS tally,
               {open_questions_sql("o")} AS open_questions, o.entered_by = :viewer_user AS entered,
               c.display_name AS credited, o.seq
        FROM observation o JOIN dataset d ON d.id = o.dataset_id
        LEFT JOIN subject s ON s.id = o.subject_id LEFT JOIN contributor c ON c.id = o.contributor_id
        WHERE (o.entered_by = :viewer_user OR o.contributor_id = :viewer_contributor
           OR o.contributor_id IN (SELECT p.id FROM contributor p WHERE p.owner_user_id = :viewer_user))
          AND (CAST(:before AS bigint) IS NULL OR o.seq < :before)
        ORDER BY o.seq DESC LIMIT :limit
    """
    rows = session.execute(text(sql), viewer_params(viewer) | {"limit": limit, "before": before})
    return [dict(r._mapping) for r in rows]


def recordable_datasets(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """The datasets the viewer may record into (a record may move only there)."""
    sql = f"SELECT d.slug, d.title FROM dataset d WHERE {record_sql(viewer, 'd')} ORDER BY d.title"
    return [dict(r._mapping) for r in session.execute(text(sql), viewer_params(viewer))]


def where_and_when(session: Session, viewer: Viewer, observation_id: uuid.UUID) -> dict[str, Any]:
    """A record's dataset, start time and, for a point, its coordinates as the viewer may see them
    (precise for those who manage it, who alone reach its edit form)."""
    sql = f"""
        SELECT w.dataset, w.observed_start,
               CASE WHEN GeometryType(w.g) = 'POINT' THEN round(ST_X(w.g)::numeric, 6) END AS longitude,
               CASE WHEN GeometryType(w.g) = 'POINT' THEN round(ST_Y(w.g)::numeric, 6) END AS latitude
        FROM (SELECT d.slug AS dataset, o.observed_start, {visible_geometry_sql(viewer)} AS g
              FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE o.id = :id) w
    """
    return dict(session.execute(text(sql), viewer_params(viewer) | {"id": observation_id}).one()._mapping)
