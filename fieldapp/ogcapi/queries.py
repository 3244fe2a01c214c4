"""Read side of the OGC API: collections (one per dataset, all observations, the places) with their true extents."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, viewer_params
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.places.queries import collection_extent
from fieldapp.vocab import OGC_COLLECTIONS

ALL, PLACES = OGC_COLLECTIONS  # every observation; the gazetteer, through the observations' gate


def collection_rows(session: Session, viewer: Viewer, slug: str | None = None) -> list[Any]:
    """Each dataset's (and all observations') spatial and temporal extent, as this viewer sees them."""
    geometry = visible_geometry_sql(viewer)
    where = "WHERE d.slug = :slug" if slug else ""
    sql = f"""
        WITH extents AS (
          SELECT d.id, d.slug, d.title, d.description, d.licence, d.knowledge_kind,
                 ST_Extent({geometry}) AS box, min(o.observed_start) AS first,
                 max(coalesce(o.observed_end, o.observed_start)) AS last
          FROM dataset d LEFT JOIN observation o ON o.dataset_id = d.id {where}
          GROUP BY d.id)
        SELECT slug, title, description, licence, knowledge_kind, ST_XMin(box) AS minx, ST_YMin(box) AS miny,
               ST_XMax(box) AS maxx, ST_YMax(box) AS maxy, first, last FROM extents
        ORDER BY knowledge_kind, title"""
    rows = list(session.execute(text(sql), {"slug": slug, **viewer_params(viewer)})) if slug != PLACES else []
    if slug is None or slug == PLACES:
        rows.insert(0, _places_row(session, viewer))
    if slug is None or slug == ALL:
        rows.insert(0, _all_row(session, viewer))
    return rows


def collection_exists(session: Session, slug: str) -> bool:
    """Is there such a collection? Cheap, unlike its extent, so every items page can ask."""
    if slug in OGC_COLLECTIONS:
        return True
    return bool(session.scalar(text("SELECT EXISTS (SELECT 1 FROM dataset WHERE slug = :slug)"), {"slug": slug}))


def _all_row(session: Session, viewer: Viewer) -> Any:
    geometry = visible_geometry_sql(viewer)
    sql = f"""
        SELECT '{ALL}' AS slug, 'All observations' AS title,
               'Every observation of every dataset, whatever its knowledge kind.' AS description,
               NULL AS licence, NULL AS knowledge_kind, ST_XMin(e.box) AS minx, ST_YMin(e.box) AS miny,
               ST_XMax(e.box) AS maxx, ST_YMax(e.box) AS maxy, e.first, e.last
        FROM (SELECT ST_Extent({geometry}) AS box, min(o.observed_start) AS first,
                     max(coalesce(o.observed_end, o.observed_start)) AS last FROM observation o) e"""
    return session.execute(text(sql), viewer_params(viewer)).one()


def _places_row(session: Session, viewer: Viewer) -> Any:
    box = collection_extent(session, viewer)
    return SimpleNamespace(
        slug=PLACES,
        title="Places",
        description="The gazetteer: bays, reefs, rocks, slipways and fishing marks with their names in every"
        " language and community; a generalised mark as its grid cell, a private one only for its holders.",
        licence=None,
        knowledge_kind=None,
        minx=box.minx,
        miny=box.miny,
        maxx=box.maxx,
        maxy=box.maxy,
        first=None,
        last=None,
    )
