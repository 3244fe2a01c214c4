"""Read side of places: GeoJSON built by PostGIS from what the viewer may see (the observations' gate)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, Viewer, see_record_sql, viewer_params
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.naming import match_rank_sql, name_annotations_sql, name_tally_sql

# Every name of a place, first given first, each credited as its giver chose.
NAMES_SQL = """(SELECT coalesce(json_agg(json_build_object('id', n.id, 'name', n.name, 'language', n.language,
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


def place_names(session: Session, viewer: Viewer, place_id: int) -> list[dict[str, Any]] | None:
    """The names of a place the viewer may see, first given first, each credited with its review tally
    (the subjects' rule, naming.name_tally_sql); None when the place is absent or not for this viewer."""
    where, params = _where(viewer, {})
    sql = f"""
        SELECT (SELECT coalesce(json_agg(json_build_object('id', n.id, 'name', n.name, 'language', n.language,
                  'community', n.community, 'credit', nc.display_name,
                  'corroborated', {name_tally_sql("corroborate", "place_name")},
                  'questioned', {name_tally_sql("question", "place_name")},
                  'context', {name_tally_sql("context", "place_name")}) ORDER BY n.id), '[]'::json)
                  FROM place_name n LEFT JOIN contributor nc ON nc.id = n.contributor_id WHERE n.place_id = p.id)
          {FROM_SQL} WHERE p.id = :id AND {where}
    """
    names = session.execute(text(sql), params | {"id": place_id}).scalar_one_or_none()
    return None if names is None else list(names)


def place_name_annotations(session: Session, viewer: Viewer, place_id: int, name_id: int) -> list[Any] | None:
    """The annotations of one name of a place the viewer may see, oldest first; None when the place is not
    for this viewer or has no such name (the same answer)."""
    where, params = _where(viewer, {})
    sql = f"""SELECT ({name_annotations_sql("place_name", "name_id")})
                {FROM_SQL} JOIN place_name pn ON pn.place_id = p.id
               WHERE p.id = :id AND pn.id = :name_id AND {where}"""
    found = session.execute(text(sql), params | {"id": place_id, "name_id": name_id}).scalar_one_or_none()
    return None if found is None else list(found)


def collection_extent(session: Session, viewer: Viewer) -> Any:
    """The box of every place the viewer may see, as they see them (OGC API's collection extent)."""
    where, params = _where(viewer, {})
    geometry = visible_geometry_sql(viewer, "p")
    sql = f"""SELECT ST_XMin(e.box) AS minx, ST_YMin(e.box) AS miny, ST_XMax(e.box) AS maxx, ST_YMax(e.box) AS maxy
                FROM (SELECT ST_Extent({geometry}) AS box {FROM_SQL} WHERE {where}) e"""
    return session.execute(text(sql), params).one()


def places_page(
    session: Session, viewer: Viewer, bbox: tuple[float, float, float, float] | None, limit: int, after: int | None
) -> dict[str, Any]:
    """One page of the places the viewer may see, in id order after `after` (OGC API items): the features as
    JSON text, how many there are in all, and the last id when another page follows."""
    where, params = _where(viewer, {"bbox": bbox} if bbox else {})
    # Ids are integers: a cursor past them all is simply the end. One more row than asked tells a next page.
    params |= {"after": min(after or 0, 2**31), "limit": limit}
    sql = f"""
        SELECT coalesce(json_agg(f.feature ORDER BY f.id) FILTER (WHERE f.n <= :limit), '[]'::json)::text AS features,
               count(*) FILTER (WHERE f.n <= :limit) AS returned, max(f.id) FILTER (WHERE f.n <= :limit) AS last,
               count(*) > :limit AS more, (SELECT count(*) {FROM_SQL} WHERE {where}) AS matched
          FROM (SELECT p.id, {feature_sql(viewer)} AS feature, row_number() OVER (ORDER BY p.id) AS n
                  {FROM_SQL} WHERE {where} AND p.id > :after ORDER BY p.id LIMIT :limit + 1) f
    """
    row = session.execute(text(sql), params).one()
    return {
        "features": row.features,
        "returned": row.returned,
        "matched": row.matched,
        "next_after": row.last if row.more else None,
    }


# What every exported place carries besides what the API shows: its dataset's licence and agreement (the
# notices, worded in the request's language by datasets.queries.agreement_notice, given as :terms by dataset id).
TERMS_SQL = "(CAST(:terms AS jsonb) ->> d.id::text)"
EXPORT_EXTRA_SQL = f"'licence', d.licence, 'terms', {TERMS_SQL}"


def export_places(
    session: Session, viewer: Viewer, filters: dict[str, Any], limit: int, terms: dict[int, str]
) -> list[Any]:
    """The places the viewer may see (the list's filters), as they see them, for a file: the GeoJSON Feature
    (with licence and terms), and the columns of a table (geometry as WKT, every name with its language)."""
    where, params = _where(viewer, filters)
    params["terms"] = json.dumps({str(k): v for k, v in terms.items()})
    geometry = visible_geometry_sql(viewer, "p")
    sql = f"""
        SELECT p.id, json_build_object('type', 'Feature', 'id', p.id,
                 'geometry', ST_AsGeoJSON({geometry}, 7)::json,
                 'properties', (({feature_sql(viewer)})->'properties')::jsonb
                               || jsonb_strip_nulls(jsonb_build_object({EXPORT_EXTRA_SQL})))::text AS feature,
               {FIRST_NAME_SQL} AS name,
               (SELECT string_agg(n.name || ' [' || concat_ws(', ', n.language, n.community) || ']', '; ' ORDER BY n.id)
                  FROM place_name n WHERE n.place_id = p.id) AS names,
               p.kind, d.slug AS dataset, d.licence, c.display_name AS attribution, p.visibility,
               CASE WHEN p.visibility = 'generalised' THEN p.public_precision_m END AS public_precision_m,
               ST_AsText({geometry}, 7) AS wkt, {TERMS_SQL} AS terms
          {FROM_SQL} WHERE {where} ORDER BY p.id LIMIT :limit
    """
    return list(session.execute(text(sql), params | {"limit": limit}))
