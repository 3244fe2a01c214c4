"""Read side of consent: what a user agreed to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


def consents_of(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every consent the user gave, newest first, with the text they agreed to."""
    rows = session.execute(
        text(
            "SELECT c.id, c.version, c.at, c.way, t.text, t.published_at FROM consent c"
            " JOIN terms_version t ON t.version = c.version WHERE c.user_id = :u ORDER BY c.at DESC, c.id DESC"
        ),
        {"u": user_id},
    )
    return [dict(r._mapping) for r in rows]
