"""Read side of datasets: lists with counts, and one dataset with its extent, as JSON from SQL."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, shared_sql
from fieldapp.i18n import _
from fieldapp.ui import word
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


def agreement_notice(session: Session, dataset_id: int) -> str | None:
    """The dataset's agreement as one line of text in the request's language (None without one): every export
    carries it, per record (CSV, GeoPackage, Darwin Core accessRights, bound as a parameter) or for the file
    (GeoJSON, EML). The labels keep their own names (Local Contexts' Traditional Knowledge labels)."""
    sql = "SELECT purpose, uses, commercial, review_on, labels FROM dataset_agreement WHERE dataset_id = :id"
    row = session.execute(text(sql), {"id": dataset_id}).first()
    if row is None:
        return None
    uses = ", ".join(word("use", use) for use in row.uses or ()) or _("none named")
    parts = [_("Data agreement")]
    if row.purpose:
        parts.append(_("Purpose: %(purpose)s", purpose=row.purpose))
    parts.append(_("Allowed uses: %(uses)s", uses=uses))
    parts.append(_("Commercial use allowed") if row.commercial else _("No commercial use"))
    if row.review_on is not None:
        parts.append(_("Review on %(date)s", date=row.review_on.isoformat()))
    if row.labels:
        labels = [
            TK_LABELS.get(label["label"], label["label"]) + (f" ({label['text']})" if label.get("text") else "")
            for label in row.labels
        ]
        parts.append(_("Labels: %(labels)s", labels=", ".join(labels)))
    return ". ".join(parts)


def agreement_labels_sql(dataset: str = "o.dataset_id") -> str:
    """The names of the dataset's TK/BC labels, comma-separated (NULL without any): shown in map popups."""
    return (
        f"(SELECT string_agg(CASE l->>'label' {_LABEL_NAMES} ELSE l->>'label' END, ', ')"
        f" FROM dataset_agreement la CROSS JOIN jsonb_array_elements(la.labels) l WHERE la.dataset_id = {dataset})"
    )
