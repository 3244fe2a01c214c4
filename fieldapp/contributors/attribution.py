"""Credit lines and licence notices: attribution travels with every record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldapp.access import Viewer, may_credit
from fieldapp.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def recorded_by_sql(contributor_alias: str = "c", observation_alias: str = "o") -> str:
    """Who to credit: the contributor as they chose to be named, else the names as imported; NULL when nobody
    is known (the words for that are the reader's language's: `credited`)."""
    return f"coalesce({contributor_alias}.display_name, {observation_alias}.recorded_by_text)"


def credit_line_sql(contributor_alias: str = "c", observation_alias: str = "o", dataset_alias: str = "d") -> str:
    """SQL for the one-line credit in data (API, exports, tiles): who, the dataset and the licence; a record
    nobody is known for is credited to its dataset alone (pages and popups say "unknown contributor")."""
    return (
        f"concat_ws(' · ', {recorded_by_sql(contributor_alias, observation_alias)}, "
        f"{dataset_alias}.title, {observation_alias}.licence)"
    )


def credited(recorded_by: str | None) -> str:
    """Who a page credits for a record: the name SQL gave, else "unknown contributor" in the request's language."""
    return recorded_by or _("unknown contributor")


def acting_credit(session: Session, own_contributor_id: int, user_id: int, credited_id: int | None) -> int:
    """Who to show for an act on a record: its credit when the account owns it (pseudonym) or belongs to it (group).

    Whoever acts on a record they hold under a pseudonym or a group is shown under that credit, so that
    answering, accepting or editing never names the account behind it.
    """
    actor = Viewer(user_id=user_id, contributor_id=own_contributor_id)
    if credited_id is not None and may_credit(session, actor, credited_id):
        return credited_id
    return own_contributor_id
