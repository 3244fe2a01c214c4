"""The log of who saw a contributor's exact locations: every view by anyone but the contributor is written down.

A view is logged where exact geometry of a non-public record goes to someone who is neither its contributor
nor the owner of its pseudonym (stewards, park staff, granted access, whoever entered it): the record's
page and API, the list API, OGC API items (one insert per page, grouped by contributor and dataset), and
exports. The contributor's page reads the log (contributors.queries.precise_views).
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, exact_sql, granted_sql, is_privileged, stewards_sql, viewer_params
from fieldapp.observations.queries import get_observation_feature

# Not the contributor, nor the owner of the pseudonym the record is credited to (staff are logged too).
_OTHERS = (
    "NOT coalesce(o.contributor_id = :viewer_contributor OR EXISTS (SELECT 1 FROM contributor sp"
    " WHERE sp.id = o.contributor_id AND sp.owner_user_id = :viewer_user), false)"
)


def _reason_sql(viewer: Viewer) -> str:
    """Why the viewer could see it, in words."""
    if is_privileged(viewer):
        return "'park staff'"
    grant = (
        "(SELECT 'granted access: ' || g.purpose FROM access_grant g WHERE g.dataset_id = o.dataset_id"
        " AND g.user_id = :viewer_user AND g.status = 'granted' ORDER BY g.id DESC LIMIT 1)"
    )
    return (
        f"CASE WHEN {stewards_sql(viewer)} THEN 'dataset steward'"
        f" WHEN {granted_sql(viewer)} THEN left({grant}, 400)"
        " WHEN o.entered_by = :viewer_user THEN 'entered it on their behalf' ELSE 'manages the record' END"
    )


def _log_sql(viewer: Viewer, where: str) -> str:
    return f"""
        INSERT INTO precise_view (contributor_id, user_id, dataset_id, via, reason, records)
        SELECT o.contributor_id, :viewer_user, o.dataset_id, :via, {_reason_sql(viewer)} AS reason, count(*)
        FROM observation o
        WHERE {where} AND o.visibility <> 'public' AND o.contributor_id IS NOT NULL
          AND {exact_sql(viewer)} AND {_OTHERS}
        GROUP BY o.contributor_id, o.dataset_id, reason"""


def seen_feature(session: Session, viewer: Viewer, observation_id: uuid.UUID, via: str) -> str | None:
    """One record as this viewer may see it (observations.queries.get_observation_feature), its exact view logged."""
    feature = get_observation_feature(session, viewer, observation_id)
    if feature is not None:
        log_record_view(session, viewer, observation_id, via)
        session.commit()
    return feature


def log_record_view(session: Session, viewer: Viewer, observation_id: uuid.UUID, via: str) -> None:
    """Log an exact view of one record (its page or the API), if it is one."""
    if viewer.is_anonymous:
        return
    params = viewer_params(viewer) | {"id": observation_id, "via": via}
    session.execute(text(_log_sql(viewer, "o.id = :id")), params)


def log_list_view(session: Session, viewer: Viewer, seqs: list[int], via: str) -> None:
    """Log the exact views one page of a list gave (its records by seq): one insert for the whole page."""
    if viewer.is_anonymous or not seqs:
        return
    params = viewer_params(viewer) | {"seqs": seqs, "via": via}
    session.execute(text(_log_sql(viewer, "o.seq = ANY(CAST(:seqs AS bigint[]))")), params)
    session.commit()


def log_export_view(session: Session, viewer: Viewer, dataset_id: int) -> None:
    """Log the exact views an export of the dataset gave, one row per contributor."""
    if viewer.is_anonymous:
        return
    params = viewer_params(viewer) | {"dataset": dataset_id, "via": "export"}
    session.execute(text(_log_sql(viewer, "o.dataset_id = :dataset AND o.withdrawn_at IS NULL")), params)
