"""Who may be credited by whom, and the pseudonyms a user keeps."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldapp.contributors.models import Contributor
from fieldapp.errors import Invalid, NotFound
from fieldapp.rules import CONTRIBUTOR_NAME_MAX
from fieldapp.vocab import GROUP_ROLES


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


def set_group_role(session: Session, group_id: int, email: str, role: str) -> None:
    """Make an account a group's member or admin (vocab.GROUP_ROLES), adding the membership if needed."""
    if role not in GROUP_ROLES:
        raise Invalid(f"Use one of {', '.join(GROUP_ROLES)}.", [{"path": "role", "message": "unknown role"}])
    group = session.get(Contributor, group_id)
    if group is None or group.kind != "group":
        raise NotFound(f"No group {group_id}.")
    member = session.scalar(
        text("SELECT contributor_id FROM user_account WHERE lower(email) = lower(:email)"), {"email": email}
    )
    if member is None:
        raise NotFound(f"No account {email!r}.")
    session.execute(
        text(
            "INSERT INTO membership (group_id, member_id, shown, role) VALUES (:g, :m, true, :role)"
            " ON CONFLICT (group_id, member_id) DO UPDATE SET role = EXCLUDED.role"
        ),
        {"g": group_id, "m": member, "role": role},
    )
    session.commit()
