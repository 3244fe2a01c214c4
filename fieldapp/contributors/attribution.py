"""Credit lines and licence notices: attribution travels with every record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldapp.access import Viewer, may_credit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def recorded_by_sql(contributor_alias: str = "c", observation_alias: str = "o") -> str:
    """Who to credit: the contributor as they chose to be named, else the names as imported."""
    return f"coalesce({contributor_alias}.display_name, {observation_alias}.recorded_by_text, 'unknown contributor')"


def credit_line_sql(contributor_alias: str = "c", observation_alias: str = "o", dataset_alias: str = "d") -> str:
    """SQL for the one-line credit shown in popups, pages and exports."""
    return (
        f"concat_ws(' · ', {recorded_by_sql(contributor_alias, observation_alias)}, "
        f"{dataset_alias}.title, {observation_alias}.licence)"
    )


def acting_credit(session: Session, own_contributor_id: int, user_id: int, credited_id: int | None) -> int:
    """Who to show for an act on a record: its credit when the account owns it (pseudonym) or belongs to it (group).

    Whoever acts on a record they hold under a pseudonym or a group is shown under that credit, so that
    answering, accepting or editing never names the account behind it.
    """
    actor = Viewer(user_id=user_id, contributor_id=own_contributor_id)
    if credited_id is not None and may_credit(session, actor, credited_id):
        return credited_id
    return own_contributor_id
