"""Demo activity over time: when records were added, volunteer time, and review across kinds of knowledge."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.annotations.models import Annotation

# Records were added over the last eighteen months, so the participation page has a history to show.
SPREAD_DAYS = 540
# (annotator account, dataset kind of the annotated records, kind, words, how many)
REVIEWS = (
    ("fisher1", "scientific", "question", "The bed ends nearer the slipway than this; we see it at low springs.", 6),
    ("fisher2", "volunteer", "corroborate", "", 12),
    ("fisher1", "historical", "context", "My grandfather fished ormers here until the 1970s.", 4),
    ("steward", "local", "corroborate", "", 8),
    ("staff", "volunteer", "question", "Is this the same group counted at the next slipway?", 3),
    ("steward", "historical", "context", "Eelgrass beds shrank after the 1930s wasting disease.", 3),
)


def _fraction(key: str) -> float:
    """A stable number in [0, 1) from a string, so the demo is the same in every database."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 2**32


def added_at(source_ref: str, now: datetime) -> datetime:
    return now - timedelta(days=int(_fraction(source_ref) * SPREAD_DAYS), hours=int(_fraction("h" + source_ref) * 12))


def time_spent(kind: str, source_ref: str) -> int | None:
    """Wardens and fishers often note their time; surveys and archives do not."""
    if kind not in ("volunteer", "local") or _fraction("t" + source_ref) < 0.4:
        return None
    return 10 + int(_fraction("m" + source_ref) * 80)


def activity(kind: str, source_ref: str, now: datetime) -> dict[str, Any]:
    return {"created_at": added_at(source_ref, now), "time_spent_min": time_spent(kind, source_ref)}


def ensure_reviews(session: Session, users: dict[str, Any], slugs: dict[str, str]) -> int:
    """Add the demo annotations once (none are added when any exist on demo records)."""
    demo_ids = list(slugs.values())
    exists = session.execute(
        text(
            "SELECT 1 FROM annotation a JOIN observation o ON o.id = a.observation_id"
            " JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = ANY(:s) LIMIT 1"
        ),
        {"s": demo_ids},
    ).first()
    if exists:
        return 0
    now, added = datetime.now(UTC), 0
    for account, kind, annotation_kind, words, count in REVIEWS:
        user = users[account]
        rows = session.execute(
            text(
                "SELECT o.id, o.source_ref FROM observation o JOIN dataset d ON d.id = o.dataset_id"
                " WHERE d.slug = :slug AND o.visibility <> 'private' ORDER BY o.source_ref LIMIT :n"
            ),
            {"slug": slugs[kind], "n": count},
        ).all()
        for observation_id, source_ref in rows:
            session.add(
                Annotation(
                    observation_id=observation_id,
                    author_user_id=user.id,
                    contributor_id=user.contributor_id,
                    kind=annotation_kind,
                    body=words,
                    status="open",
                    created_at=added_at(f"{account}/{source_ref}", now),
                )
            )
            added += 1
    session.flush()
    return added
