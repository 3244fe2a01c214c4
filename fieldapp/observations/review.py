"""An observation's review state as SQL on the annotation table: tallies per kind, open questions, corroboration.

They belong to the observation's read side (its list filters and properties); annotations build on observations.
"""

from __future__ import annotations


def own_record_sql(annotation: str = "a", alias: str = "o") -> str:
    """The annotation is by the record's own recorder: credited to the record's contributor, or
    written by the account that entered the record (under any name of theirs)."""
    return (
        f"({annotation}.contributor_id = {alias}.contributor_id OR ({annotation}.author_user_id IS NOT NULL"
        f" AND {annotation}.author_user_id = {alias}.entered_by))"
    )


def corroboration_sql(annotation: str = "a", alias: str = "o") -> str:
    """An annotation that counts as corroboration: someone other than the recorder saw it too."""
    return f"({annotation}.kind = 'corroborate' AND NOT {own_record_sql(annotation, alias)})"


def tally_sql(alias: str = "o") -> str:
    """People per annotation kind on one observation, e.g. {"corroborate": 3, "question": 1}.

    A recorder corroborating their own record is not counted."""
    return (
        "(SELECT coalesce(json_object_agg(t.kind, t.people), '{}'::json) FROM ("
        " SELECT a.kind, count(DISTINCT a.contributor_id) AS people FROM annotation a"
        f" WHERE a.observation_id = {alias}.id AND (a.kind <> 'corroborate' OR {corroboration_sql('a', alias)})"
        " GROUP BY a.kind) t)"
    )


def open_questions_sql(alias: str = "o") -> str:
    return (
        f"EXISTS (SELECT 1 FROM annotation a WHERE a.observation_id = {alias}.id"
        " AND a.kind IN ('question', 'correction') AND a.status = 'open')"
    )


def corroborated_sql(alias: str = "o") -> str:
    return (
        f"EXISTS (SELECT 1 FROM annotation a WHERE a.observation_id = {alias}.id AND {corroboration_sql('a', alias)})"
    )
