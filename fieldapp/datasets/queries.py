"""Read side of datasets: lists with counts, and one dataset with its extent, as JSON from SQL."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, shared_sql
from fieldapp.vocab import TK_LABELS

# Extent and counts come from public geometry and from the records shared with everyone (not withdrawn,
# not kept by the dataset's agreement), so a dataset's page never narrows a private or held location.
_SHARED = shared_sql(ANONYMOUS)
# A dataset's agreement is public, whoever asks: its terms are what everyone must follow.
AGREEMENT_JSON = """json_build_object(
      'purpose', a.purpose, 'uses', to_json(a.uses), 'commercial', a.commercial, 'audience', a.audience,
      'audience_groups', to_json(a.audience_groups), 'embargo_until', a.embargo_until, 'review_on', a.review_on,
      'embargoed', coalesce(a.embargo_until > fieldapp_today(), false), 'labels', a.labels,
      'updated_at', a.updated_at)"""
DATASET_JSON = f"""
    json_build_object(
      'slug', d.slug, 'title', d.title, 'description', d.description,
      'knowledge_kind', d.knowledge_kind, 'method', d.method,
      'steward', json_build_object('id', c.id, 'display_name', c.display_name, 'kind', c.kind),
      'licence', d.licence, 'citation', d.citation, 'default_visibility', d.default_visibility,
      'generalise_m', d.generalise_m, 'force_generalised', d.force_generalised,
      'stewards', (SELECT coalesce(json_agg(json_build_object('id', sc.id, 'display_name', sc.display_name,
                                                             'kind', sc.kind) ORDER BY sc.display_name), '[]'::json)
                   FROM dataset_steward ds JOIN contributor sc ON sc.id = ds.contributor_id
                   WHERE ds.dataset_id = d.id),
      'recording', d.recording, 'recording_groups', to_json(d.recording_groups),
      'created_at', d.created_at, 'updated_at', d.updated_at,
      'agreement', (SELECT {AGREEMENT_JSON} FROM dataset_agreement a WHERE a.dataset_id = d.id),
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
        SELECT d.slug, d.title, d.description, d.knowledge_kind, d.licence, c.display_name AS steward, d.steward_id,
               (SELECT count(*) FROM observation o WHERE o.dataset_id = d.id AND {_SHARED}) AS observations
        FROM dataset d JOIN contributor c ON c.id = d.steward_id ORDER BY d.knowledge_kind, d.title
    """
    return list(session.execute(text(sql)))


def get_agreement_json(session: Session, slug: str) -> str | None:
    """A dataset's agreement as JSON text ('null' without one; None without such a dataset)."""
    sql = f"""
        SELECT coalesce((SELECT {AGREEMENT_JSON} FROM dataset_agreement a WHERE a.dataset_id = d.id),
                        'null'::json)::text
        FROM dataset d WHERE d.slug = :slug
    """
    return session.execute(text(sql), {"slug": slug}).scalar()


_LABEL_NAMES = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in TK_LABELS.items())


def agreement_notice_sql(dataset: str = "d.id") -> str:
    """The dataset's agreement as one line of text (NULL without one): every export carries it, per record
    (CSV, GeoPackage, Darwin Core accessRights) or for the file (GeoJSON, EML)."""
    labels = (
        f"(SELECT 'Labels: ' || string_agg((CASE l->>'label' {_LABEL_NAMES} ELSE l->>'label' END)"
        " || coalesce(' (' || nullif(l->>'text', '') || ')', ''), ', ') FROM jsonb_array_elements(na.labels) l)"
    )
    return f"""(SELECT concat_ws('. ', 'Data agreement',
          'Purpose: ' || nullif(na.purpose, ''),
          'Allowed uses: ' || coalesce(nullif(replace(array_to_string(na.uses, ', '), '_', ' '), ''), 'none named'),
          CASE WHEN na.commercial THEN 'Commercial use allowed' ELSE 'No commercial use' END,
          'Review on ' || na.review_on, {labels})
        FROM dataset_agreement na WHERE na.dataset_id = {dataset})"""


def agreement_notice(session: Session, dataset_id: int) -> str | None:
    """The dataset's agreement as one line of text, or None without one."""
    return session.execute(text(f"SELECT {agreement_notice_sql(':id')}"), {"id": dataset_id}).scalar()


def agreement_labels_sql(dataset: str = "o.dataset_id") -> str:
    """The names of the dataset's TK/BC labels, comma-separated (NULL without any): shown in map popups."""
    return (
        f"(SELECT string_agg(CASE l->>'label' {_LABEL_NAMES} ELSE l->>'label' END, ', ')"
        f" FROM dataset_agreement la CROSS JOIN jsonb_array_elements(la.labels) l WHERE la.dataset_id = {dataset})"
    )
