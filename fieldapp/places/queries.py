"""Read side of places: GeoJSON built by PostGIS from what the viewer may see (the observations' gate)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, Viewer, see_record_sql, viewer_params
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.naming import match_rank_sql

# Every name of a place, first given first, each credited as its giver chose.
NAMES_SQL = """(SELECT coalesce(json_agg(json_build_object('name', n.name, 'language', n.language,
        'community', n.community, 'credit', nc.display_name) ORDER BY n.id), '[]'::json)
    FROM place_name n LEFT JOIN contributor nc ON nc.id = n.contributor_id WHERE n.place_id = p.id)"""
FIRST_NAME_SQL = "(SELECT n.name FROM place_name n WHERE n.place_id = p.id ORDER BY n.id LIMIT 1)"
# The best-matching name's rank for the query :q (NULL: none matches).
NAME_RANK_SQL = f"(SELECT min({match_rank_sql('n.name')}) FROM place_name n WHERE n.place_id = p.id)"


def feature_sql(viewer: Viewer) -> str:
    """A place as a GeoJSON Feature, with the geometry this viewer may see (precise, its cells, or none)."""
    geometry = visible_geometry_sql(viewer, "p")
    return f"""json_build_object('type', 'Feature', 'id', p.id,
        'geometry', ST_AsGeoJSON({geometry}, 7)::json,
        'properties', json_strip_nulls(json_build_object('kind', p.kind, 'name', {FIRST_NAME_SQL},
            'names', {NAMES_SQL}, 'dataset', d.slug, 'attribution', c.display_name, 'visibility', p.visibility,
            'public_precision_m', CASE WHEN p.visibility = 'generalised' THEN p.public_precision_m END)))"""


def _where(viewer: Viewer, filters: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The gate (access.see_record_sql, as for observations) and the list's filters."""
    clauses = [see_record_sql(viewer, "p"), f"{visible_geometry_sql(viewer, 'p')} IS NOT NULL"]
    params: dict[str, Any] = viewer_params(viewer)
    if filters.get("q"):
        clauses.append(f"{NAME_RANK_SQL} IS NOT NULL")
        params["q"] = filters["q"]
    if filters.get("kind"):
        clauses.append("p.kind = ANY(:kinds)")
        params["kinds"] = filters["kind"]
    if filters.get("dataset"):
        clauses.append("d.slug = ANY(:datasets)")
        params["datasets"] = filters["dataset"]
    if filters.get("bbox"):
        params.update(dict(zip(("minx", "miny", "maxx", "maxy"), filters["bbox"], strict=True)))
        # What the viewer sees is tested, so a bbox cannot probe a hidden precise place.
        clauses.append(
            f"ST_Intersects({visible_geometry_sql(viewer, 'p')}, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326))"
        )
    return " AND ".join(clauses), params


FROM_SQL = "FROM place p JOIN dataset d ON d.id = p.dataset_id LEFT JOIN contributor c ON c.id = p.contributor_id"


def list_places(session: Session, viewer: Viewer, filters: dict[str, Any], limit: int) -> str:
    """The places the viewer may see, as a GeoJSON FeatureCollection (text); best name match first when searched."""
    where, params = _where(viewer, filters)
    order = f"{NAME_RANK_SQL}, {FIRST_NAME_SQL}" if filters.get("q") else f"{FIRST_NAME_SQL}, p.id"
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection',
                 'features', coalesce(json_agg(f.feature ORDER BY f.n), '[]'::json),
                 'numberReturned', count(*))::text
          FROM (SELECT {feature_sql(viewer)} AS feature, row_number() OVER (ORDER BY {order}) AS n
                  {FROM_SQL} WHERE {where} ORDER BY {order} LIMIT :limit) f
    """
    return session.execute(text(sql), params | {"limit": limit}).scalar_one()


def place_feature(session: Session, viewer: Viewer, place_id: int) -> str | None:
    """One place as the viewer may see it, or None (absent, or not for this viewer: the same answer)."""
    where, params = _where(viewer, {})
    sql = f"SELECT ({feature_sql(viewer)})::text {FROM_SQL} WHERE p.id = :id AND {where}"
    return session.execute(text(sql), params | {"id": place_id}).scalar_one_or_none()


def label_points(session: Session) -> str:
    """Every place the public may see as a labelled point (GeoJSON text) for the maps' base layer: a point on
    its public geometry (a generalised mark's cell centre), its first name and its names in every language."""
    where, params = _where(ANONYMOUS, {})
    sql = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                 'type', 'Feature', 'id', p.id,
                 'geometry', ST_AsGeoJSON(ST_PointOnSurface(p.public_geom), 6)::json,
                 'properties', json_build_object('name', {FIRST_NAME_SQL}, 'kind', p.kind,
                     'names', (SELECT coalesce(json_agg(n.name ORDER BY n.id), '[]'::json) FROM place_name n
                               WHERE n.place_id = p.id),
                     'area', ST_Area(p.public_geom::geography) > 0))
               ORDER BY ST_Area(p.public_geom::geography) DESC, p.id), '[]'::json))::text
          {FROM_SQL} WHERE {where}
    """
    return session.execute(text(sql), params).scalar_one()


def place_area(
    session: Session, viewer: Viewer, place_id: int, reach_m: float, metric_srid: int
) -> dict[str, Any] | None:
    """A place as an area, as the viewer may see it (sensing asks about one): an area as it is, a point or a
    line widened by `reach_m` metres; its WKT, bounds and first name. None when absent or not for this viewer."""
    where, params = _where(viewer, {})
    geometry = visible_geometry_sql(viewer, "p")
    sql = f"""
        SELECT ST_AsText(a) AS wkt, ST_XMin(a) AS minx, ST_YMin(a) AS miny, ST_XMax(a) AS maxx, ST_YMax(a) AS maxy,
               name, widened
          FROM (SELECT CASE WHEN ST_Dimension(g) < 2
                            THEN ST_Transform(ST_Buffer(ST_Transform(g, :srid), :reach), 4326) ELSE g END AS a,
                       ST_Dimension(g) < 2 AS widened, name
                  FROM (SELECT {geometry} AS g, {FIRST_NAME_SQL} AS name {FROM_SQL}
                         WHERE p.id = :id AND {where}) AS seen) AS area
    """
    row = session.execute(text(sql), params | {"id": place_id, "srid": metric_srid, "reach": reach_m}).first()
    return None if row is None else dict(row._mapping)
