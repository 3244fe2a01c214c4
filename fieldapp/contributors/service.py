"""Who may be credited by whom, and the pseudonyms a user keeps."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldapp.contributors.models import Contributor
from fieldapp.errors import Invalid
from fieldapp.rules import CONTRIBUTOR_NAME_MAX


def is_someones_pseudonym(session: Session, contributor_id: int) -> bool:
    """Is this contributor a pseudonym (of any account)? Only its owner may credit it."""
    row = session.execute(
        text("SELECT 1 FROM contributor WHERE id = :c AND owner_user_id IS NOT NULL"), {"c": contributor_id}
    ).first()
    return row is not None


def create_pseudonym(session: Session, user_id: int, own_name: str, name: str) -> tuple[Contributor, bool]:
    """Find or create a user's pseudonym of this name (case-insensitive, not their own name); True when new."""
    name = " ".join((name or "").split())
    if not name or len(name) > CONTRIBUTOR_NAME_MAX:
        raise Invalid(
            f"A pseudonym is 1 to {CONTRIBUTOR_NAME_MAX} characters.",
            [{"path": "display_name", "message": f"give a name of 1 to {CONTRIBUTOR_NAME_MAX} characters"}],
        )
    if name.casefold() == own_name.casefold():
        raise Invalid(
            "That is your account's own name; choose it instead of a pseudonym.",
            [{"path": "display_name", "message": "the same as your account's name"}],
        )
    existing = _pseudonym_named(session, user_id, name)
    if existing is not None:
        return existing, False
    pseudonym = Contributor(kind="person", display_name=name, owner_user_id=user_id)
    try:
        # A savepoint: two phones creating the same name at once meet the unique constraint.
        with session.begin_nested():
            session.add(pseudonym)
    except IntegrityError:
        found = _pseudonym_named(session, user_id, name)
        if found is None:
            raise
        return found, False
    return pseudonym, True


def _pseudonym_named(session: Session, user_id: int, name: str) -> Contributor | None:
    return session.scalars(
        select(Contributor)
        .where(
            Contributor.owner_user_id == user_id,
            func.lower(Contributor.display_name) == name.lower(),
        )
        .order_by(Contributor.id)
        .limit(1)
    ).first()


def set_membership_shown(session: Session, member_id: int, group_id: int, shown: bool) -> bool:
    """A member chooses whether the group's page lists them; False when they are not a member."""
    result = session.connection().execute(
        text("UPDATE membership SET shown = :shown WHERE group_id = :g AND member_id = :m"),
        {"shown": shown, "g": group_id, "m": member_id},
    )
    return result.rowcount == 1
