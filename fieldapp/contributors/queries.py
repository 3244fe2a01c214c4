"""Read side of contributors: a profile with their records, annotations and where their knowledge was used."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import ANONYMOUS, Viewer, see_record_sql, shared_sql, speaks_for, viewer_params


def profile(session: Session, contributor_id: int) -> dict[str, Any] | None:
    """Who they are as they chose to be credited: no email, no account detail."""
    row = session.execute(
        text("SELECT id, kind, display_name, orcid, created_at FROM contributor WHERE id = :id"), {"id": contributor_id}
    ).first()
    return None if row is None else dict(row._mapping)


def memberships(session: Session, contributor_id: int) -> dict[str, list[dict[str, Any]]]:
    """The groups a person shows they belong to, and a group's members who chose to be shown."""
    groups = session.execute(
        text(
            "SELECT c.id, c.display_name FROM membership m JOIN contributor c ON c.id = m.group_id"
            " WHERE m.member_id = :id AND m.shown ORDER BY c.display_name"
        ),
        {"id": contributor_id},
    )
    members = session.execute(
        text(
            "SELECT c.id, c.display_name FROM membership m JOIN contributor c ON c.id = m.member_id"
            " WHERE m.group_id = :id AND m.shown ORDER BY c.display_name"
        ),
        {"id": contributor_id},
    )
    return {"groups": [dict(r._mapping) for r in groups], "members": [dict(r._mapping) for r in members]}


def stewarded_datasets(session: Session, contributor_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        text("SELECT slug, title, knowledge_kind, licence FROM dataset WHERE steward_id = :id ORDER BY title"),
        {"id": contributor_id},
    )
    return [dict(r._mapping) for r in rows]


def observation_summary(session: Session, contributor_id: int, viewer: Viewer) -> dict[str, Any]:
    """Counts of their records by kind, and their latest ones: private ones only for themselves (and the
    owner of a pseudonym) and staff."""
    own = speaks_for(session, viewer, contributor_id)
    # Withdrawn records and those an agreement keeps from the viewer are not counted for them.
    counts = session.execute(
        text(
            "SELECT d.knowledge_kind, count(*) AS n, count(*) FILTER (WHERE o.visibility = 'private') AS private"
            " FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE o.contributor_id = :id"
            f" AND {shared_sql(viewer)} GROUP BY d.knowledge_kind ORDER BY d.knowledge_kind"
        ),
        {"id": contributor_id, **viewer_params(viewer)},
    )
    latest = session.execute(
        text(
            "SELECT o.id, coalesce(s.scientific_name, o.subject_text) AS subject, o.observed_start, o.time_precision,"
            " d.title AS dataset_title, d.knowledge_kind, o.licence, o.visibility"
            " FROM observation o JOIN dataset d ON d.id = o.dataset_id LEFT JOIN subject s ON s.id = o.subject_id"
            f" WHERE o.contributor_id = :id AND (:own OR o.visibility <> 'private') AND {shared_sql(viewer)}"
            " ORDER BY o.seq DESC LIMIT 20"
        ),
        {"id": contributor_id, "own": own, **viewer_params(viewer)},
    )
    by_kind = [dict(r._mapping) for r in counts]
    return {
        "by_kind": [{**k, "shown": k["n"] if own else k["n"] - k["private"]} for k in by_kind],
        "latest": [dict(r._mapping) for r in latest],
    }


def annotations_by(session: Session, contributor_id: int) -> list[dict[str, Any]]:
    """Their annotations on records anyone may see, newest first."""
    rows = session.execute(
        text(
            "SELECT a.kind, a.body, a.status, a.created_at, a.observation_id,"
            " coalesce(s.scientific_name, o.subject_text) AS subject, d.title AS dataset_title, d.knowledge_kind"
            " FROM annotation a JOIN observation o ON o.id = a.observation_id JOIN dataset d ON d.id = o.dataset_id"
            " LEFT JOIN subject s ON s.id = o.subject_id"
            f" WHERE a.contributor_id = :id AND {see_record_sql(ANONYMOUS)} ORDER BY a.created_at DESC LIMIT 20"
        ),
        {"id": contributor_id},
    )
    return [dict(r._mapping) for r in rows]


def knowledge_used(session: Session, contributor_id: int) -> list[dict[str, Any]]:
    """Per kind of use (export, comparison): how often and in how many datasets their records were drawn on."""
    rows = session.execute(
        text("""
        WITH theirs AS (SELECT DISTINCT dataset_id FROM observation WHERE contributor_id = :id)
        SELECT e.kind, count(DISTINCT e.id) AS times, count(DISTINCT u.dataset_id) AS datasets,
               max(e.at) AS last
        FROM usage_event e JOIN usage_dataset u ON u.event_id = e.id
        WHERE u.dataset_id IN (SELECT dataset_id FROM theirs)
        GROUP BY e.kind ORDER BY e.kind
    """),
        {"id": contributor_id},
    )
    return [dict(r._mapping) for r in rows]


def groups_of(session: Session, contributor_id: int) -> list[dict[str, Any]]:
    """Every group a person belongs to (shown or not): those they may credit."""
    rows = session.execute(
        text(
            "SELECT c.id, c.display_name FROM membership m JOIN contributor c ON c.id = m.group_id"
            " WHERE m.member_id = :id ORDER BY c.display_name"
        ),
        {"id": contributor_id},
    )
    return [dict(r._mapping) for r in rows]


def pseudonyms_of(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The pseudonyms an account owns (for its own forms only: never shown to others)."""
    rows = session.execute(
        text("SELECT id, display_name FROM contributor WHERE owner_user_id = :u ORDER BY display_name, id"),
        {"u": user_id},
    )
    return [dict(r._mapping) for r in rows]


def datasets_with_records(session: Session, contributor_id: int) -> list[dict[str, Any]]:
    """The datasets holding records credited to the contributor that are not withdrawn (for the withdrawal form)."""
    rows = session.execute(
        text(
            "SELECT d.slug, d.title, count(*) AS records FROM observation o JOIN dataset d ON d.id = o.dataset_id"
            " WHERE o.contributor_id = :id AND o.withdrawn_at IS NULL GROUP BY d.slug, d.title ORDER BY d.title"
        ),
        {"id": contributor_id},
    )
    return [dict(r._mapping) for r in rows]


def precise_views(session: Session, contributor_id: int) -> list[dict[str, Any]]:
    """Who has seen the contributor's exact locations, when, how and why (newest first; for them alone).

    The viewer is named as they are credited on their own account; the pseudonym the records are under
    is never tied to its account here, since only its owner reads this."""
    rows = session.execute(
        text(
            "SELECT v.at, coalesce(c.display_name, 'a deleted account') AS viewer, v.via, v.reason, v.records,"
            " d.title AS dataset_title FROM precise_view v LEFT JOIN user_account u ON u.id = v.user_id"
            " LEFT JOIN contributor c ON c.id = u.contributor_id LEFT JOIN dataset d ON d.id = v.dataset_id"
            " WHERE v.contributor_id = :id ORDER BY v.at DESC, v.id DESC LIMIT 200"
        ),
        {"id": contributor_id},
    )
    return [dict(r._mapping) for r in rows]
