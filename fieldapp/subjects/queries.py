"""Read side of subjects: a subject by any of its names, search, suggestions for the phone, its names."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.naming import match_rank_sql, matches_sql, name_annotations_sql, name_tally_sql

# How the names of a subject may be listed: nothing ranks one kind of name above another but this choice.
NAME_SORTS = {
    "name": "fieldapp_fold(x.name), x.language",
    "language": "x.language, fieldapp_fold(x.name)",
    "recent": "x.created_at DESC NULLS LAST, x.id DESC",
    "corroborated": "x.corroborated DESC, fieldapp_fold(x.name)",
}
SEARCH_LIMIT = 20


def _named_sql(param: str) -> str:
    """The ids of the subjects a name names: its EUNIS code, or any of its names (scientific or any language)
    matched folded, by the start of a word or (from three letters) inside one."""
    return (
        f"SELECT id FROM subject WHERE eunis_code = :{param} OR {matches_sql('scientific_name', param)}"
        f" UNION SELECT subject_id FROM subject_name WHERE {matches_sql('name', param)}"
    )


def subject_match_sql(alias: str = "o", param: str = "subject") -> str:
    """Match a subject by any of its names, its scientific name, its EUNIS code or the words used."""
    return f"(lower({alias}.subject_text) = lower(:{param}) OR {alias}.subject_id IN ({_named_sql(param)}))"


def named_subject_ids(session: Session, name: str) -> list[int]:
    """The subjects a name names, looked up once: a scan can then match by subject_match_ids_sql."""
    return list(session.execute(text(_named_sql("name")), {"name": name}).scalars())


def subject_match_ids_sql(alias: str = "o", param: str = "subject", ids: str = "subject_ids") -> str:
    """subject_match_sql with the named subjects' ids given (no subquery, so parallel workers can test it)."""
    return f"(lower({alias}.subject_text) = lower(:{param}) OR {alias}.subject_id = ANY(:{ids}))"


def search_subjects(session: Session, query: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """Subjects any of whose names (scientific or in any language or community) match the query, best
    match first, each with the name that matched; likeness (typos) counts too."""
    sql = f"""
        WITH named AS (
            SELECT s.id AS subject_id, s.scientific_name AS name, NULL::text AS language, NULL::text AS community,
                   {match_rank_sql("s.scientific_name")} AS rank
              FROM subject s WHERE s.scientific_name IS NOT NULL
            UNION ALL
            SELECT n.subject_id, n.name, n.language, n.community, {match_rank_sql("n.name")} FROM subject_name n
        ), best AS (
            SELECT DISTINCT ON (subject_id) subject_id, name, language, community, rank FROM named
             WHERE rank IS NOT NULL ORDER BY subject_id, rank, length(name), name
        )
        SELECT json_build_object('id', s.id, 'scientific_name', s.scientific_name, 'kind', s.kind,
                 'matched', json_build_object('name', b.name, 'language', b.language, 'community', b.community),
                 'names', (SELECT coalesce(json_agg(json_build_object('name', n.name, 'language', n.language,
                                   'community', n.community) ORDER BY n.id), '[]') FROM subject_name n
                           WHERE n.subject_id = s.id))
          FROM best b JOIN subject s ON s.id = b.subject_id
         ORDER BY b.rank, length(b.name), fieldapp_fold(b.name) LIMIT :limit
    """
    return list(session.execute(text(sql), {"q": query, "limit": limit}).scalars())


def subject_suggestions(session: Session) -> str:
    """Every subject with all its names, as JSON text, for suggestions on the phone (offline too)."""
    sql = """
        SELECT coalesce(json_agg(json_build_object(
                 'id', s.id, 'scientific_name', s.scientific_name, 'kind', s.kind,
                 'names', (SELECT coalesce(json_agg(json_build_object('name', n.name, 'language', n.language,
                                                                     'community', n.community) ORDER BY n.id), '[]')
                           FROM subject_name n WHERE n.subject_id = s.id))
               ORDER BY s.scientific_name), '[]')::text
        FROM subject s
    """
    return session.execute(text(sql)).scalar_one()


def subject_names(session: Session, subject_id: int | None) -> list[Any]:
    """A subject's names in every language and community, for a record's page."""
    if subject_id is None:
        return []
    return list(
        session.execute(
            text("SELECT name, language, community FROM subject_name WHERE subject_id = :id ORDER BY language, name"),
            {"id": subject_id},
        )
    )


def subject_detail(session: Session, subject_id: int, sort: str = "name") -> dict[str, Any] | None:
    """A subject with every name (its scientific name among them, as one name), each credited, with its review
    tally and the datasets that prefer it; in the order the reader chose."""
    sql = f"""
        WITH x AS (
            SELECT n.id, n.name, n.language, n.community, false AS scientific, n.created_at,
                   CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'display_name',
                        c.display_name, 'kind', c.kind) END AS credit,
                   {name_tally_sql("corroborate", "subject_name")} AS corroborated,
                   {name_tally_sql("question", "subject_name")} AS questioned,
                   {name_tally_sql("context", "subject_name")} AS context,
                   (SELECT coalesce(json_agg(json_build_object('slug', d.slug, 'title', d.title) ORDER BY d.slug),
                           '[]') FROM preferred_name p JOIN dataset d ON d.id = p.dataset_id
                     WHERE p.subject_name_id = n.id) AS preferred_in
              FROM subject_name n LEFT JOIN contributor c ON c.id = n.contributor_id
             WHERE n.subject_id = :id
            UNION ALL
            SELECT NULL, s.scientific_name, 'la', NULL, true, NULL, NULL, 0, 0, 0, '[]'::json
              FROM subject s WHERE s.id = :id AND s.scientific_name IS NOT NULL
        )
        SELECT json_build_object('id', s.id, 'scientific_name', s.scientific_name, 'kind', s.kind,
                 'aphia_id', s.aphia_id, 'eunis_code', s.eunis_code,
                 'names', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'name', x.name,
                             'language', x.language, 'community', x.community, 'scientific', x.scientific,
                             'credit', x.credit, 'created_at', x.created_at, 'corroborated', x.corroborated,
                             'questioned', x.questioned, 'context', x.context, 'preferred_in', x.preferred_in)
                           ORDER BY {NAME_SORTS[sort]}), '[]') FROM x))
          FROM subject s WHERE s.id = :id
    """
    row = session.execute(text(sql), {"id": subject_id}).scalar_one_or_none()
    return None if row is None else (json.loads(row) if isinstance(row, str) else row)


def name_annotations(session: Session, name_id: int) -> list[dict[str, Any]]:
    """The annotations of one name, oldest first, each with its author as credited."""
    return list(session.execute(text(name_annotations_sql("subject_name")), {"id": name_id}).scalar_one())


def subject_choices(session: Session) -> list[Any]:
    """Every subject (id, scientific name, first name), for the list of subjects."""
    sql = """
        SELECT s.id, s.scientific_name, s.kind,
               (SELECT string_agg(n.name, ', ' ORDER BY n.id) FROM subject_name n WHERE n.subject_id = s.id) AS names
          FROM subject s ORDER BY fieldapp_fold(coalesce(s.scientific_name, '')), s.id
    """
    return list(session.execute(text(sql)))
