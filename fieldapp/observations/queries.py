"""Read side of observations: filtered lists and single records as GeoJSON built in SQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, Viewer, actor_credit_sql, see_record_sql, shared_sql, viewer_params
from fieldapp.contributors.attribution import recorded_by_sql
from fieldapp.geo.filters import Interval
from fieldapp.geo.geojson import feature_sql
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.observations.columns import record_columns
from fieldapp.observations.review import corroborated_sql, open_questions_sql
from fieldapp.subjects.queries import subject_match_sql

FROM_SQL = (
    "observation o JOIN dataset d ON d.id = o.dataset_id"
    " LEFT JOIN contributor c ON c.id = o.contributor_id"
    " LEFT JOIN subject s ON s.id = o.subject_id"
)


@dataclass
class ObservationFilter:
    """What a list of observations is narrowed to."""

    bbox: tuple[float, float, float, float] | None = None
    interval: Interval | None = None
    datasets: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    subject: str | None = None
    # Review state: 'open_questions' and/or 'corroborated'.
    review: list[str] = field(default_factory=list)


def observation_feature_sql(viewer: Viewer) -> str:
    return feature_sql("o.id", visible_geometry_sql(viewer), record_columns(viewer))


def where_sql(filters: ObservationFilter, viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """Build the WHERE clause and its parameters for a filter, as seen by a viewer."""
    params: dict[str, Any] = viewer_params(viewer)
    # Records their holders withdrew or their dataset's agreement keeps from this viewer are not listed.
    shared = shared_sql(viewer)
    clauses: list[str] = [] if shared == "true" else [shared]
    if filters.bbox:
        params.update(dict(zip(("minx", "miny", "maxx", "maxy"), filters.bbox, strict=True)))
        envelope = "ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)"
        geometry = visible_geometry_sql(viewer)
        # The bbox tests what the viewer sees, so it cannot probe precise locations.
        index_hint = f"o.public_geom && {envelope}"
        if geometry != "o.public_geom":
            index_hint = f"({index_hint} OR o.geom && {envelope})"
        clauses.append(f"{index_hint} AND ST_Intersects({geometry}, {envelope})")
    if filters.interval:
        overlap, times = filters.interval.overlap_sql()
        clauses += overlap
        params.update(times)
    if filters.datasets:
        # Dataset ids first, so counting a dataset is an index-only scan of ix_observation_dataset_id.
        clauses.append("o.dataset_id = ANY(ARRAY(SELECT id FROM dataset WHERE slug = ANY(:datasets)))")
        params["datasets"] = filters.datasets
    if filters.kinds:
        clauses.append("d.knowledge_kind = ANY(:kinds)")
        params["kinds"] = filters.kinds
    if filters.subject:
        clauses.append(subject_match_sql())
        params["subject"] = filters.subject
    if "open_questions" in filters.review:
        clauses.append(open_questions_sql())
    if "corroborated" in filters.review:
        clauses.append(corroborated_sql())
    return (" AND ".join(clauses) or "true"), params


def list_observations(
    session: Session, viewer: Viewer, filters: ObservationFilter, limit: int, after: int | None
) -> dict[str, Any]:
    """One page of matching observations: the features array as JSON text, and paging facts."""
    where, params = where_sql(filters, viewer)
    params.update({"after": after or 0, "limit": limit, "limit_plus": limit + 1})
    # Joins the filter does not need would turn the count's index-only scan into a full table scan.
    count_from = FROM_SQL if "d." in where else "observation o"
    # No shared CTE of every match: materialised, it made each page scan and sort all matches. The page
    # walks seq in index order and stops after limit + 1 rows; the count is its own (index-only) query.
    sql = f"""
        WITH page AS MATERIALIZED (
          SELECT o.seq FROM {FROM_SQL} WHERE {where} AND o.seq > :after ORDER BY o.seq LIMIT :limit_plus),
        shown AS (SELECT seq FROM page ORDER BY seq LIMIT :limit)
        SELECT (SELECT count(*) FROM {count_from} WHERE {where}) AS matched,
               (SELECT count(*) FROM page) > :limit AS more,
               (SELECT max(seq) FROM shown) AS last_seq,
               (SELECT count(*) FROM shown) AS returned,
               coalesce((SELECT json_agg({observation_feature_sql(viewer)} ORDER BY o.seq)
                         FROM shown JOIN {FROM_SQL} ON o.seq = shown.seq), '[]'::json)::text AS features
    """
    row = session.execute(text(sql), params).one()
    return {
        "matched": row.matched,
        "returned": row.returned,
        "features": row.features,
        "next_after": row.last_seq if row.more else None,
    }


def get_observation_feature(session: Session, viewer: Viewer, observation_id: uuid.UUID) -> str | None:
    """One observation as a GeoJSON Feature (text), as this viewer may see it."""
    sql = f"SELECT ({observation_feature_sql(viewer)})::text FROM {FROM_SQL} WHERE o.id = :id AND {shared_sql(viewer)}"
    return session.execute(text(sql), {"id": observation_id, **viewer_params(viewer)}).scalar()


def recent_public(session: Session, limit: int = 10) -> list[Any]:
    """The newest public observations for the home page."""
    sql = f"""
        SELECT o.id, coalesce(s.scientific_name, o.subject_text) AS subject, o.subject_text,
               o.observed_start, o.time_precision, d.title AS dataset_title, d.slug AS dataset,
               d.knowledge_kind, {recorded_by_sql()} AS recorded_by, o.contributor_id, o.licence
        FROM {FROM_SQL} WHERE {see_record_sql(ANONYMOUS)} ORDER BY o.seq DESC LIMIT :limit
    """
    return list(session.execute(text(sql), {"limit": limit}))


def history(session: Session, observation_id: uuid.UUID) -> list[Any]:
    """The change history of one observation, oldest first (precise data: callers check the policy).

    A change by the owner of the pseudonym or a member of the group the record is credited to is shown
    under that credit, so the history never names the account behind it."""
    under_credit = actor_credit_sql("o.contributor_id", "h.actor_id", "u.contributor_id")
    sql = f"""
        SELECT h.action, h.at, h.changes,
               coalesce(pn.display_name, c.display_name, 'system') AS actor, p.display_name AS proposer
        FROM observation_history h
        LEFT JOIN user_account u ON u.id = h.actor_id LEFT JOIN contributor c ON c.id = u.contributor_id
        LEFT JOIN observation o ON o.id = h.observation_id
        LEFT JOIN contributor pn ON pn.id = o.contributor_id AND {under_credit}
        LEFT JOIN contributor p ON p.id = h.proposed_by
        WHERE h.observation_id = :id ORDER BY h.id
    """
    return list(session.execute(text(sql), {"id": observation_id}))
