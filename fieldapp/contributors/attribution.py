"""Credit lines and licence notices: attribution travels with every record."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    from fieldapp.contributors.service import may_credit

    if credited_id is not None and may_credit(session, own_contributor_id, credited_id, user_id):
        return credited_id
    return own_contributor_id


def acts_under_credit_sql(credited: str, actor_user: str, actor_contributor: str) -> str:
    """The SQL twin of acting_credit: is the record's credit `credited` the acting account's pseudonym or group?"""
    return (
        f"EXISTS (SELECT 1 FROM contributor k WHERE k.id = {credited} AND (k.owner_user_id = {actor_user}"
        f" OR EXISTS (SELECT 1 FROM membership m WHERE m.group_id = k.id AND m.member_id = {actor_contributor})))"
    )
