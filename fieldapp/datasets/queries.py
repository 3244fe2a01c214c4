"""Read side of datasets: lists with counts, and one dataset with its extent, as JSON from SQL."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, shared_sql

# Extent and counts come from public geometry and from the records shared with everyone (not withdrawn,
# not kept by the dataset's agreement), so a dataset's page never narrows a private or held location.
_SHARED = shared_sql(ANONYMOUS)
DATASET_JSON = f"""
    json_build_object(
      'slug', d.slug, 'title', d.title, 'description', d.description,
      'knowledge_kind', d.knowledge_kind, 'method', d.method,
      'steward', json_build_object('id', c.id, 'display_name', c.display_name, 'kind', c.kind),
      'licence', d.licence, 'citation', d.citation, 'default_visibility', d.default_visibility,
      'generalise_m', d.generalise_m, 'force_generalised', d.force_generalised,
      'created_at', d.created_at, 'updated_at', d.updated_at,
      'counts', (SELECT json_build_object(
                   'total', count(*),
                   'public', count(*) FILTER (WHERE o.visibility = 'public'),
                   'generalised', count(*) FILTER (WHERE o.visibility = 'generalised'),
                   'private', count(*) FILTER (WHERE o.visibility = 'private'))
                 FROM observation o WHERE o.dataset_id = d.id AND {_SHARED}),
      'extent', (SELECT json_build_object(
                   'bbox', CASE WHEN e.box IS NULL THEN NULL ELSE
                     json_build_array(ST_XMin(e.box), ST_YMin(e.box), ST_XMax(e.box), ST_YMax(e.box)) END,
                   'interval', json_build_array(e.first, e.last))
                 FROM (SELECT ST_Extent(o.public_geom) AS box, min(o.observed_start) AS first,
                              max(coalesce(o.observed_end, o.observed_start)) AS last
                       FROM observation o WHERE o.dataset_id = d.id AND {_SHARED}) e)
    )
"""


def list_datasets_json(session: Session) -> str:
    sql = f"""
        SELECT coalesce(json_agg({DATASET_JSON} ORDER BY d.knowledge_kind, d.title), '[]'::json)::text
        FROM dataset d JOIN contributor c ON c.id = d.steward_id
    """
    return session.execute(text(sql)).scalar_one()


def get_dataset_json(session: Session, slug: str) -> str | None:
    sql = f"SELECT ({DATASET_JSON})::text FROM dataset d JOIN contributor c ON c.id = d.steward_id WHERE d.slug = :slug"
    return session.execute(text(sql), {"slug": slug}).scalar()


def list_datasets(session: Session) -> list:
    """Datasets with their observation counts, for pages."""
    sql = f"""
        SELECT d.slug, d.title, d.description, d.knowledge_kind, d.licence, c.display_name AS steward,
               (SELECT count(*) FROM observation o WHERE o.dataset_id = d.id AND {_SHARED}) AS observations
        FROM dataset d JOIN contributor c ON c.id = d.steward_id ORDER BY d.knowledge_kind, d.title
    """
    return list(session.execute(text(sql)))
