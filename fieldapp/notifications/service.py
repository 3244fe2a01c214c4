"""Who is told what: the recorders of an annotated record, the author of an answered annotation;
the inbox, its unread count, and email digests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# Notifications listed in the inbox, newest first.
LISTED = 100

# The accounts behind a record: who entered it, whoever acts as its contributor, the owner of its pseudonym.
_RECORDERS = """
    SELECT u.id FROM observation o JOIN user_account u
      ON u.id = o.entered_by OR u.contributor_id = o.contributor_id
      OR u.id = (SELECT p.owner_user_id FROM contributor p WHERE p.id = o.contributor_id)
    WHERE o.id = :observation AND u.active
"""


def notify_annotation(session: Session, observation_id: uuid.UUID, annotation_id: int, kind: str, author: int) -> None:
    """Tell the record's recorders that someone (not themselves) annotated it."""
    sql = f"""
        INSERT INTO notification (user_id, kind, observation_id, annotation_id)
        SELECT DISTINCT r.id, :kind, :observation, :annotation FROM ({_RECORDERS}) r WHERE r.id <> :author
    """
    params = {"observation": observation_id, "annotation": annotation_id, "kind": kind, "author": author}
    session.execute(text(sql), params)


def notify_answer(session: Session, annotation_id: int, responder: int) -> None:
    """Tell an annotation's author that it was answered or accepted (unless they answered it themselves)."""
    sql = """
        INSERT INTO notification (user_id, kind, observation_id, annotation_id)
        SELECT a.author_user_id, 'answer', a.observation_id, a.id FROM annotation a
        JOIN user_account u ON u.id = a.author_user_id
        WHERE a.id = :annotation AND a.observation_id IS NOT NULL AND u.active AND u.id <> :responder
    """
    session.execute(text(sql), {"annotation": annotation_id, "responder": responder})


_INBOX = """
    SELECT n.id, n.kind, n.observation_id, n.created_at, n.read_at, a.body, a.response, a.status,
           c.display_name AS who, coalesce(s.scientific_name, o.subject_text) AS subject
    FROM notification n JOIN annotation a ON a.id = n.annotation_id
    JOIN contributor c ON c.id = (CASE WHEN n.kind = 'answer' THEN coalesce(a.responded_by, a.contributor_id)
                                        ELSE a.contributor_id END)
    JOIN observation o ON o.id = n.observation_id LEFT JOIN subject s ON s.id = o.subject_id
    WHERE n.user_id = :user {extra}
    ORDER BY n.created_at DESC, n.id DESC LIMIT :limit
"""


def inbox(session: Session, user_id: int, unread_only: bool = False) -> list[dict[str, Any]]:
    """The newest notifications: what happened, by whom (as credited), on which record (the page and the API)."""
    extra = "AND n.read_at IS NULL" if unread_only else ""
    rows = session.execute(text(_INBOX.format(extra=extra)), {"user": user_id, "limit": LISTED})
    return [dict(r._mapping) for r in rows]


def unread_count(session: Session, user_id: int) -> int:
    sql = "SELECT count(*) FROM notification WHERE user_id = :user AND read_at IS NULL"
    return int(session.execute(text(sql), {"user": user_id}).scalar_one())


def mark_read(session: Session, user_id: int, ids: list[int] | None = None) -> int:
    """Mark the account's notifications read: every one, or only those of `ids` (others' ids change nothing).
    Answers how many were newly marked."""
    sql = "UPDATE notification SET read_at = now() WHERE user_id = :user AND read_at IS NULL"
    params: dict[str, Any] = {"user": user_id}
    if ids is not None:
        sql += " AND id = ANY(:ids)"
        params["ids"] = ids
    result = session.execute(text(sql), params)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def digests(session: Session) -> list[tuple[str, list[dict[str, Any]]]]:
    """Per active account, its unread notifications that no email carried yet (email, items)."""
    users = session.execute(
        text(
            "SELECT DISTINCT u.id, u.email FROM notification n JOIN user_account u ON u.id = n.user_id"
            " WHERE n.read_at IS NULL AND n.emailed_at IS NULL AND u.active ORDER BY u.email"
        )
    ).all()
    extra = "AND n.read_at IS NULL AND n.emailed_at IS NULL"
    return [
        (
            u.email,
            [
                dict(r._mapping)
                for r in session.execute(text(_INBOX.format(extra=extra)), {"user": u.id, "limit": LISTED})
            ],
        )
        for u in users
    ]


def mark_emailed(session: Session, ids: list[int]) -> None:
    session.execute(text("UPDATE notification SET emailed_at = now() WHERE id = ANY(:ids)"), {"ids": ids})
