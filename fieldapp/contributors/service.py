"""Who may be credited by whom."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def is_member(session: Session, member_id: int, group_id: int) -> bool:
    """Is contributor member_id a member of group group_id?"""
    row = session.execute(text("SELECT 1 FROM membership WHERE group_id = :g AND member_id = :m"),
                          {"g": group_id, "m": member_id}).first()
    return row is not None


def may_credit(session: Session, own_contributor_id: int, contributor_id: int) -> bool:
    """One may credit oneself or a group one belongs to."""
    return contributor_id == own_contributor_id or is_member(session, own_contributor_id, contributor_id)
