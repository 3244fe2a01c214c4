"""Withdrawal: a contributor takes their records back, all or one dataset's, and sees where they went before.

A withdrawn record stays (with the withdrawal in its history) but access.shared_sql keeps it from every
output but its contributor's own view; the public geometry trigger blanks its public geometry, so the
map aggregates, tiles and comparisons drop it in the same statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import may_withdraw, viewer_of
from fieldapp.db import set_actor
from fieldapp.errors import Forbidden, NotFound


def withdraw_records(session: Session, user: Any, contributor_id: int, dataset_slug: str | None = None) -> int:
    """Withdraw the contributor's records (of one dataset, if named); answer how many were withdrawn."""
    if not may_withdraw(session, viewer_of(user), contributor_id):
        raise Forbidden("Only the person, the owner of a pseudonym or a group's members withdraw its records.")
    params: dict[str, Any] = {"contributor": contributor_id, "user": user.id}
    only = ""
    if dataset_slug is not None:
        params["dataset"] = session.scalar(text("SELECT id FROM dataset WHERE slug = :s"), {"s": dataset_slug})
        if params["dataset"] is None:
            raise NotFound(f"No dataset {dataset_slug!r}.")
        only = " AND dataset_id = :dataset"
    set_actor(session, user.id)  # the history names who withdrew
    result = session.execute(
        text(
            "UPDATE observation SET withdrawn_at = clock_timestamp(), withdrawn_by = :user"
            f" WHERE contributor_id = :contributor AND withdrawn_at IS NULL{only}"
        ),
        params,
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def withdrawal_summary(session: Session, contributor_id: int) -> dict[str, Any]:
    """Their withdrawn records per dataset, and the exports made while those records were shared.

    The usage log counts records per dataset, not which ones: an export of a dataset between a record's
    creation and its withdrawal may have held it. Who exported is not shown, only when, how and as whom.
    """
    withdrawn = session.execute(
        text(
            "SELECT d.slug, d.title, count(*) AS records, max(o.withdrawn_at) AS at"
            " FROM observation o JOIN dataset d ON d.id = o.dataset_id"
            " WHERE o.contributor_id = :c AND o.withdrawn_at IS NOT NULL GROUP BY d.slug, d.title ORDER BY d.title"
        ),
        {"c": contributor_id},
    )
    exports = session.execute(
        text("""
        SELECT e.id, e.at, d.title AS dataset_title, e.parameters->>'format' AS format,
               e.parameters->>'viewer' AS viewer, count(o.id) AS records
        FROM usage_event e JOIN usage_dataset u ON u.event_id = e.id JOIN dataset d ON d.id = u.dataset_id
        JOIN observation o ON o.dataset_id = u.dataset_id AND o.contributor_id = :c
         AND o.withdrawn_at IS NOT NULL AND o.created_at <= e.at AND e.at < o.withdrawn_at
        WHERE e.kind = 'export' AND u.observations > 0
        GROUP BY e.id, e.at, d.title ORDER BY e.at DESC
    """),
        {"c": contributor_id},
    )
    return {"withdrawn": [dict(r._mapping) for r in withdrawn], "exports": [dict(r._mapping) for r in exports]}
