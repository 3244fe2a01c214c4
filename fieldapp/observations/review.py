"""An observation's review state as SQL on the annotation table: tallies per kind, open questions, corroboration.

They belong to the observation's read side (its list filters and properties); annotations build on observations.
"""

from __future__ import annotations


def tally_sql(alias: str = "o") -> str:
    """People per annotation kind on one observation, e.g. {"corroborate": 3, "question": 1}."""
    return (
        "(SELECT coalesce(json_object_agg(t.kind, t.people), '{}'::json) FROM ("
        " SELECT a.kind, count(DISTINCT a.contributor_id) AS people FROM annotation a"
        f" WHERE a.observation_id = {alias}.id GROUP BY a.kind) t)"
    )


def open_questions_sql(alias: str = "o") -> str:
    return (
        f"EXISTS (SELECT 1 FROM annotation a WHERE a.observation_id = {alias}.id"
        " AND a.kind IN ('question', 'correction') AND a.status = 'open')"
    )


def corroborated_sql(alias: str = "o") -> str:
    return f"EXISTS (SELECT 1 FROM annotation a WHERE a.observation_id = {alias}.id AND a.kind = 'corroborate')"
