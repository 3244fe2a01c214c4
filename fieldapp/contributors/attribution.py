"""Credit lines and licence notices: attribution travels with every record."""

from __future__ import annotations


def recorded_by_sql(contributor_alias: str = "c", observation_alias: str = "o") -> str:
    """Who to credit: the contributor as they chose to be named, else the names as imported."""
    return f"coalesce({contributor_alias}.display_name, {observation_alias}.recorded_by_text, 'unknown contributor')"


def credit_line_sql(contributor_alias: str = "c", observation_alias: str = "o", dataset_alias: str = "d") -> str:
    """SQL for the one-line credit shown in popups, pages and exports."""
    return (
        f"concat_ws(' · ', {recorded_by_sql(contributor_alias, observation_alias)}, "
        f"{dataset_alias}.title, {observation_alias}.licence)"
    )
