"""Read side of subjects: matching a subject by any of its names, suggestions for the phone, a subject's names."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


def _named_sql(param: str) -> str:
    """The ids of the subjects a name names: scientific name, EUNIS code or any of their names."""
    return (
        f"SELECT id FROM subject WHERE lower(scientific_name) = lower(:{param}) OR eunis_code = :{param}"
        f" UNION SELECT subject_id FROM subject_name WHERE lower(name) = lower(:{param})"
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
