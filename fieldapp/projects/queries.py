"""Read side of projects: everything public about a project, names as their holders chose them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# The design-by-delivery matrix: a side is the community's when it is the community's or shared.
CELLS = {
    ("professionals", "professionals"): "professional_design_and_delivery",
    ("professionals", "community"): "professional_design_community_delivery",
    ("community", "professionals"): "community_design_professional_delivery",
    ("community", "community"): "co_designed_and_co_delivered",
}


def matrix_cell(designed_by: str, delivered_by: str) -> str:
    """The cell a declaration puts a project in ('both' counts as the community's part)."""
    side = {"professionals": "professionals", "community": "community", "both": "community"}
    return CELLS[(side[designed_by], side[delivered_by])]


_CREDIT = "json_build_object('id', {c}.id, 'display_name', {c}.display_name, 'kind', {c}.kind)"
_PROJECT_SQL = f"""
    SELECT p.id, p.slug, p.title, p.purpose, p.designed_by, p.delivered_by, p.draft_protocol,
           {_CREDIT.format(c="s")} AS steward,
           (SELECT coalesce(json_agg(json_build_object('id', c.id, 'display_name', c.display_name, 'kind', c.kind,
                    'role', pp.role) ORDER BY c.display_name), '[]')
              FROM project_partner pp JOIN contributor c ON c.id = pp.contributor_id
             WHERE pp.project_id = p.id) AS partners,
           (SELECT coalesce(json_agg(json_build_object('slug', d.slug, 'title', d.title,
                    'knowledge_kind', d.knowledge_kind) ORDER BY d.title), '[]')
              FROM project_dataset pd JOIN dataset d ON d.id = pd.dataset_id WHERE pd.project_id = p.id) AS datasets,
           (SELECT coalesce(json_agg(json_build_object('number', v.number, 'text', v.text,
                    'published_at', v.published_at, 'published_by', b.display_name,
                    'shaped_by', (SELECT coalesce(json_agg(k.display_name ORDER BY k.display_name), '[]')
                                    FROM protocol_shaper ps JOIN contributor k ON k.id = ps.contributor_id
                                   WHERE ps.version_id = v.id)) ORDER BY v.number DESC), '[]')
              FROM protocol_version v JOIN contributor b ON b.id = v.published_by
             WHERE v.project_id = p.id) AS versions,
           (SELECT coalesce(json_agg(json_build_object('id', m.id, 'body', m.body, 'proposed_text', m.proposed_text,
                    'credit', a.display_name, 'created_at', m.created_at,
                    'settled_in', (SELECT number FROM protocol_version WHERE id = m.settled_in)) ORDER BY m.id), '[]')
              FROM protocol_comment m JOIN contributor a ON a.id = m.contributor_id
             WHERE m.project_id = p.id) AS comments
      FROM project p JOIN contributor s ON s.id = p.steward_id
"""


def _shape(row: Any) -> dict[str, Any]:
    project = dict(row._mapping)
    project["cell"] = matrix_cell(project["designed_by"], project["delivered_by"])
    project["protocol"] = project["versions"][0] if project["versions"] else None
    return project


def list_projects(session: Session) -> list[dict[str, Any]]:
    return [_shape(r) for r in session.execute(text(_PROJECT_SQL + " ORDER BY p.title"))]


def get_project(session: Session, slug: str) -> dict[str, Any] | None:
    row = session.execute(text(_PROJECT_SQL + " WHERE p.slug = :slug"), {"slug": slug}).one_or_none()
    return None if row is None else _shape(row)
