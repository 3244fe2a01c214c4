"""Deleting an account: the person chooses what becomes of their records, and their personal data is erased.

Their records stay credited to a pseudonym they name, to "anonymous", or are withdrawn (access.shared_sql then
keeps them from every output; staff still see them, and history keeps them). The account row goes, and with
it (by the foreign keys) its email, password, tokens, sessions and grants; consents keep only their version
and time (the legal trace), not who gave them; sign-in throttle rows keyed by the email go too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.db import set_actor
from fieldapp.errors import Invalid

DELETION_CHOICES = ("pseudonym", "anonymous", "withdraw")


def delete_account(session: Session, user: Any, choice: str, pseudonym: str = "") -> None:
    """Erase the user's account, crediting or withdrawing their records as they chose."""
    if choice not in DELETION_CHOICES:
        raise Invalid("Choose what becomes of your records.", [{"path": "choice", "message": "unknown"}])
    name = pseudonym.strip()
    if choice == "pseudonym" and not 0 < len(name) <= 200:
        raise Invalid("Name the pseudonym your records stay credited to.", [{"path": "pseudonym", "message": "empty"}])
    own = user.contributor_id
    theirs = {"own": own, "user": user.id}
    # Their own credit and their pseudonyms' (these lose their owner with the account).
    credits = "(SELECT :own UNION SELECT id FROM contributor WHERE owner_user_id = :user)"
    if choice == "withdraw":
        set_actor(session, user.id)
        session.execute(
            text(
                "UPDATE observation SET withdrawn_at = clock_timestamp(), withdrawn_by = :user"
                f" WHERE contributor_id IN {credits} AND withdrawn_at IS NULL"
            ),
            theirs,
        )
    new_name = name if choice == "pseudonym" else "anonymous"
    session.execute(text("UPDATE contributor SET display_name = :name WHERE id = :own"), theirs | {"name": new_name})
    session.execute(text("DELETE FROM membership WHERE member_id = :own"), theirs)
    session.execute(text("DELETE FROM login_throttle WHERE split_part(key, ' ', 1) = :email"), {"email": user.email})
    session.execute(text("DELETE FROM user_account WHERE id = :user"), theirs)
    session.flush()
