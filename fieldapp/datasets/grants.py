"""Access on request: asking for precise access to a dataset, and its stewards' grant (for a time) or refusal.

The gate reads granted requests (access.has_grant, granted_sql): a grant shows the dataset's generalised records
precisely and opens its audience until expires_on, when it ends by itself; it never lifts an embargo.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fieldapp.access import may_decide_grant, viewer_of
from fieldapp.datasets.models import AccessGrant, Dataset
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.rules import GRANT_DAYS_MAX


def _dataset(session: Session, slug: str) -> Dataset:
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}.")
    return dataset


def request_access(session: Session, user: Any, slug: str, purpose: str) -> AccessGrant:
    """Ask the dataset's stewards for precise access, saying why."""
    dataset = _dataset(session, slug)
    grant = AccessGrant(dataset_id=dataset.id, user_id=user.id, purpose=purpose, status="requested")
    session.add(grant)
    session.flush()
    return grant


def decide(session: Session, user: Any, slug: str, grant_id: int, decision: str, until: date | None) -> AccessGrant:
    """Grant a request until a day (at most a year ahead) or refuse it: the dataset's stewards and park staff."""
    dataset = _dataset(session, slug)
    if not may_decide_grant(session, viewer_of(user), dataset.id):
        raise Forbidden("Only the dataset's stewards and park staff decide requests for access.")
    grant = session.get(AccessGrant, grant_id)
    if grant is None or grant.dataset_id != dataset.id:
        raise NotFound(f"No request {grant_id} for {slug!r}.")
    if grant.status != "requested":
        raise Conflict(f"Request {grant_id} was already {grant.status}.")
    if decision == "grant":
        today = session.scalar(text("SELECT fieldapp_today()"))
        if until is None or not (today < until and (until - today).days <= GRANT_DAYS_MAX):
            message = f"a day after today and at most {GRANT_DAYS_MAX} days ahead"
            raise Invalid(f"Grant access until {message}.", [{"path": "until", "message": message}])
        grant.expires_on = until
    grant.status = "granted" if decision == "grant" else "refused"
    grant.decided_by, grant.decided_at = user.id, func.now()
    session.flush()
    return grant


def requests_json(session: Session, user: Any, slug: str) -> list[dict[str, Any]]:
    """The dataset's requests: all of them for its stewards and staff, one's own for anyone else."""
    dataset = _dataset(session, slug)
    everyone = may_decide_grant(session, viewer_of(user), dataset.id)
    rows = session.execute(
        text(
            "SELECT g.id, g.purpose, g.status, g.requested_at, g.decided_at, g.expires_on,"
            " g.status = 'granted' AND g.expires_on > fieldapp_today() AS active, c.display_name AS requested_by"
            " FROM access_grant g JOIN user_account u ON u.id = g.user_id JOIN contributor c ON c.id = u.contributor_id"
            " WHERE g.dataset_id = :d AND (:everyone OR g.user_id = :user) ORDER BY g.id"
        ),
        {"d": dataset.id, "everyone": everyone, "user": user.id},
    )
    return [dict(r._mapping) for r in rows]
